"""Wellbeing survey rules in plain Python: instruments, validation and scoring. No Flask, no SQLAlchemy."""
