"""Alembic environment for the wellbeing service's database."""
from wellbeing.adapters.orm import metadata
from staffroom_shared.migrations import run

run(metadata)
