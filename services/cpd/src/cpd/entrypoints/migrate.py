"""Bring the cpd's database up to the newest migration: `python -m cpd.entrypoints.migrate`."""
from staffroom_shared.runner import main_migrate

from .. import bootstrap

if __name__ == "__main__":
    main_migrate(bootstrap)
