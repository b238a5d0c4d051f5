"""The inbox makes a consumer's effect exactly-once, even for two replicas handling one event at once."""
import json
import threading

import msgkit


def test_two_replicas_handling_the_same_event_at_once_apply_it_once(rig):
    event = rig.write_note("raced")
    delivery = msgkit.delivery(json.dumps(event.to_dict()).encode())
    first_inside = threading.Event()
    slow = rig.consumer(msgkit.make_handler(announce=lambda _: first_inside.set(), stall=0.5))
    fast = rig.consumer()
    outcomes = {}

    def run(name, inbox):
        try:
            outcomes[name] = inbox.handle(inbox.handlers[msgkit.NOTE_TYPE], _parse(delivery))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[name] = exc

    slow_thread = threading.Thread(target=run, args=("slow", slow))
    slow_thread.start()
    assert first_inside.wait(10)
    # The second replica starts while the first holds its uncommitted change and inbox row.
    fast_thread = threading.Thread(target=run, args=("fast", fast))
    fast_thread.start()
    slow_thread.join(10)
    fast_thread.join(10)
    assert outcomes == {"slow": True, "fast": False}
    assert rig.applied(event.id) == 1
    assert rig.inbox_rows(event.id) == 1


def _parse(delivery):
    from staffroom_shared.events import parse_event

    return parse_event(json.loads(delivery.body))
