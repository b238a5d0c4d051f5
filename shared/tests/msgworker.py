"""A messaging process for the crash tests: the tests start it, wait for a line it prints, then kill -9 it.

    msgworker.py consume  DB BUS QUEUE   consume msgtest.noted; prints "HANDLING <event id>" inside the transaction
    msgworker.py relay    DB BUS         relay the outbox; with --hang-after-publish, prints "PUBLISHED <n>" once the
                                         bus confirmed a batch and then hangs before marking the rows sent
    msgworker.py produce  DB BUS         commit one note and its event, print "COMMITTED <event id>", then hang
    msgworker.py suite    DB BUS QUEUE   relay and consumer side by side in one process (the embedded run)
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import msgkit  # noqa: E402

from staffroom_shared.bus import connect  # noqa: E402


def say(*words) -> None:
    print(*words, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("role", choices=["consume", "relay", "produce", "suite"])
    parser.add_argument("db")
    parser.add_argument("bus")
    parser.add_argument("queue", nargs="?")
    parser.add_argument("--bus-options", default="{}")
    parser.add_argument("--hang-after-publish", action="store_true")
    parser.add_argument("--write", choices=msgkit.BEHAVIOURS, help="commit one note first (suite)")
    parser.add_argument("--stall", type=float, default=0.0, help="seconds the handler waits before committing")
    args = parser.parse_args()
    options = json.loads(args.bus_options)
    rig = msgkit.Rig(args.db, lambda: connect(args.bus, **options), args.queue or "none")
    stop = threading.Event()

    if args.role == "produce":
        event = rig.write_note("from a process about to die", behaviour=args.write or "ok")
        say("COMMITTED", event.id)
        time.sleep(3600)
        return

    if args.role in ("relay", "suite"):
        relay = rig.relay()
        if args.hang_after_publish:
            publish = relay._publish

            def publish_then_hang(rows):
                publish(rows)
                say("PUBLISHED", len(rows))
                time.sleep(3600)

            relay._publish = publish_then_hang
        if args.role == "relay":
            relay.run(stop.is_set, idle_sleep=0.02, max_backoff=0.3)
            return
        threading.Thread(target=relay.run, args=(stop.is_set,), kwargs={"idle_sleep": 0.02}, daemon=True).start()
        if args.write:
            event = rig.write_note("suite", behaviour=args.write)
            say("COMMITTED", event.id)

    inbox = rig.consumer(msgkit.make_handler(announce=lambda event_id: say("HANDLING", event_id), stall=args.stall))
    inbox.should_stop = stop.is_set
    say("CONSUMING")
    rig.bus.consume(rig.queue, inbox.bindings, inbox, should_stop=stop.is_set, max_attempts=msgkit.MAX_ATTEMPTS)


if __name__ == "__main__":
    main()
