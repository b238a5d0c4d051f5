"""Processes of the wellbeing service: migrate, relay, consumer, scheduler (web: api.create_app)."""
