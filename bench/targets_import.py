"""targets' consumer handling a staff import: N staff.joined events (default 2,000, into an empty trust of five
academies), judged after every event (the handler before judging moved to once per burst) against marked and
judged once per burst (the settle hook every 0.5 s beside the consumer, as runner.consumer runs it, and once more
at the end). Events go through the InboxConsumer as the bus delivers them. Prints seconds, the ratio after/before,
and whether both end with the same statuses.

    .venv/bin/python bench/targets_import.py [--staff 2000] [--db sqlite|postgresql|both]

PostgreSQL: STAFFROOM_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres), a database of its own.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from staffroom_shared import runner
from staffroom_shared.bus import Delivery
from staffroom_shared.config import ServiceConfig
from staffroom_shared.consumer import InboxConsumer
from staffroom_shared.events import new_event
from staffroom_shared.testing import postgres_database
from targets import bootstrap
from targets.adapters.orm import statuses
from targets.service import evaluation
from targets.service.handlers import HANDLERS, MOVES

TODAY = datetime.now(timezone.utc).date()


def judged_after_every_event(uow, event):
    """The handler as it was: keep the event, apply it, judge every target it moves."""
    uow.event_store.remember(event)
    uow.facts.apply(event)
    evaluation.evaluate(uow, MOVES[event.type], TODAY)


def deliveries(n: int) -> list[Delivery]:
    academies = [uuid.uuid4() for _ in range(5)]
    out = []
    for i in range(n):
        academy_id = academies[i % len(academies)]
        person = {"staff_id": uuid.uuid4(), "academy_id": academy_id, "first_name": "Sam", "last_name": f"Import{i}",
                  "email": f"s{i}@oaktrust.example", "staff_type": "teaching" if i % 3 else "support",
                  "post": "Teacher", "fte": "1.00", "start_date": TODAY - timedelta(days=(i * 37) % 2500),
                  "leaving_date": None, "line_manager_id": None}
        event = new_event("staff.joined", person, producer="directory", correlation_id="bench-import",
                          academy_id=academy_id)
        out.append(Delivery(message_id=str(event.id), routing_key=event.type,
                            body=json.dumps(event.to_dict()).encode(), headers={}, attempt=1))
    return out


@contextmanager
def database(kind: str):
    with tempfile.TemporaryDirectory() as tmp:
        env = {"STAFFROOM_DATA_DIR": tmp, "LOG_LEVEL": "WARNING"}
        if kind == "sqlite":
            config = ServiceConfig.from_env("targets", env)
            bootstrap.migrate(config)
            yield bootstrap.build(config)
            return
        with postgres_database("benchtargets") as url:
            config = ServiceConfig.from_env("targets", {**env, "DATABASE_URL": url})
            bootstrap.migrate(config)
            context = bootstrap.build(config)
            try:
                yield context
            finally:
                context.engine.dispose()


def held(context) -> dict:
    with context.engine.connect() as conn:
        return {(r.key, r.scope): (r.status, r.numerator, r.denominator) for r in conn.execute(select(statuses))}


def before(kind: str, events: list[Delivery]) -> tuple[float, dict, str]:
    with database(kind) as context:
        consumer = InboxConsumer("targets", context.uow, {"staff.joined": judged_after_every_event})
        started = time.perf_counter()
        for delivery in events:
            consumer(delivery)
        return time.perf_counter() - started, held(context), f"{len(events)} judgements"


def after(kind: str, events: list[Delivery]) -> tuple[float, dict, str]:
    with database(kind) as context:
        consumer = InboxConsumer("targets", context.uow, HANDLERS)
        judged, done = [], threading.Event()

        def settle(ctx):
            result = bootstrap.SETTLE(ctx)
            if result is not None:
                judged.append(result)

        settler = threading.Thread(target=runner.settle_loop, args=(settle, context, done.is_set), daemon=True)
        started = time.perf_counter()
        settler.start()
        for delivery in events:
            consumer(delivery)
        done.set()
        settler.join()
        settle(context)  # what the next tick would have found
        return time.perf_counter() - started, held(context), f"{len(judged)} judgements"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    events = deliveries(args.staff)
    for kind in ("sqlite", "postgresql") if args.db == "both" else (args.db,):
        was, was_held, was_note = before(kind, events)
        now, now_held, now_note = after(kind, events)
        print(f"{kind}: {args.staff} staff.joined  before {was:.1f} s ({was_note})  after {now:.1f} s ({now_note})  "
              f"ratio after/before {now / was:.3f}  same statuses: {was_held == now_held}", flush=True)


if __name__ == "__main__":
    main()
