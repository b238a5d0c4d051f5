"""`staffroom-bus`: inspect and replay a consumer's dead letters, on RabbitMQ or the embedded bus."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import connect
from .messages import UnknownQueue


def _default_url() -> str:
    data_dir = Path(os.environ.get("STAFFROOM_DATA_DIR", "data")).resolve()
    return os.environ.get("BUS_URL") or f"embedded:///{data_dir / 'bus.db'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="staffroom-bus", description=__doc__)
    parser.add_argument("--bus-url", default=_default_url(), help="default: $BUS_URL or the embedded bus in ./data")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list", help="show the dead letters of a consumer's queue (leaves them there)")
    listing.add_argument("queue", help="the consuming service's queue, e.g. appraisal")
    listing.add_argument("--limit", type=int, default=50)
    replay = sub.add_parser("replay", help="send dead letters back to the consumer's own queue")
    replay.add_argument("queue")
    replay.add_argument("message_ids", nargs="*", help="only these messages (default: all)")
    args = parser.parse_args(argv)

    bus = connect(args.bus_url)
    try:
        if args.command == "list":
            for letter in bus.dead_letters(args.queue, limit=args.limit):
                print(json.dumps({"message_id": letter.message_id, "routing_key": letter.routing_key,
                                  "attempts": letter.attempts, "reason": letter.reason,
                                  "body": letter.body.decode("utf-8", "replace")}))
        else:
            count = bus.replay_dead_letters(args.queue, args.message_ids or None)
            print(f"replayed {count} message(s) to {args.queue}")
    except UnknownQueue as exc:  # a queue named wrong, or a consumer never started: said plainly, not a traceback
        print(f"staffroom-bus: {exc}", file=sys.stderr)
        return 1
    finally:
        bus.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
