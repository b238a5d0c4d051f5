"""RabbitMQ going away loses nothing: the outbox holds events until the relay can publish them again."""
import pytest

from msgkit import stays, wait_for


@pytest.mark.integration
@pytest.mark.parametrize("rig", ["rabbitmq"], indirect=True)
def test_event_written_while_rabbitmq_is_stopped_is_delivered_after_it_restarts(rig, rabbit_broker):
    before = rig.write_note("before the outage")
    with rig.running_consumer(), rig.running_relay():
        wait_for(lambda: rig.applied(before.id) == 1, what="delivery before the outage")
        rabbit_broker.stop()
        during = rig.write_note("written while the broker is down")
        # The relay keeps trying and keeps the row; nothing is marked sent that the broker did not confirm.
        assert stays(lambda: rig.unsent() == 1, 1.0)
        rabbit_broker.start()
        wait_for(lambda: rig.applied(during.id) == 1, timeout=20, what="delivery after the broker restarted")
        wait_for(lambda: rig.unsent() == 0, what="the row to be marked sent")
        after = rig.write_note("after the outage")
        wait_for(lambda: rig.applied(after.id) == 1, what="delivery on the re-established connections")
    assert [rig.applied(e.id) for e in (before, during, after)] == [1, 1, 1]
    assert [rig.inbox_rows(e.id) for e in (before, during, after)] == [1, 1, 1]
