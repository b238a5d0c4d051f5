"""Retention (issue 21): how long each kind of record is kept, and the daily job's deletion of what has expired.

Each service lists its records (`<service>.service.retention.RECORDS`: the platform's three, then its own); each
has a default period, with where that period comes from, and the trust may change any of them with a setting,
`RETENTION_<KEY>` (or `<SERVICE>_RETENTION_<KEY>`), e.g. `APPRAISAL_RETENTION_APPRAISALS="7 years"`.
docs/privacy.md lists every record, its default and its source. The service's daily job calls `expire`.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Callable, Iterable

from dateutil.relativedelta import relativedelta
from sqlalchemy import Table, delete

from .config import ConfigError, setting
from .db import forget_old_pages
from .uow import UnitOfWork

log = logging.getLogger(__name__)

# The defaults for a person's records: six years is the time in which a claim on a contract (employment included)
# can be brought (Limitation Act 1980, s.5), and the period schools' retention schedules commonly give the
# personnel file after employment ends. The IRMS toolkits' own tables were not readable from here (docs/privacy.md).
LIMITATION = ("6 years: the Limitation Act 1980, s.5 (six years to bring a claim on a contract), as schools' "
              "retention schedules commonly apply it to the personnel file; to check against the IRMS toolkit")

_PERIOD = re.compile(r"^\s*(\d{1,5})\s*(day|month|year)s?\s*$", re.IGNORECASE)
_LONGEST = {"day": 36_525, "month": 1_200, "year": 100}  # a hundred years, however it is written


@dataclass(frozen=True)
class Period:
    """A whole number of days, months or years ("30 days", "18 months", "6 years")."""

    count: int
    unit: str  # "day", "month" or "year"

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = _PERIOD.match(text or "")
        if match is None:
            raise ValueError(f"{text!r} is not a period such as '30 days', '18 months' or '6 years'")
        count, unit = int(match.group(1)), match.group(2).lower()
        if count > _LONGEST[unit]:
            raise ValueError(f"{text!r} is longer than a hundred years ({_LONGEST[unit]:,} {unit}s at most)")
        return cls(count, unit)

    def before(self, day: date) -> date:
        return day - relativedelta(**{f"{self.unit}s": self.count})

    def __str__(self) -> str:
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class Record:
    """One kind of record and how long it is kept.

    `expire(uow, cutoff, today)` deletes (or anonymises) every such record whose period started before `cutoff`, the day
    that is the period before today, and returns how many it removed; it may announce what it did with
    `uow.emit`. `kept_from` says when the period starts.
    """

    key: str
    what: str
    kept: Period
    kept_from: str
    source: str
    expire: Callable[[UnitOfWork, date, date], int]


def rows_older_than(table: Table, column: str) -> Callable[[UnitOfWork, date, date], int]:
    """Delete the rows of `table` whose `column` (a moment, or a day) is before the cutoff; rows where it is
    empty (not yet sent, say) are kept."""
    col = table.c[column]

    def expire(uow: UnitOfWork, cutoff: date, _today: date) -> int:
        return uow.session.execute(delete(table).where(col.is_not(None), col < start_of(cutoff, col))).rowcount

    return expire


def start_of(day: date, column=None):
    """The cutoff as `column` compares it: the day itself for a date column, else its first moment (UTC)."""
    try:
        if column is not None and column.type.python_type is date:
            return day
    except NotImplementedError:
        pass
    return datetime.combine(day, time(), timezone.utc)


def platform_records(metadata) -> tuple[Record, ...]:
    """The outbox, inbox and audit log every service has (staffroom_shared.db)."""
    tables = metadata.tables
    return (
        Record("outbox", "events already handed to the message bus (the outbox)", Period(30, "day"),
               "the day the event was sent", "Staffroom's own: long enough to trace a delivery problem; the event "
               "itself lives on in the services that received it",
               rows_older_than(tables["outbox"], "sent_at")),
        Record("inbox", "the record of which events were already handled (the inbox)", Period(90, "day"),
               "the day the event was handled", "Staffroom's own: far longer than the message bus ever redelivers "
               "an event, so an event handled once is never handled twice",
               rows_older_than(tables["inbox"], "processed_at")),
        Record("audit", "the audit log: who changed what, and when", Period(6, "year"),
               "the day of the change", LIMITATION,
               rows_older_than(tables["audit_log"], "at")),
    )


def periods(service: str, records: Iterable[Record], environ=None) -> dict[str, Period]:
    """Each record's period: its default, or the trust's `RETENTION_<KEY>` setting. A setting that is not a
    period stops the service at start, naming the setting."""
    import os

    env = os.environ if environ is None else environ
    chosen = {}
    for record in records:
        name = f"RETENTION_{record.key.upper()}"
        value = setting(env, service, name)
        try:
            chosen[record.key] = record.kept if value is None else Period.parse(value)
        except ValueError as exc:
            raise ConfigError(f"{service}: {name}: {exc}") from None
    return chosen


def expire(uow, records: Iterable[Record], chosen: dict[str, Period], today: date) -> dict[str, int]:
    """Delete what has expired, every record in one transaction; audited with how many of each went."""
    counts = {}
    with uow:
        for record in records:
            counts[record.key] = record.expire(uow, chosen[record.key].before(today), today)
        removed = {key: n for key, n in counts.items() if n}
        if removed:
            uow.audit("expired", "retention", today.isoformat(), changes=removed)
        uow.commit()
        engine = uow.session.get_bind()
    forget_old_pages(engine)  # also what a staff.erased handler changed since the last run
    return counts


def run(context, records: tuple[Record, ...], today: date | None = None) -> dict[str, int]:
    """The daily job's part: expire the service's `records` under the periods its settings choose."""
    import uuid

    from .log import correlation

    service, today = context.config.service, today or date.today()
    chosen = periods(service, records)
    with correlation(f"{service}-retention-{today}-{uuid.uuid4().hex[:8]}"):
        expired = expire(context.uow(actor="retention"), records, chosen, today)
    log.info("%s retention: %s expired", service, expired)
    return expired


def forget_in_audit(uow: UnitOfWork, entity_ids) -> None:
    """Erasure (issue 21): the audit rows about these records keep who did what, to what and when, but lose the
    values they recorded (names, reasons, what was written)."""
    audit = uow.metadata.tables["audit_log"]
    ids = [str(entity_id) for entity_id in entity_ids]
    for start in range(0, len(ids), 500):
        uow.session.execute(audit.update().where(audit.c.entity_id.in_(ids[start:start + 500]))
                            .values(changes=None, note=None))


def forget_pages_after(uow: UnitOfWork, tables: tuple[str, ...] = ()) -> None:
    """Erasure on SQLite: once the anonymising commits, the write-ahead log's copies of the pages as they were go at
    once, not at the service's next daily job, up to a day later (outsider 15); on PostgreSQL, `tables`' old row
    versions (db.forget_old_pages)."""
    uow.forget_old_pages_after_commit(tables)


def forget_sent_events(uow: UnitOfWork, staff_id) -> int:
    """Erasure (issue 21): the outbox's copies of events about the person that were already sent (each went to its
    subscribers, who anonymise theirs) go now, not after the outbox's own window. An unsent one is kept: it has yet
    to be delivered."""
    return uow.forget_sent_events(staff_id)
