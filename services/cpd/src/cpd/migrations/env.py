"""Alembic environment for the cpd service's database."""
from cpd.adapters.orm import metadata
from staffroom_shared.migrations import run

run(metadata)
