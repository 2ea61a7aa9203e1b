"""realign.solvers"""
