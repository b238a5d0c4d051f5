"""Staffroom's embedded run: every service in one process, SQLite databases, the embedded bus."""
