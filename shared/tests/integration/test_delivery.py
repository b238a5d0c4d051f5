"""Outbox → relay → bus → inbox, for real: on SQLite + the embedded bus, and on PostgreSQL + RabbitMQ."""
import json
import uuid

import pytest
from sqlalchemy import select

import msgkit
from staffroom_shared.events import new_event
from msgkit import stays, wait_for


def outbox_envelope(rig, event_id) -> bytes:
    outbox = msgkit.metadata.tables["outbox"]
    with rig.engine.connect() as conn:
        envelope = conn.execute(select(outbox.c.envelope).where(outbox.c.event_id == event_id)).scalar_one()
    return json.dumps(envelope).encode()


def test_event_committed_with_its_change_is_applied_exactly_once(rig):
    event = rig.write_note("applied once")
    with rig.running_consumer(), rig.running_relay():
        wait_for(lambda: rig.applied(event.id) == 1, what="the note to be applied")
        wait_for(lambda: rig.unsent() == 0, what="the outbox row to be marked sent")
        assert stays(lambda: rig.applied(event.id) == 1, 0.3)
    assert rig.inbox_rows(event.id) == 1
    assert [d.message_id for d in rig.handled] == [str(event.id)]
    assert rig.handled[0].attempt == 1


def test_duplicate_delivery_changes_nothing(rig):
    event = rig.write_note("sent twice")
    assert rig.relay().relay_once() == 1
    # The same envelope again, as a relay that crashed before marking the row sent would send it.
    rig.publish_raw(outbox_envelope(rig, event.id), message_id=str(event.id))
    with rig.running_consumer():
        wait_for(lambda: len(rig.handled) == 2, what="both copies to be acknowledged")
        assert stays(lambda: len(rig.deliveries) == 2, 0.3)
    assert rig.applied(event.id) == 1
    assert rig.inbox_rows(event.id) == 1
    assert rig.calls == [event.id]  # the handler never even saw the duplicate


@pytest.mark.parametrize("body, why", [
    (b"{this is not json", "not JSON"),
    (b'"a string"', "not an object"),
    (None, "payload breaks its contract"),
    (b"\xff\xfe\x00", "not UTF-8"),
])
def test_poison_message_goes_straight_to_the_dead_letter_queue(rig, body, why):
    if body is None:
        envelope = new_event(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "x"}, producer="msgtest",
                             correlation_id="c").to_dict()
        envelope["payload"] = {"text": "no note id"}
        body = json.dumps(envelope).encode()
    message_id = rig.publish_raw(body)
    after = rig.write_note("after the poison")
    with rig.running_consumer(), rig.running_relay():
        wait_for(lambda: rig.applied(after.id) == 1, what="the next good message to be applied")
        wait_for(lambda: [d.message_id for d in rig.bus.dead_letters(rig.queue)] == [message_id],
                 what=f"the poison message ({why}) to be dead-lettered")
    letter = rig.bus.dead_letters(rig.queue)[0]
    assert letter.body == body
    assert letter.routing_key == msgkit.NOTE_TYPE
    assert [d.message_id for d in rig.deliveries].count(message_id) == 1  # dead-lettered at once, never retried
    assert rig.calls == [after.id]


def test_an_event_under_a_key_this_consumer_does_not_handle_is_dropped_not_dead_lettered(rig):
    """Outsider 13, issue 21: RabbitMQ's CC/BCC headers let a service put its own event into another's queue, which
    does not handle it. Dropped and logged, never parked: else any service could fill another's dead-letter queue.
    (A binding made by mistake is caught before that: deploy/validate.sh checks the definitions against HANDLERS.)"""
    other = rig.uow()
    with other:
        stray = other.emit(msgkit.OTHER_TYPE, {"anything": "at all"}, academy_id=None)
        after = other.emit(msgkit.NOTE_TYPE, {"note_id": uuid.uuid4(), "text": "after"}, academy_id=None)
    rig.bus.declare(rig.queue, [msgkit.NOTE_TYPE, msgkit.OTHER_TYPE], max_attempts=msgkit.MAX_ATTEMPTS)
    rig.publish_raw(json.dumps(stray.to_dict()).encode(), message_id=str(stray.id), routing_key=msgkit.OTHER_TYPE)
    rig.publish_raw(json.dumps(after.to_dict()).encode(), message_id=str(after.id), routing_key=msgkit.NOTE_TYPE)
    with rig.running_consumer():
        wait_for(lambda: rig.calls == [after.id], what="the handled event after the stray one")
    assert rig.bus.dead_letters(rig.queue) == []


def test_an_envelope_under_another_types_routing_key_is_dropped_never_parked_for_replay(rig):
    """Outsiders 9 and 11, issue 21: a forged envelope (another type inside a message sent under the sender's own
    key) was applied, then, once refused, parked where a forged x-death header made a replay deliver it."""
    other = rig.uow()
    with other:
        event = other.emit(msgkit.OTHER_TYPE, {"anything": "at all"}, academy_id=None)
    rig.publish_raw(json.dumps(event.to_dict()).encode(), message_id=str(event.id), routing_key=msgkit.NOTE_TYPE)
    good = rig.write_note("after the forgery")
    rig.relay().relay_once()
    with rig.running_consumer():
        wait_for(lambda: rig.applied(good.id) == 1, what="the genuine note behind it")
    assert rig.calls == [good.id] and rig.bus.dead_letters(rig.queue) == []


def test_handler_that_always_fails_is_dead_lettered_after_the_bounded_attempts_then_replayed(rig):
    event = rig.write_note("handler bug", behaviour="fail")
    rig.relay().relay_once()
    with rig.running_consumer():
        wait_for(lambda: len(rig.bus.dead_letters(rig.queue)) == 1, what="the failing message to be dead-lettered")
        assert stays(lambda: len(rig.calls) == msgkit.MAX_ATTEMPTS, 0.3)
    assert rig.calls == [event.id] * msgkit.MAX_ATTEMPTS
    assert [d.attempt for d in rig.deliveries] == list(range(1, msgkit.MAX_ATTEMPTS + 1))
    assert rig.applied(event.id) == 0
    assert rig.inbox_rows(event.id) == 0  # a failed attempt leaves no inbox row behind
    [letter] = rig.bus.dead_letters(rig.queue)
    assert (letter.message_id, letter.attempts) == (str(event.id), msgkit.MAX_ATTEMPTS)

    # The handler is fixed and the dead letter replayed: applied once, and the dead-letter queue is empty.
    assert rig.bus.replay_dead_letters(rig.queue) == 1
    assert rig.bus.dead_letters(rig.queue) == []
    with rig.running_consumer(msgkit.make_handler(ignore_failures=True)):
        wait_for(lambda: rig.applied(event.id) == 1, what="the replayed message to be applied")
        assert stays(lambda: rig.applied(event.id) == 1, 0.3)
    assert rig.inbox_rows(event.id) == 1
    assert rig.handled[-1].routing_key == msgkit.NOTE_TYPE


def test_replay_of_chosen_dead_letters_leaves_the_others(rig):
    first = rig.publish_raw(b"poison one")
    second = rig.publish_raw(b"poison two")
    with rig.running_consumer():
        wait_for(lambda: len(rig.bus.dead_letters(rig.queue)) == 2, what="both to be dead-lettered")
    assert rig.bus.replay_dead_letters(rig.queue, [second]) == 1
    assert [d.message_id for d in rig.bus.dead_letters(rig.queue)] == [first]
    with rig.running_consumer():
        wait_for(lambda: [d.message_id for d in rig.bus.dead_letters(rig.queue)] in ([first, second],
                                                                                    [second, first]),
                 what="the replayed poison to come back to the dead-letter queue")


def test_replay_returns_every_dead_letter_even_two_copies_of_one_event(rig):
    twice = str(uuid.uuid4())
    ids = [rig.publish_raw(b"poison", message_id=twice), rig.publish_raw(b"poison", message_id=twice),
           rig.publish_raw(b"other poison")]
    with rig.running_consumer():
        wait_for(lambda: len(rig.bus.dead_letters(rig.queue)) == 3, what="all three to be dead-lettered")
    assert rig.bus.replay_dead_letters(rig.queue) == 3
    assert rig.bus.dead_letters(rig.queue) == []
    with rig.running_consumer():
        wait_for(lambda: sorted(d.message_id for d in rig.bus.dead_letters(rig.queue)) == sorted(ids),
                 what="all three to be delivered again (and dead-lettered again)")


def test_consumer_killed_mid_handling_gets_the_message_again_and_applies_it_once(rig, workers):
    event = rig.write_note("interrupted")
    rig.relay().relay_once()  # before the consumer starts: on SQLite its stalled transaction holds the write lock
    worker = workers("consume", rig.db_url, rig.bus_url, rig.queue, "--stall", "60",
                     "--bus-options", json.dumps(rig.bus_options))
    assert worker.wait_line("HANDLING") == str(event.id)
    assert rig.applied(event.id) == 0  # written inside the dying process's transaction, not committed
    worker.kill9()

    with rig.running_consumer():
        wait_for(lambda: rig.applied(event.id) == 1, timeout=15, what="the redelivered message to be applied")
        assert stays(lambda: rig.applied(event.id) == 1, 0.3)
    assert rig.inbox_rows(event.id) == 1
    assert [d.message_id for d in rig.deliveries] == [str(event.id)]
    assert rig.deliveries[0].attempt == 2  # the bus counted the delivery to the killed consumer


def test_relay_killed_between_publish_and_marking_sent_publishes_again_and_it_is_applied_once(rig, workers):
    event = rig.write_note("published, never marked")
    relay = workers("relay", rig.db_url, rig.bus_url, "--hang-after-publish",
                    "--bus-options", json.dumps(rig.bus_options))
    assert relay.wait_line("PUBLISHED") == "1"
    relay.kill9()
    assert rig.unsent() == 1  # confirmed by the bus but never marked: at-least-once, not at-most-once

    with rig.running_consumer(), rig.running_relay():
        wait_for(lambda: rig.unsent() == 0, what="the restarted relay to send it again")
        wait_for(lambda: len(rig.handled) == 2, what="both copies to be acknowledged")
        assert stays(lambda: rig.applied(event.id) == 1, 0.3)
    assert rig.inbox_rows(event.id) == 1


def test_replay_with_the_consumer_running_sends_each_letter_back_once(rig):
    """Regression (tests/faults, scenario 5): replaying letters that fail again while their consumer runs
    must not fetch them again as they are re-parked; RabbitMQ's replay once went round and round."""
    ids = sorted([rig.publish_raw(b"poison one"), rig.publish_raw(b"poison two")])
    with rig.running_consumer():
        wait_for(lambda: len(rig.bus.dead_letters(rig.queue)) == 2, what="both to be dead-lettered")
        assert rig.bus.replay_dead_letters(rig.queue) == 2
        wait_for(lambda: len(rig.deliveries) == 4, what="both to be delivered again")
        assert stays(lambda: len(rig.deliveries) == 4, 1.0)  # once each, not again and again
        wait_for(lambda: sorted(d.message_id for d in rig.bus.dead_letters(rig.queue)) == ids,
                 what="both to be parked again, once each")


@pytest.mark.parametrize("rig", ["rabbitmq"], indirect=True)  # only RabbitMQ expires messages
@pytest.mark.integration
def test_a_dead_letter_that_expired_is_never_replayed(rig):
    """Outsider 12, issue 21: a forged staff.joined sent with a 1 ms expiry and an x-death header of the sender's
    making expired into the dead letters unread, and the operator's replay delivered it as the type it claimed. No
    Staffroom publisher sets an expiry: such a letter stays where it is, for the operator to purge."""
    from kombu import Connection

    other = rig.uow()
    with other:
        event = other.emit(msgkit.NOTE_TYPE, {"note_id": str(uuid.uuid4()), "text": "forged"}, academy_id=None)
    with Connection(rig.bus_url) as conn:  # no consumer running: it expires in the queue
        conn.Producer(conn.channel()).publish(
            json.dumps(event.to_dict()).encode(), exchange="staffroom.events", routing_key=msgkit.NOTE_TYPE,
            expiration=0.001, message_id=str(event.id), retry=False,
            headers={"x-death": [{"queue": rig.queue, "reason": "expired", "exchange": "staffroom.replay",
                                  "routing-keys": [rig.queue], "count": 1}],
                     "x-original-routing-key": msgkit.NOTE_TYPE})
    wait_for(lambda: [d.reason for d in rig.bus.dead_letters(rig.queue)] == ["expired"], what="the letter to expire")
    assert rig.bus.replay_dead_letters(rig.queue) == 0
    assert [d.message_id for d in rig.bus.dead_letters(rig.queue)] == [str(event.id)]
