"""The event envelope and the registry of versioned payload contracts, validated on both sides."""
from __future__ import annotations

import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

ENVELOPE_VERSION_RANGE = validate.Range(min=1)


class EnvelopeSchema(Schema):
    id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z_]+\.[a-z_]+$"))
    version = fields.Integer(required=True, strict=True, validate=ENVELOPE_VERSION_RANGE)
    occurred_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)
    producer = fields.String(required=True, validate=validate.Length(min=1, max=100))
    academy_id = fields.UUID(required=True, allow_none=True)
    correlation_id = fields.String(required=True, validate=validate.Length(min=1, max=100))
    payload = fields.Dict(required=True)


_envelope_schema = EnvelopeSchema()


class UnknownContract(ValidationError):
    pass


@dataclass(frozen=True)
class Event:
    id: uuid.UUID
    type: str
    version: int
    occurred_at: datetime
    producer: str
    academy_id: uuid.UUID | None
    correlation_id: str
    payload: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return _envelope_schema.dump(self)


_contracts: dict[tuple[str, int], Schema] = {}
_owners: dict[str, str] = {}


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
    _load_contracts()
    return _owners.get(event_type)


def contracts() -> dict[tuple[str, int], Schema]:
    _load_contracts()
    return dict(_contracts)


def _schema_for(event_type: str, version: int) -> Schema:
    _load_contracts()
    try:
        return _contracts[(event_type, version)]
    except KeyError:
        raise UnknownContract({"type": [f"no contract for {event_type} version {version}"]}) from None


def _load_contracts() -> None:
    from . import contracts as _  # noqa: F401  (registers on import)


def new_event(
    event_type: str, payload: dict, *, producer: str, correlation_id: str,
    academy_id: uuid.UUID | None = None, version: int = 1, occurred_at: datetime | None = None,
) -> Event:
    """Build an event whose payload has been validated against its contract (raises ValidationError)."""
    schema = _schema_for(event_type, version)
    if producer != _owners[event_type]:
        raise ValueError(f"{producer} cannot publish {event_type}: it belongs to {_owners[event_type]}")
    clean = schema.dump(schema.load(schema.dump(payload)))
    return Event(
        id=uuid.uuid4(), type=event_type, version=version,
        occurred_at=occurred_at or datetime.now(timezone.utc), producer=producer,
        academy_id=academy_id, correlation_id=correlation_id, payload=clean,
    )


def parse_event(data: dict) -> Event:
    """Validate an envelope and its payload as received; raises ValidationError for a bad one."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["an event must be a JSON object"]})
    envelope = _envelope_schema.load(data)
    schema = _schema_for(envelope["type"], envelope["version"])
    if envelope["producer"] != _owners[envelope["type"]]:  # a service's broker user may publish only its own
        # types; this refuses a forged envelope even where the broker's permissions were got wrong (issue 21)
        raise ValidationError({"producer": [f"{envelope['type']} is published by {_owners[envelope['type']]}, "
                                            f"not {envelope['producer']}"]})
    payload = schema.load(envelope["payload"])
    return Event(**{**envelope, "payload": payload})
