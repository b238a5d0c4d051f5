"""Apply staff.* and appraisal.development_need_identified events: `python -m cpd.entrypoints.consumer`."""
from staffroom_shared.runner import main_consumer

from .. import bootstrap

if __name__ == "__main__":
    main_consumer(bootstrap)
