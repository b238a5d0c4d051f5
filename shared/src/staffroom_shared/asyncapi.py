"""Event contracts as an AsyncAPI 3.0 document, generated from the same marshmallow schemas that validate.

`python -m staffroom_shared.asyncapi > docs/events/asyncapi.json`; a test keeps the committed copy current.
"""
from __future__ import annotations

import json
import sys

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .bus import DEAD_LETTER_EXCHANGE, EXCHANGE
from .contracts import contracts
from .events import EnvelopeSchema


def _published() -> dict:
    """The suite's contracts (tests register contracts of their own in the same registry)."""
    return {key: schema for key, schema in contracts().items()
            if type(schema).__module__.startswith("staffroom_shared.contracts.")}


def _json_schemas() -> dict[str, dict]:
    spec = APISpec("staffroom events", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    spec.components.schema("Envelope", schema=EnvelopeSchema)
    for (event_type, version), schema in sorted(_published().items()):
        spec.components.schema(_payload_name(event_type, version), schema=type(schema))
    return spec.to_dict()["components"]["schemas"]


def _payload_name(event_type: str, version: int) -> str:
    return "".join(p.title() for p in event_type.replace(".", "_").split("_")) + f"V{version}"


def document() -> dict:
    schemas = _json_schemas()
    channels, operations, messages = {}, {}, {}
    for (event_type, version), _schema in sorted(_published().items()):
        name = _payload_name(event_type, version)
        envelope = {
            "allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {
                    "type": {"const": event_type}, "version": {"const": version},
                    "payload": {"$ref": f"#/components/schemas/{name}"}}},
            ]
        }
        messages[name] = {"name": event_type, "title": f"{event_type} v{version}", "contentType": "application/json",
                          "payload": envelope}
        channels.setdefault(event_type, {"address": event_type, "messages": {},
                                         "bindings": {"amqp": {"is": "routingKey", "exchange": {
                                             "name": EXCHANGE, "type": "topic", "durable": True}}}})
        channels[event_type]["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"publish_{name}"] = {"action": "send", "channel": {"$ref": f"#/channels/{event_type}"},
                                         "messages": [{"$ref": f"#/channels/{event_type}/messages/{name}"}]}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Staffroom domain events", "version": "1",
            "description": (
                f"Every event travels in one envelope on the topic exchange `{EXCHANGE}` with routing key = event "
                f"type. Each consuming service has a durable quorum queue named after it and a dead-letter queue "
                f"`<service>.dlq` bound to `{DEAD_LETTER_EXCHANGE}`. Payloads are versioned: a breaking change is "
                f"a new version published beside the old one until every consumer has moved."),
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def main() -> int:
    json.dump(document(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
