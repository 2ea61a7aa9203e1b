"""realign.models"""
