"""Persistence for the wellbeing service."""
