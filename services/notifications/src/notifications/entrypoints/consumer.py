"""Apply staff.* and academy.* events: `python -m notifications.entrypoints.consumer`."""
from staffroom_shared.runner import main_consumer

from .. import bootstrap

if __name__ == "__main__":
    main_consumer(bootstrap)
