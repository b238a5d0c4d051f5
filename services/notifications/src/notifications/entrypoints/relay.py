"""Publish the notifications's outbox to the bus: `python -m notifications.entrypoints.relay`."""
from staffroom_shared.runner import main_relay

from .. import bootstrap

if __name__ == "__main__":
    main_relay(bootstrap)
