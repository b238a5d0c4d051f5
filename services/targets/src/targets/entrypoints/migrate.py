"""Bring the targets database up to the newest migration: `python -m targets.entrypoints.migrate`."""
from staffroom_shared.runner import main_migrate

from .. import bootstrap

if __name__ == "__main__":
    main_migrate(bootstrap)
