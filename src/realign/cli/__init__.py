"""realign.cli"""
