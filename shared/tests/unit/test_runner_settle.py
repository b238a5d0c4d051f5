"""The consumer's settle hook: called about every half second beside the consumer, kept alive through failures,
stopped with the consumer."""
from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

from staffroom_shared import runner


def test_a_failing_settle_is_logged_and_called_again(caplog):
    calls = []

    def settle(context):
        calls.append(context)
        if len(calls) < 3:
            raise ConnectionError("the database is down")

    context = SimpleNamespace(config=SimpleNamespace(service="targets"))
    with caplog.at_level(logging.ERROR, logger="staffroom_shared.runner"):
        runner.settle_loop(settle, context, lambda: len(calls) >= 4, every=0.01)
    assert calls == [context] * 4
    assert [r.getMessage() for r in caplog.records] == ["targets settle failed; trying again in 0.0s"] * 2


class _Bus:
    """Consumes nothing for `lasts` seconds, then returns as if stopped (or broken)."""

    def __init__(self, lasts: float):
        self.lasts = lasts

    def consume(self, queue, bindings, handler, *, should_stop):
        time.sleep(self.lasts)


def test_the_settler_runs_beside_the_consumer_and_stops_with_it():
    calls = []
    context = SimpleNamespace(config=SimpleNamespace(service="targets"), uow=None, bus=_Bus(1.2))
    started = time.monotonic()
    runner.consumer(context, {"staff.joined": None}, threading.Event(), lambda c: calls.append(time.monotonic()))
    assert 1 <= len(calls) <= 3  # about every 0.5 s while the consumer ran
    assert all(at - started >= runner.SETTLE_EVERY * 0.9 for at in calls)
    count = len(calls)
    time.sleep(runner.SETTLE_EVERY * 2)
    assert len(calls) == count  # stopped when the consumer returned
    assert not [t for t in threading.enumerate() if t.name == "targets-settle"]
