"""realign.consequences"""
