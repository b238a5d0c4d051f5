"""Use cases of the wellbeing service."""
