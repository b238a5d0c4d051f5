"""Apply staff.*, appraisal.*, cpd.* and wellbeing.* events: `python -m targets.entrypoints.consumer`."""
from staffroom_shared.runner import main_consumer

from .. import bootstrap

if __name__ == "__main__":
    main_consumer(bootstrap)
