"""The event envelope, validated on both sides against the versioned payload contracts (staffroom_shared.contracts)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from .contracts import owner, schema_for

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


def new_event(
    event_type: str, payload: dict, *, producer: str, correlation_id: str,
    academy_id: uuid.UUID | None = None, version: int = 1, occurred_at: datetime | None = None,
) -> Event:
    """Build an event whose payload has been validated against its contract (raises ValidationError)."""
    schema = schema_for(event_type, version)
    if producer != owner(event_type):
        raise ValueError(f"{producer} cannot publish {event_type}: it belongs to {owner(event_type)}")
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
    schema = schema_for(envelope["type"], envelope["version"])
    if envelope["producer"] != owner(envelope["type"]):  # a service's broker user may publish only its own
        # types; this refuses a forged envelope even where the broker's permissions were got wrong (issue 21)
        raise ValidationError({"producer": [f"{envelope['type']} is published by {owner(envelope['type'])}, "
                                            f"not {envelope['producer']}"]})
    payload = schema.load(envelope["payload"])
    return Event(**{**envelope, "payload": payload})
