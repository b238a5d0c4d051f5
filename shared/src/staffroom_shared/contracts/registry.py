"""The registry of versioned event payload contracts: which schema a (type, version) is checked against, and which
service alone may publish each type. Every contract module registers its schemas here as it is imported, and the
package imports them all, so the registry is complete once anything in it can be reached."""
from __future__ import annotations

import sys

from marshmallow import Schema, ValidationError

_contracts: dict[tuple[str, int], Schema] = {}
_owners: dict[str, str] = {}


class UnknownContract(ValidationError):
    pass


def contract(event_type: str, version: int):
    """Class decorator registering a payload schema as the contract for (type, version). The service that owns the
    type, and alone may publish it, is its contract module's PRODUCER, or else the type's first word
    ("appraisal.appraisal_opened": appraisal)."""

    def register(schema_cls: type[Schema]) -> type[Schema]:
        key = (event_type, version)
        if key in _contracts and type(_contracts[key]) is not schema_cls:
            raise RuntimeError(f"contract {event_type} v{version} registered twice")
        _contracts[key] = schema_cls()
        module = sys.modules[schema_cls.__module__]
        _owners[event_type] = getattr(module, "PRODUCER", event_type.split(".", 1)[0])
        return schema_cls

    return register


def owner(event_type: str) -> str | None:
    """The service that alone may publish `event_type` (None: no contract has it)."""
    return _owners.get(event_type)


def contracts() -> dict[tuple[str, int], Schema]:
    return dict(_contracts)


def schema_for(event_type: str, version: int) -> Schema:
    try:
        return _contracts[(event_type, version)]
    except KeyError:
        raise UnknownContract({"type": [f"no contract for {event_type} version {version}"]}) from None
