"""Scenario 2: a consumer process killed with SIGKILL mid-batch (messages delivered to it, unacknowledged,
one of them half-applied in an open transaction), then restarted."""
import time

import pytest

from kit import note, Writer, report

pytestmark = pytest.mark.faults  # run on their own: python3 dev.py test -m faults tests/faults


@pytest.mark.integration
@pytest.mark.slow
def test_consumer_killed_mid_batch_then_restarted(stack, hr_token):
    started = time.monotonic()
    stack.web()
    stack.relay()
    stack.consumer("appraisal")
    writer = Writer(stack.web_url, hr_token, "kill", limit=260)
    writer.write(100)  # a backlog in the cpd and notifications queues, so each kill lands mid-batch
    writer.start()
    kills = []
    for svc in ("notifications", "cpd", "notifications", "cpd", "notifications"):
        proc = stack.procs.get(f"{svc}-consumer") or stack.consumer(svc)
        if not proc.alive:
            proc.start()
        stack.wait_applied(svc, stack.applied_count(svc) + 15, timeout=90)
        proc.kill9()  # prefetch 10: up to ten delivered, unacknowledged messages, one mid-transaction
        kills.append((svc, stack.applied_count(svc)))
    for svc in ("cpd", "notifications"):
        stack.procs[f"{svc}-consumer"].start()
    writer.finish()
    stack.settle(timeout=120)
    note(stack, f"kills (consumer, events applied when killed): {kills}")
    report(stack, writer, "2 consumer SIGKILLed mid-batch x5", started)
