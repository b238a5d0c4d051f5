"""On PostgreSQL an idle relay does not poll: it waits for the NOTIFY that a commit with outbox rows sends, and
hears it at once; losing its LISTEN connection pauses it, never loses an event."""
import time

import pytest
from sqlalchemy import text

from msgkit import stays, wait_for
from staffroom_shared.relay import Relay

pytestmark = [pytest.mark.integration, pytest.mark.parametrize("rig", ["rabbitmq"], indirect=True)]

# Far longer than any wait below: whatever the relay does within it, a NOTIFY made it happen, not the clock.
IDLE_WAIT = 60.0


@pytest.fixture
def looks(monkeypatch):
    """Each time any relay looks at its outbox: how many rows it sent."""
    seen: list[int] = []
    original = Relay.relay_once

    def counting(self):
        sent = original(self)
        seen.append(sent)
        return sent

    monkeypatch.setattr(Relay, "relay_once", counting)
    return seen


def test_an_idle_relay_looks_only_when_a_commit_notifies_it(rig, looks):
    with rig.running_consumer(), rig.running_relay(idle_wait=IDLE_WAIT):
        wait_for(lambda: len(looks) == 1, what="the relay's first look")
        assert stays(lambda: len(looks) == 1, 1.5), "an idle relay kept polling"

        written = time.monotonic()
        event = rig.write_note("wake up")
        wait_for(lambda: rig.applied(event.id) == 1, timeout=5, what="delivery after the commit's NOTIFY")
        assert time.monotonic() - written < 5
        assert 1 in looks[1:]
        settled = len(looks)
        assert stays(lambda: len(looks) == settled, 1.0), "the relay went back to polling after the event"


def test_losing_the_listen_connection_pauses_the_relay_and_loses_nothing(rig, looks):
    with rig.running_consumer(), rig.running_relay(idle_wait=IDLE_WAIT):
        first = rig.write_note("before")
        wait_for(lambda: rig.applied(first.id) == 1, what="delivery before the cut")
        with rig.engine.connect() as conn:
            cut = conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND query LIKE 'LISTEN%'")).scalars().all()
        assert cut == [True]
        after = rig.write_note("after")  # may land while the relay has no listener: its next look finds it
        wait_for(lambda: rig.applied(after.id) == 1, timeout=10, what="delivery after the listener was cut")
        later = rig.write_note("later")
        wait_for(lambda: rig.applied(later.id) == 1, timeout=5, what="delivery on the new listener")
    assert rig.unsent() == 0
