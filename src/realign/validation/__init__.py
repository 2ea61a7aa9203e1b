"""realign.validation"""
