"""Scenario 4: PostgreSQL restarted under write load. Writes while it is down get a clear 503 with
Retry-After (never a 500, never a hang), then writes succeed again; every 2xx write is there afterwards."""
import time

import pytest

from kit import note, HTTP_TIMEOUT, Writer, report

pytestmark = pytest.mark.faults  # run on their own: python3 dev.py test -m faults tests/faults


@pytest.mark.integration
@pytest.mark.slow
def test_postgres_restarted_under_write_load(stack, hr_token):
    started = time.monotonic()
    stack.start_all()
    writer = Writer(stack.web_url, hr_token, "pg", threads=3, pause=0.0).start()
    try:
        stack.wait_applied("notifications", 30)
        stack.pg.stop("immediate")  # a crash: every connection is cut mid-transaction
        outage = time.monotonic()
        while time.monotonic() - outage < 3.0:  # down for a few seconds while the writes go on
            time.sleep(0.1)
        stack.pg.start()
        writer.wait_accepted(60, timeout=90)  # and writes succeed again
    finally:
        writer.stop()
    stack.settle(timeout=120)
    refused = writer.refused
    assert refused, "no write reached the directory while PostgreSQL was down"
    for r in refused:
        assert r.retry_after and int(r.retry_after) > 0, r
        assert r.content_type == "application/problem+json", r
    slowest = max(r.seconds for r in writer.results)
    assert slowest < HTTP_TIMEOUT, slowest
    note(stack, f"slowest write {slowest:.2f} s; Retry-After {sorted({r.retry_after for r in refused})}")
    report(stack, writer, "4 postgresql restarted under write load", started)
