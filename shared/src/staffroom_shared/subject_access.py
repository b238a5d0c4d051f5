"""Subject access (issue 21; UK GDPR Article 15): every service's answer to "what do you hold about this person?".

The directory opens a request and announces `subject_access.requested`; each service answers with
`<service>.subject_access_answered`, carrying every record it holds about the person, as its
`service.subject_access.HOLDINGS` lists them, and what it leaves out and why; the directory makes the bundle
(docs/privacy.md). A record is "about" the person when they are its subject: their appraisal, their place on a
course, their inbox. Records about someone else in which they only acted (an appraisal they led, a request they
approved) are that other person's, and are left out, saying so.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import Table, select

from .events import Event
from .uow import UnitOfWork

# What no service's answer holds, whichever service it is (each adds its own).
PLATFORM_LEFT_OUT = (
    "Messages between Staffroom's services about you (its outbox and inbox): copies of the records here, kept "
    "a few weeks to trace a delivery, then deleted.",
    "Records about other people in which you only took part (an appraisal you led, a request you approved): "
    "they are about those people. Ask the data protection officer if you need something from them.",
)


@dataclass(frozen=True)
class Holding:
    """One kind of record a service holds about a person: `about(staff_id)` picks their rows of `table`. The answer
    names it by its table (for a machine) and `what` (for the person)."""

    what: str
    table: Table
    about: Callable[[uuid.UUID], Any]
    withheld: tuple[str, ...] = ()  # columns never disclosed: secrets (a sealed link), not data about the person
    json_text: tuple[str, ...] = ()  # columns holding JSON as text (a read model): disclosed as the JSON they hold
    # Columns (or, with theirs_alone_rows, the whole holding) only in a copy the person asked for themselves, and
    # why: a copy HR open is one HR read.
    theirs_alone: tuple[str, ...] = ()
    theirs_alone_rows: bool = False
    theirs_alone_why: str = ""


def subject(column) -> Callable[[uuid.UUID], Any]:
    """Rows whose `column` is the person."""
    return lambda staff_id: column == staff_id


def under(column, parent: Table, parent_about: Callable[[uuid.UUID], Any], key: str = "id"):
    """Rows that belong (through `column`) to a row of `parent` that is about the person: an appraisal's objectives."""
    return lambda staff_id: column.in_(select(parent.c[key]).where(parent_about(staff_id)))


def collect(session, holdings, staff_id: uuid.UUID, audit_log: Table, by_the_person: bool = True) -> list[dict]:
    """Each holding's rows about the person, as JSON, and then the audit log's entries about them or their records
    (who changed what, and when). `by_the_person`: they asked for this copy themselves (else HR or the DPO did)."""
    found, ids = [], {str(staff_id)}
    for holding in holdings:
        withheld = holding.withheld + (() if by_the_person else holding.theirs_alone)
        rows = [] if holding.theirs_alone_rows and not by_the_person else [
            _disclosed(row._mapping, withheld, holding.json_text)
            for row in session.execute(select(holding.table).where(holding.about(staff_id)))]
        ids.update(str(row["id"]) for row in rows if row.get("id"))
        found.append({"key": holding.table.name, "what": holding.what, "rows": rows})
    entries = session.execute(select(audit_log).where(audit_log.c.entity_id.in_(sorted(ids)))
                              .order_by(audit_log.c.id))
    found.append({"key": audit_log.name, "what": "the audit log: who changed these records, and when",
                  "rows": [_disclosed(row._mapping, ("correlation_id",)) for row in entries]})
    return found


def left_out_of(holdings, by_the_person: bool) -> list[str]:
    """What a copy HR or the DPO opened leaves out that the person's own copy holds, and why."""
    return [] if by_the_person else list(dict.fromkeys(
        h.theirs_alone_why for h in holdings if h.theirs_alone or h.theirs_alone_rows))


def answer(session, holdings, request_id, staff_id: uuid.UUID, by_the_person: bool,
           left_out: tuple[str, ...] = ()) -> dict:
    """A service's answer to one request, as `<service>.subject_access_answered` carries it (and as the directory
    keeps its own): every record about the person, and what is left out and why."""
    audit_log = holdings[0].table.metadata.tables["audit_log"]  # every service's metadata has one
    return {"request_id": str(request_id), "staff_id": str(staff_id),
            "records": collect(session, holdings, staff_id, audit_log, by_the_person),
            "left_out": [*left_out, *left_out_of(holdings, by_the_person), *PLATFORM_LEFT_OUT]}


def answerer(service: str, holdings, left_out: tuple[str, ...] = ()):
    """The service's handler for `subject_access.requested`: it answers with what it holds about the person."""
    def on_subject_access_requested(uow: UnitOfWork, event: Event) -> None:
        if event.payload.get("asked_of") and service not in event.payload["asked_of"]:
            return  # asked again of another service, which withdrew its answer: ours still stands
        staff_id = uuid.UUID(str(event.payload["staff_id"]))
        uow.audit("subject_access.answered", "staff", staff_id, {"request_id": str(event.payload["request_id"])})
        uow.emit(f"{service}.subject_access_answered", answer(
            uow.session, holdings, event.payload["request_id"], staff_id, event.payload.get("by_the_person", False),
            left_out), academy_id=None)

    return on_subject_access_requested


def _disclosed(row, withheld: tuple[str, ...], json_text: tuple[str, ...] = ()) -> dict:
    return {name: json.loads(value) if name in json_text and value else _plain(value)
            for name, value in row.items() if name not in withheld}


def _plain(value):
    """A stored value as JSON: ids, days, moments and amounts as text; JSON as it is."""
    if value is None or isinstance(value, (str, int, float, bool, list, dict)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (uuid.UUID, Decimal)):
        return str(value)
    if isinstance(value, bytes):
        raise TypeError("a binary column must be withheld (Holding.withheld) or shown as text")
    return str(value)
