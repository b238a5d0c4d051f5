"""Alembic environment for the appraisal service's database."""
from appraisal.adapters.orm import metadata
from staffroom_shared.migrations import run

run(metadata)
