"""Processes of the notifications service: migrate, relay, consumer, scheduler (web: entrypoints.web)."""
