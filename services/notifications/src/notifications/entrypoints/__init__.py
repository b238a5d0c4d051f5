"""Processes of the notifications service: migrate, relay, consumer, scheduler (web: api.create_app)."""
