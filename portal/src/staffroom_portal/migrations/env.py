"""Alembic environment for the portal's database (its sessions)."""
from staffroom_portal.sessions import metadata
from staffroom_shared.migrations import run

run(metadata)
