"""realign.simulation"""
