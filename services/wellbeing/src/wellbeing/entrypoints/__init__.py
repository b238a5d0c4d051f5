"""Processes of the wellbeing service: migrate, relay, consumer, scheduler (web: entrypoints.web)."""
