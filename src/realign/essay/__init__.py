"""realign.essay"""
