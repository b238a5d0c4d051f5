"""Alembic environment for the directory service's database."""
from directory.adapters.orm import metadata
from staffroom_shared.migrations import run

run(metadata)
