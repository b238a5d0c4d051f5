"""Processes of the appraisal service: migrate, relay, consumer, scheduler (web: api.create_app)."""
