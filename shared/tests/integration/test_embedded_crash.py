"""The embedded bus loses nothing and applies nothing twice when a process is killed -9 at any moment."""
import json
import random
import time

from sqlalchemy import func, select

import msgkit
from msgkit import stays, wait_for


def suite(workers, rig, *extra):
    return workers("suite", rig.db_url, rig.bus_url, rig.queue, "--bus-options", json.dumps(rig.bus_options), *extra)


def test_kill_between_commit_and_relay_loses_nothing(embedded_rig, workers):
    rig = embedded_rig
    producer = workers("produce", rig.db_url, rig.bus_url, "--bus-options", json.dumps(rig.bus_options))
    event_id = producer.wait_line("COMMITTED")
    producer.kill9()
    assert rig.unsent() == 1
    with rig.running_consumer(), rig.running_relay():
        wait_for(lambda: rig.applied(event_id) == 1, what="the committed event to be delivered after the crash")
        assert stays(lambda: rig.applied(event_id) == 1, 0.3)
    assert rig.inbox_rows(event_id) == 1


def test_kill_between_delivery_and_ack_in_the_one_process_run_applies_once(embedded_rig, workers):
    rig = embedded_rig
    first = suite(workers, rig, "--write", "ok", "--stall", "60")
    event_id = first.wait_line("COMMITTED")
    assert first.wait_line("HANDLING") == event_id
    first.kill9()
    assert rig.applied(event_id) == 0

    second = suite(workers, rig)
    second.wait_line("CONSUMING")
    wait_for(lambda: rig.applied(event_id) == 1, timeout=15, what="the event to be applied after the restart")
    wait_for(lambda: rig.unsent() == 0 and rig.bus.pending(rig.queue) == 0, what="outbox and queue to drain")
    assert stays(lambda: rig.applied(event_id) == 1, 0.5)
    assert rig.inbox_rows(event_id) == 1


def test_repeated_kill_9_at_random_moments_loses_nothing_and_applies_nothing_twice(embedded_rig, workers):
    rig = embedded_rig
    chance = random.Random(20260901)
    for _ in range(8):
        worker = suite(workers, rig, "--write", "ok")
        worker.wait_line("CONSUMING")
        time.sleep(chance.uniform(0.0, 0.15))
        worker.kill9()

    survivor = suite(workers, rig)
    survivor.wait_line("CONSUMING")
    with rig.reader() as conn:
        committed = set(conn.execute(select(msgkit.notes.c.id)).scalars())
    assert committed, "no worker lived long enough to commit a note; the test proves nothing"

    def applied_notes():
        with rig.reader() as conn:
            return conn.execute(select(msgkit.notes_applied.c.note_id, func.count())
                                .group_by(msgkit.notes_applied.c.note_id)).all()

    wait_for(lambda: {note for note, _ in applied_notes()} == committed, timeout=20,
             what="every committed note to be applied")
    wait_for(lambda: rig.unsent() == 0 and rig.bus.pending(rig.queue) == 0, what="outbox and queue to drain")
    assert stays(lambda: all(n == 1 for _, n in applied_notes()), 0.5)
