"""Alembic environment for the targets service's database."""
from targets.adapters.orm import metadata
from staffroom_shared.migrations import run

run(metadata)
