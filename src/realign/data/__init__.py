"""realign.data"""
