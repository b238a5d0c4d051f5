"""Targets' HTTP API. Its app is built by entrypoints.web."""
