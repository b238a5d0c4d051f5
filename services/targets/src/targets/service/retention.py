"""What the targets service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

Targets keeps every event it applied (adapters.orm.events), so its read model can be rebuilt. A staff.joined,
staff.updated or staff.left event carries the whole of a person's directory record and the newest one wins, so
once a newer one has arrived an older one only keeps an out-of-date copy of someone's details: it goes after its
window, and a rebuild still ends with the same facts. (staff.promoted stays: each promotion is a fact.)
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select

from staffroom_shared.retention import Period, Record, platform_records, start_of
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import events, metadata
from .handlers import SNAPSHOT_EVENTS, STAFF_EVENTS



def _superseded_staff_copies(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    before = start_of(cutoff)
    newest: dict[str, datetime] = {}
    candidates = []
    for seq, kind, occurred_at, envelope in uow.session.execute(
            select(events.c.seq, events.c.event_type, events.c.occurred_at, events.c.envelope)
            .where(events.c.event_type.in_(STAFF_EVENTS))):
        person = envelope["payload"]["staff_id"]
        newest[person] = max(newest.get(person, occurred_at), occurred_at)
        if kind in SNAPSHOT_EVENTS and occurred_at < before:
            candidates.append((seq, person, occurred_at))
    stale = [seq for seq, person, occurred_at in candidates if occurred_at < newest[person]]
    for start in range(0, len(stale), 500):
        uow.session.execute(delete(events).where(events.c.seq.in_(stale[start:start + 500])))
    return len(stale)


RECORDS = (
    *platform_records(metadata),
    Record("staff_copies", "out-of-date copies of people's directory records, kept with the events they came in",
           Period(30, "day"), "the day of the change it carried (the newest copy is kept for good)",
           "Staffroom's own: the directory holds the record; targets needs only the newest copy", _superseded_staff_copies),
)
