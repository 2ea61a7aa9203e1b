"""realign.system"""
