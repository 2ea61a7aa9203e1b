"""realign.web"""
