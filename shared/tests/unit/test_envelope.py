"""The event envelope and payload contracts are validated on both sides."""
import uuid
from datetime import datetime, timezone

import pytest
from marshmallow import ValidationError

import msgkit  # the test contract; shared/tests/conftest.py puts it on the path

from staffroom_shared.contracts import UnknownContract
from staffroom_shared.events import new_event, parse_event


def envelope(**changes) -> dict:
    event = new_event(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "hello"}, producer="msgtest",
                      correlation_id="corr-1", academy_id=uuid.uuid4())
    data = event.to_dict()
    data.update(changes)
    return data


def test_valid_envelope_round_trips():
    data = envelope()
    event = parse_event(data)
    assert str(event.id) == data["id"]
    assert event.type == msgkit.NOTE_TYPE
    assert event.occurred_at.tzinfo is not None
    assert event.payload["text"] == "hello"
    assert isinstance(event.payload["note_id"], uuid.UUID)


@pytest.mark.parametrize("missing", ["id", "type", "version", "occurred_at", "producer", "academy_id",
                                     "correlation_id", "payload"])
def test_envelope_missing_a_field_is_rejected(missing):
    data = envelope()
    del data[missing]
    with pytest.raises(ValidationError) as info:
        parse_event(data)
    assert missing in info.value.messages


def test_envelope_with_unknown_field_is_rejected():
    with pytest.raises(ValidationError):
        parse_event(envelope(sneaky="x"))


def test_envelope_with_version_of_no_contract_is_rejected():
    with pytest.raises(UnknownContract) as info:
        parse_event(envelope(version=2))
    assert "version 2" in str(info.value.messages)


@pytest.mark.parametrize("version", ["1", 0, -1, 1.5, None])
def test_envelope_version_must_be_a_positive_integer(version):
    with pytest.raises(ValidationError):
        parse_event(envelope(version=version))


def test_envelope_of_unknown_type_is_rejected():
    with pytest.raises(UnknownContract):
        parse_event(envelope(type="msgtest.never_heard_of"))
    with pytest.raises(ValidationError):
        parse_event(envelope(type="Not A Type"))


def test_naive_occurred_at_is_read_as_utc():
    event = parse_event(envelope(occurred_at=datetime(2026, 9, 1, 9, 0).isoformat()))
    assert event.occurred_at == datetime(2026, 9, 1, 9, 0, tzinfo=timezone.utc)


def test_occurred_at_must_be_a_datetime():
    with pytest.raises(ValidationError):
        parse_event(envelope(occurred_at="last Tuesday"))


def test_payload_breaking_its_contract_is_rejected():
    with pytest.raises(ValidationError) as info:
        parse_event(envelope(payload={"text": "no note id"}))
    assert "note_id" in info.value.messages
    with pytest.raises(ValidationError):
        parse_event(envelope(payload={"note_id": "not-a-uuid", "text": "x"}))


def test_non_object_is_rejected():
    with pytest.raises(ValidationError):
        parse_event(["not", "an", "envelope"])


def test_producer_cannot_emit_a_payload_breaking_its_contract():
    with pytest.raises(ValidationError):
        new_event(msgkit.NOTE_TYPE, {"text": "no note id"}, producer="msgtest", correlation_id="c")
    with pytest.raises(UnknownContract):
        new_event("msgtest.never_heard_of", {}, producer="msgtest", correlation_id="c")


def test_an_envelope_from_a_service_that_does_not_own_its_type_is_refused():
    """Issue 21: a consumer refuses an event whose producer does not own its routing key, so a service that got
    hold of the bus cannot speak for another (the broker's topic permissions are the first wall, this the second)."""
    with pytest.raises(ValidationError) as info:
        parse_event(envelope(producer="wellbeing"))
    assert info.value.messages == {"producer": ["msgtest.noted is published by msgtest, not wellbeing"]}
    with pytest.raises(ValueError, match="cannot publish msgtest.noted"):
        new_event(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "x"}, producer="wellbeing", correlation_id="c")


def test_every_contract_belongs_to_the_service_that_publishes_it():
    from staffroom_shared.contracts import contracts, owner

    owners = {event_type: owner(event_type) for event_type, _ in contracts() if not event_type.startswith("msgtest.")}
    assert {t for t, o in owners.items() if o == "directory"} == {t for t in owners if t.split(".")[0] in
                                                                   ("staff", "academy", "subject_access")}
    assert all(o == t.split(".")[0] for t, o in owners.items() if o != "directory")
    assert set(owners.values()) == {"directory", "appraisal", "cpd", "notifications", "targets", "wellbeing"}


def test_an_envelope_that_came_under_another_types_routing_key_is_dropped_unapplied(caplog):
    """Outsider 9, issue 21: a service may publish only its own types as routing keys, but wrote another service's
    type (staff.updated, producer directory) inside a message sent under its own key, and the consumer applied it.
    Outsider 11: dead-lettered, with a forged x-death header, the operator's replay then delivered it as the type it
    claimed; so it is dropped (acknowledged, logged), never parked for replay."""
    import json

    from staffroom_shared.bus import Delivery
    from staffroom_shared.consumer import InboxConsumer

    applied = []
    consumer = InboxConsumer("msgtest-consumer", uow_factory=None, handlers={
        msgkit.NOTE_TYPE: applied.append, "wellbeing.invitation_issued": applied.append})
    body = json.dumps(envelope()).encode()
    consumer(Delivery(message_id="m1", routing_key="wellbeing.invitation_issued", body=body, headers={}, attempt=1))
    assert applied == []
    assert "came as 'wellbeing.invitation_issued' but says it is 'msgtest.noted'" in caplog.text
    # dropped before its payload is checked: a payload that fails its contract is not parked either (outsider 12)
    broken = json.dumps({**envelope(), "payload": {"note_id": "not an id"}}).encode()
    consumer(Delivery(message_id="m2", routing_key="wellbeing.invitation_issued", body=broken, headers={}, attempt=1))
    assert applied == []


class _Message:  # what the RabbitMQ client hands a consumer: only what _routing_key and _dead_letter read
    def __init__(self, exchange, routing_key, headers, deaths=None):
        self.delivery_info = {"exchange": exchange, "routing_key": routing_key}
        self.headers = {**headers, **({"x-death": deaths} if deaths else {})}
        self.properties, self.body = {"message_id": "m"}, b"{}"


@pytest.mark.parametrize("exchange, key, believed", [
    ("staffroom.replay", "cpd", True),          # cpd's own replay: the header says what it first came as
    ("staffroom.replay", "wellbeing", False),   # sent on to cpd's queue by a CC header under wellbeing's name
    ("staffroom.events", "wellbeing.survey_opened", False),  # anyone may write the header on their own message
])
def test_a_replay_header_is_believed_only_from_this_queues_own_replay(exchange, key, believed):
    """Outsiders 9 and 10, issue 21: x-original-routing-key, written by a forger, made a forged staff.joined pass."""
    from staffroom_shared.bus.rabbitmq import _routing_key

    message = _Message(exchange, key, {"x-original-routing-key": "staff.joined"})
    assert _routing_key(message, message.headers, "cpd") == ("staff.joined" if believed else key)


def test_a_dead_letters_key_is_the_brokers_record_not_a_header_the_sender_wrote():
    """Outsider 10, issue 21: a forged header, listed and replayed by the operator, laundered a forged event."""
    from staffroom_shared.bus.rabbitmq import _dead_letter

    forged = _Message("", "targets", {"x-original-routing-key": "staff.joined"},
                      deaths=[{"exchange": "staffroom.events", "routing-keys": ["wellbeing.results_published"],
                               "reason": "rejected"}])
    assert _dead_letter(forged, "targets", 5).routing_key == "wellbeing.results_published"
    replayed = _Message("", "targets", {"x-original-routing-key": "cpd.enrolled"},
                        deaths=[{"exchange": "staffroom.replay", "routing-keys": ["targets"], "reason": "rejected"}])
    assert _dead_letter(replayed, "targets", 5).routing_key == "cpd.enrolled"


def test_a_message_under_a_key_the_consumer_does_not_handle_is_dropped_not_dead_lettered(caplog):
    """Outsider 13, issue 21: RabbitMQ's CC and BCC headers (sender-selected distribution) put a service's own event
    into queues its topic permissions do not reach. It arrives under its own key, which that consumer does not
    handle: dropped and logged, so nobody can fill another service's dead-letter queue with it."""
    import json

    from staffroom_shared.bus import Delivery
    from staffroom_shared.consumer import InboxConsumer

    applied = []
    consumer = InboxConsumer("msgtest-consumer", uow_factory=None, handlers={msgkit.NOTE_TYPE: applied.append})
    cc = envelope(type="appraisal.subject_access_answered")
    consumer(Delivery(message_id="m1", routing_key="appraisal.subject_access_answered",
                      body=json.dumps(cc).encode(), headers={"CC": ["msgtest.noted"]}, attempt=1))
    consumer(Delivery(message_id="m2", routing_key="appraisal.subject_access_answered", body=b"not json {",
                      headers={}, attempt=1))
    assert applied == [] and caplog.text.count("which it does not handle") == 2
