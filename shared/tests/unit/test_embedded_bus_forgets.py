"""The embedded bus empties its write-ahead log soon after a consumer has handled what it was sent (outsider O6,
issue 24: the words HR had just removed stayed in bus.db-wal for a minute inside subject access answers)."""
from __future__ import annotations

import threading
import time

from staffroom_shared.bus.embedded import FORGET_AFTER, EmbeddedBus
from staffroom_shared.bus.messages import OutgoingMessage
from staffroom_shared.testing import wait_for


def test_a_delivered_message_leaves_the_write_ahead_log_once_the_consumer_is_idle(tmp_path):
    path = tmp_path / "bus.db"
    bus = EmbeddedBus(f"embedded:///{path}")
    bus.declare("directory", ["appraisal.subject_access_answered"])
    handled, stop = [], threading.Event()
    consumer = threading.Thread(target=bus.consume, args=("directory", ["appraisal.subject_access_answered"],
                                                          lambda delivery: handled.append(delivery.body)),
                                kwargs={"should_stop": stop.is_set}, daemon=True)
    consumer.start()
    try:
        bus.publish([OutgoingMessage("m1", "appraisal.subject_access_answered", b'{"words": "QUOKKA-77"}')])
        wait_for(lambda: handled, "the consumer to handle the message")
        wal = path.with_name("bus.db-wal")
        started = time.monotonic()
        wait_for(lambda: not wal.exists() or b"QUOKKA-77" not in wal.read_bytes(), "the log emptied", timeout=10)
        assert time.monotonic() - started < FORGET_AFTER + 5
        assert b"QUOKKA-77" not in path.read_bytes()  # secure_delete: the main file zeroed it
    finally:
        stop.set()
        consumer.join(timeout=5)
        bus.close()
