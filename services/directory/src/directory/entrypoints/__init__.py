"""Processes of the directory service: migrate, relay (web runs under gunicorn via entrypoints.web)."""
