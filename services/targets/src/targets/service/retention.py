"""What the targets service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

Targets keeps every event it applied (adapters.orm.events), so its read model can be rebuilt. A staff.joined,
staff.updated or staff.left event carries the whole of a person's directory record and the newest one wins, so
once a newer one has arrived an older one only keeps an out-of-date copy of someone's details: it goes after its
window, and a rebuild still ends with the same facts. (staff.promoted stays: each promotion is a fact.)
"""
from __future__ import annotations

from datetime import date

from staffroom_shared.retention import Period, Record, platform_records, start_of

from ..adapters.orm import metadata
from .unit_of_work import TargetsUnitOfWork


def _superseded_staff_copies(uow: TargetsUnitOfWork, cutoff: date, _today: date) -> int:
    return uow.event_store.forget_superseded_staff_copies(start_of(cutoff))


RECORDS = (
    *platform_records(metadata),
    Record("staff_copies", "out-of-date copies of people's directory records, kept with the events they came in",
           Period(30, "day"), "the day of the change it carried (the newest copy is kept for good)",
           "Staffroom's own: the directory holds the record; targets needs only the newest copy", _superseded_staff_copies),
)
