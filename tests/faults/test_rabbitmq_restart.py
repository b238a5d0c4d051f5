"""Scenario 1: RabbitMQ stopped and restarted mid-stream while writes keep coming through the HTTP API."""
import time

import pytest

from kit import Writer, report

pytestmark = pytest.mark.faults  # run on their own: python3 dev.py test -m faults tests/faults


@pytest.mark.integration
@pytest.mark.slow
def test_rabbitmq_stopped_and_restarted_mid_stream(stack, hr_token):
    started = time.monotonic()
    stack.start_all()
    writer = Writer(stack.web_url, hr_token, "rmq").start()
    try:
        stack.wait_applied("notifications", 30)  # events are flowing end to end
        stack.rabbit.stop()  # the broker goes away: the relay and the consumers lose their connections
        writer.wait_accepted(40)  # the directory keeps accepting writes: they wait in its outbox
        assert stack.unsent() > 0
        stack.rabbit.restart()
        writer.wait_accepted(60)  # and more after it is back
    finally:
        writer.stop()
    stack.settle(timeout=120)
    report(stack, writer, "1 rabbitmq stopped+restarted", started)
