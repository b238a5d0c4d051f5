"""Processes of the appraisal service: migrate, relay, consumer, scheduler (web: entrypoints.web)."""
