"""Apply staff.* and cpd.completed events: `python -m appraisal.entrypoints.consumer`."""
from staffroom_shared.runner import main_consumer

from .. import bootstrap

if __name__ == "__main__":
    main_consumer(bootstrap)
