"""Publish the cpd's outbox to the bus: `python -m cpd.entrypoints.relay`."""
from staffroom_shared.runner import main_relay

from .. import bootstrap

if __name__ == "__main__":
    main_relay(bootstrap)
