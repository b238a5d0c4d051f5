"""Judging targets: each figure against its definition, the status kept per target and scope, and
targets.met / targets.at_risk announced (through the outbox) only when a status changes to one of them.

Events do not judge: each marks the targets it moves as pending (`mark_pending`, in the event's transaction), and
`judge_pending` judges whatever is marked, once, about every half second (the consumer's settle hook). A judgement
reads every member of staff, so a staff import of N people costs N cheap marks and a few judgements, not N."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Iterable

from sqlalchemy import delete, select

from staffroom_shared.log import correlation
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import pending_judgements, scope_of, snapshots, statuses
from ..adapters.sql import upsert
from ..domain.targets import ANNOUNCED, TARGETS, Definition, Status
from . import definitions, measures
from .measures import Figure


def evaluate(uow: UnitOfWork, keys: Iterable[str], today: date, *, snapshot: bool = False) -> dict:
    """Judge each target for the trust and every academy it has figures (or a status) for; with `snapshot`,
    also record today's figure for the trend, for every academy known. Returns how many were announced."""
    counts = {"targets.met": 0, "targets.at_risk": 0, "snapshots": 0}
    session = uow.session
    known = measures.known_academies(session) if snapshot else []
    for key in keys:
        d = definitions.lock(session, key)
        found = measures.figures(session, d, today)
        held = {row.scope: row for row in session.execute(select(statuses).where(statuses.c.key == key))}
        # Today's trend point, once the daily job has taken it, follows the figure until the day ends: taken at
        # start-up while events were still arriving, it said 7 of 103 beside a headline of 86 of 141 (outsider).
        taken_today = set(session.scalars(select(snapshots.c.scope).where(snapshots.c.key == key,
                                                                         snapshots.c.taken_on == today)))
        scopes = {None, *found, *(row.academy_id for row in held.values()), *known}
        for academy_id in sorted((a for a in scopes if d.covers(a)), key=lambda a: (a is not None, str(a))):
            figure = found.get(academy_id) or Figure(academy_id)
            status = d.status(figure.numerator, figure.denominator, today)
            announced = record(uow, d, figure, status, held.get(scope_of(academy_id)), today)
            if announced:
                counts[announced] += 1
            if snapshot or scope_of(academy_id) in taken_today:
                take_snapshot(session, key, figure, status, today)
                counts["snapshots"] += snapshot
    return counts


def mark_pending(session, keys: Iterable[str]) -> None:
    """These targets need judging again: one mark per target (its `since` kept), its version bumped. Sorted, so
    consumers and judges take the marks' row locks in one order."""
    now = datetime.now(timezone.utc)
    for key in sorted(set(keys)):
        upsert(session, pending_judgements, {"key": key, "since": now, "version": 1},
               {"version": pending_judgements.c.version + 1})


def judge_pending(uow: UnitOfWork, today: date | None = None) -> dict:
    """Judge every target marked pending that nobody else is judging, in one transaction, and clear the marks it
    read; returns the keys judged and how many status changes were announced.

    On PostgreSQL consumers go on while a judgement runs: the marks are only read here (no lock) and cleared at the
    end if their version is still the one read, so a mark an event bumped meanwhile (its facts perhaps not in
    these figures) stays for the next judgement. (SQLite has one writer: events wait for the judgement.) Two judges split the targets (SKIP LOCKED on the definitions' rows,
    which evaluate locks anyway). A failure rolls back and leaves the marks."""
    today = today or datetime.now(timezone.utc).date()
    with correlation(f"targets-judge-{uuid.uuid4().hex[:12]}"), uow:
        session = uow.session
        marked = dict(session.execute(select(pending_judgements.c.key, pending_judgements.c.version)).all())
        keys = definitions.lock_free(session, [key for key in TARGETS if key in marked])
        counts = evaluate(uow, keys, today) if keys else {"targets.met": 0, "targets.at_risk": 0}
        for key in sorted(keys):
            session.execute(delete(pending_judgements).where(pending_judgements.c.key == key,
                                                             pending_judgements.c.version == marked[key]))
        uow.commit()
    return {"judged": keys, "targets.met": counts["targets.met"], "targets.at_risk": counts["targets.at_risk"]}


def has_pending(session) -> bool:
    return session.execute(select(pending_judgements.c.key).limit(1)).first() is not None


def record(uow: UnitOfWork, d: Definition, figure: Figure, status: Status, held, today: date) -> str | None:
    """Keep the status; announce it if it changed to met, at risk or missed. Returns the event type sent."""
    scope = scope_of(figure.academy_id)
    values = {"academy_id": figure.academy_id, "status": status.value, "numerator": figure.numerator,
              "denominator": figure.denominator, "value": figure.value, "evaluated_on": today}
    if held is not None and held.status == status.value:
        uow.session.execute(statuses.update().where(statuses.c.key == d.key, statuses.c.scope == scope).values(**values))
        return None
    upsert(uow.session, statuses, {"key": d.key, "scope": scope, "since": today, **values}, {"since": today, **values})
    event_type = ANNOUNCED.get(status)
    if event_type is None:
        return None
    uow.emit(event_type, payload(d, figure, status, held.status if held is not None else None, today),
             academy_id=figure.academy_id)
    return event_type


def payload(d: Definition, figure: Figure, status: Status, previous: str | None, today: date) -> dict:
    return {"target_key": d.key, "title": TARGETS[d.key].title, "academy_id": figure.academy_id,
            "value": figure.value, "numerator": figure.numerator, "denominator": figure.denominator,
            "threshold": d.threshold, "at_risk_below": d.at_risk_below, "deadline": d.deadline,
            "status": status.value, "previous_status": previous, "as_of": today}


def take_snapshot(session, key: str, figure: Figure, status: Status, today: date) -> None:
    """One row per target, scope and day: a second run the same day brings it up to date."""
    values = {"academy_id": figure.academy_id, "numerator": figure.numerator, "denominator": figure.denominator,
              "value": figure.value, "status": status.value}
    upsert(session, snapshots, {"key": key, "scope": scope_of(figure.academy_id), "taken_on": today, **values}, values)


def current(session, d: Definition, today: date, academy_ids: list[uuid.UUID] | None, *,
            trust: bool = True) -> list[tuple[Figure, Status]]:
    """The figures as of today (worked out now, nothing stored): the trust's if asked, then each academy asked
    for (None: every academy known)."""
    found = measures.figures(session, d, today)
    wanted = measures.known_academies(session) if academy_ids is None else academy_ids
    out = []
    for academy_id in [None, *wanted] if trust else wanted:
        if d.covers(academy_id):
            figure = found.get(academy_id) or Figure(academy_id)
            out.append((figure, d.status(figure.numerator, figure.denominator, today)))
    return out
