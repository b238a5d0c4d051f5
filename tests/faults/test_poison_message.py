"""Scenario 5: poison messages published straight to the exchange are parked in each consumer's dead-letter
queue at once, inspected and replayed with `staffroom-bus list|replay`, and the good events are unaffected."""
import json
import subprocess
import time
import uuid

import pytest
from kombu import Connection, Exchange

from kit import BIN, CONSUMERS, Writer, report, wait_for

pytestmark = pytest.mark.faults  # run on their own: python3 dev.py test -m faults tests/faults


def staffroom_bus(stack, *args: str) -> str:
    out = subprocess.run([str(BIN / "staffroom-bus"), "--bus-url", stack.bus_url(), *args],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout


def publish_raw(stack, body: bytes, message_id: str, routing_key: str = "staff.joined") -> None:
    with Connection(stack.bus_url(), transport_options={"confirm_publish": True}) as conn:
        conn.Producer().publish(body, exchange=Exchange("staffroom.events", type="topic", durable=True),
                                routing_key=routing_key, message_id=message_id, content_type="application/json",
                                delivery_mode=2, retry=False)


def dead_letter_ids(stack, queue: str) -> list[str]:
    return sorted(json.loads(line)["message_id"] for line in staffroom_bus(stack, "list", queue).splitlines())


@pytest.mark.integration
@pytest.mark.slow
def test_poison_message_parked_inspected_and_replayed(stack, hr_token):
    started = time.monotonic()
    stack.start_all()
    writer = Writer(stack.web_url, hr_token, "poison", limit=200).start()
    stack.wait_applied("notifications", 30)
    # Two kinds of poison among the good events: not JSON at all, and a staff.joined whose payload breaks
    # its contract (a real envelope from the directory's outbox with the staff id taken out).
    not_json = str(uuid.uuid4())
    publish_raw(stack, b"{this is not json", not_json)
    [(envelope,)] = stack.pg.query(stack.databases["directory"], "select envelope from outbox where "
                                   "event_type = 'staff.joined' order by seq limit 1")
    broken = str(uuid.uuid4())
    envelope = {**envelope, "id": broken, "payload": {k: v for k, v in envelope["payload"].items() if k != "staff_id"}}
    publish_raw(stack, json.dumps(envelope).encode(), broken)
    poison = sorted([not_json, broken])
    writer.finish()
    stack.settle(timeout=120)
    for svc in CONSUMERS:
        wait_for(lambda: stack.rabbit.depth(stack.vhost, f"{svc}.dlq") == 2, what=f"{svc}'s dead letters")

    # Inspected: both letters, refused on their first delivery, with their bodies.
    letters = [json.loads(line) for line in staffroom_bus(stack, "list", "notifications").splitlines()]
    assert sorted(letter["message_id"] for letter in letters) == poison
    assert {(letter["reason"], letter["attempts"]) for letter in letters} == {("rejected", 1)}
    assert any(letter["body"] == "{this is not json" for letter in letters)

    # Replayed: one chosen letter, then all of them; each goes back to notifications' queue only, is refused
    # again (still poison) and parked again. Nothing else is touched.
    rejected = stack.procs["notifications-consumer"].count("dead-lettering poison message")
    assert staffroom_bus(stack, "replay", "notifications", broken).strip() == "replayed 1 message(s) to notifications"
    wait_for(lambda: stack.procs["notifications-consumer"].count("dead-lettering poison message") == rejected + 1,
             what="the replayed letter to be delivered again")
    # All of them: each letter exactly once, even though each fails again and is re-parked while the replay
    # runs (it once fetched those again, round and round: fixed in RabbitBus.replay_dead_letters).
    assert staffroom_bus(stack, "replay", "notifications").strip() == "replayed 2 message(s) to notifications"
    wait_for(lambda: stack.procs["notifications-consumer"].count("dead-lettering poison message") == rejected + 3,
             what="both replayed letters to be delivered again")
    for svc in CONSUMERS:
        wait_for(lambda: dead_letter_ids(stack, svc) == poison,
                 what=f"{svc}'s dead letters after the replay")
    time.sleep(1)  # none comes round again
    assert stack.procs["notifications-consumer"].count("dead-lettering poison message") == rejected + 3
    report(stack, writer, "5 poison message dead-lettered, listed, replayed", started, expected_dead=2 * len(CONSUMERS),
           extra_produced=len(poison))
