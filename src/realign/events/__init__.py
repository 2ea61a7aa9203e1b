"""realign.events"""
