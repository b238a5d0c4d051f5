"""Alembic environment for the notifications service's database."""
from notifications.adapters.orm import metadata
from staffroom_shared.migrations import run

run(metadata)
