"""Keep each service's answer to a subject access request: `python -m directory.entrypoints.consumer`."""
from staffroom_shared.runner import main_consumer

from .. import bootstrap

if __name__ == "__main__":
    main_consumer(bootstrap)
