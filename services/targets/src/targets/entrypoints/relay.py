"""Publish the targets outbox (targets.met, targets.at_risk) to the bus: `python -m targets.entrypoints.relay`."""
from staffroom_shared.runner import main_relay

from .. import bootstrap

if __name__ == "__main__":
    main_relay(bootstrap)
