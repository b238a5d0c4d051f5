"""Processes of the targets service: migrate, relay, consumer, scheduler, rebuild (web: entrypoints.web)."""
