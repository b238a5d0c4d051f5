"""Scenario 3: the relay killed with SIGKILL at random moments while publishing (after some messages were
confirmed by the broker but before the batch was marked sent), then restarted."""
import random
import time

import pytest

from kit import note, Writer, report

pytestmark = pytest.mark.faults  # run on their own: python3 dev.py test -m faults tests/faults


@pytest.mark.integration
@pytest.mark.slow
def test_relay_killed_between_publish_and_confirm(stack, hr_token):
    started = time.monotonic()
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    stack.web()
    for svc in ("appraisal", "cpd", "notifications"):
        stack.consumer(svc)
    writer = Writer(stack.web_url, hr_token, "relay", threads=1).start()
    moments = []
    for _ in range(5):
        writer.wait_accepted(30)  # a batch waiting in the outbox
        relay = stack.relay()
        relay.wait_log("relay for directory publishing", timeout=60)
        moment = rng.uniform(0.0, 0.5)
        time.sleep(moment)
        relay.kill9()
        moments.append(round(moment, 2))
    writer.stop()
    stack.relay()
    stack.settle(timeout=120)
    note(stack, f"relay killed {len(moments)} times, at {moments} s after it started publishing (seed {seed})")
    report(stack, writer, "3 relay SIGKILLed while publishing x5", started)
