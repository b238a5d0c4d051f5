"""Publish every academy and member of staff again: `python -m directory.entrypoints.republish`.

Run it when a new service starts consuming staff events after the directory already holds the trust.
"""
from staffroom_shared.log import configure_logging

from .. import bootstrap
from ..service.staff import republish

if __name__ == "__main__":
    configure_logging(service=bootstrap.NAME)
    print(f"republished {republish(bootstrap.build().uow(actor='republish'))} members of staff")
