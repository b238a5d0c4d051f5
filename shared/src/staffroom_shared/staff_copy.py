"""A service's local copy of the directory's staff, kept from staff.* events (event-carried state)."""
from __future__ import annotations

import logging

import uuid

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from .events import Event

log = logging.getLogger(__name__)


def keep(session: Session, table: Table, event: Event, fields: tuple[str, ...]) -> bool:
    """Store the snapshot in `event` (staff.joined/updated/promoted/left all carry one) unless a newer one is
    held already: deliveries can overtake each other. True when it was stored."""
    data = event.payload
    held = session.execute(select(table.c.snapshot_at).where(table.c.staff_id == data["staff_id"])).first()
    values = {name: data[name] for name in fields} | {"snapshot_at": event.occurred_at}
    if held is None:
        session.execute(table.insert().values(staff_id=data["staff_id"], **values))
    elif held.snapshot_at is None or event.occurred_at >= held.snapshot_at:
        session.execute(table.update().where(table.c.staff_id == data["staff_id"]).values(**values))
    else:
        log.info("older snapshot of %s (%s) ignored", data["staff_id"], event.type)
        return False
    return True


def names(session: Session, table: Table, ids) -> dict[uuid.UUID, str]:
    """Each of these people's name as the copy holds it ("First Last"), for those it holds."""
    ids = [i for i in set(ids) if i is not None]
    if not ids:
        return {}
    rows = session.execute(select(table.c.staff_id, table.c.first_name, table.c.last_name)
                           .where(table.c.staff_id.in_(ids)))
    return {r.staff_id: f"{r.first_name} {r.last_name}" for r in rows}
