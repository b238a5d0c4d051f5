"""Event handlers: keep the local copy of the directory (who a run invites) and the academies' names.
Each runs in the consumer's unit of work (with the inbox row), so a redelivered event changes nothing."""
from __future__ import annotations

import logging

from sqlalchemy import select

from staffroom_shared.events import Event
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import academies, staff

log = logging.getLogger(__name__)
STAFF_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "start_date", "leaving_date")


def on_staff_changed(uow: UnitOfWork, event: Event) -> None:
    """staff.joined / updated / promoted / left all carry the full snapshot; the newest one wins."""
    data = event.payload
    held = uow.session.execute(select(staff.c.snapshot_at).where(staff.c.staff_id == data["staff_id"])).first()
    values = {name: data[name] for name in STAFF_FIELDS} | {"snapshot_at": event.occurred_at}
    if held is None:
        uow.session.execute(staff.insert().values(staff_id=data["staff_id"], **values))
    elif held.snapshot_at is None or event.occurred_at >= held.snapshot_at:
        uow.session.execute(staff.update().where(staff.c.staff_id == data["staff_id"]).values(**values))
    else:
        log.info("older snapshot of %s (%s) ignored", data["staff_id"], event.type)


def on_academy(uow: UnitOfWork, event: Event) -> None:
    data = event.payload
    updated = uow.session.execute(academies.update().where(academies.c.academy_id == data["academy_id"])
                                  .values(name=data["name"]))
    if updated.rowcount == 0:
        uow.session.execute(academies.insert().values(academy_id=data["academy_id"], name=data["name"]))


HANDLERS = {
    "staff.joined": on_staff_changed,
    "staff.updated": on_staff_changed,
    "staff.promoted": on_staff_changed,
    "staff.left": on_staff_changed,
    "academy.registered": on_academy,
    "academy.updated": on_academy,
}
