"""Processes of the CPD service: migrate, relay, consumer, scheduler (web: api.create_app)."""
