"""Processes of the CPD service: migrate, relay, consumer, scheduler (web: entrypoints.web)."""
