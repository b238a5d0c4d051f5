"""Scenario 6: a network partition between services and the broker, through a TCP proxy that is cut
(open connections reset, new ones refused) and healed, while writes go on."""
import time

import pytest

from kit import note, TcpProxy, Writer, report, wait_for

pytestmark = pytest.mark.faults  # run on their own: python3 dev.py test -m faults tests/faults


@pytest.mark.integration
@pytest.mark.slow
def test_partition_between_services_and_broker(stack, hr_token):
    started = time.monotonic()
    proxy = TcpProxy(stack.rabbit.port).start()
    try:
        # The directory's relay and notifications' consumer reach RabbitMQ only through the proxy.
        stack.start_all(relay_port=proxy.port, consumer_ports={"notifications": proxy.port})
        writer = Writer(stack.web_url, hr_token, "part", limit=260).start()
        stack.wait_applied("notifications", 30)
        proxy.cut()
        cut_at = stack.applied_count("notifications")
        writer.wait_accepted(50)  # written during the partition: held in the outbox
        wait_for(lambda: stack.unsent() > 0, what="events to queue up in the outbox during the partition")
        # Nothing new reaches notifications across the partition (at most what it had already been given).
        assert stack.applied_count("notifications") <= cut_at + 10
        time.sleep(2)
        proxy.heal()
        writer.finish()
        stack.settle(timeout=120)
        note(stack, f"proxy: {proxy.connections} connections, {proxy.resets} reset by the cut")
        report(stack, writer, "6 partition service<->broker cut+healed", started)
    finally:
        proxy.stop()
