"""Judging targets: each figure against its definition, the standing kept per target and scope, and
targets.met / targets.at_risk announced (the standing records it; the unit of work publishes it through the outbox)
only when a status changes to one of them.

Events do not judge: each marks the targets it moves as pending (`mark_pending`, in the event's transaction), and
`judge_pending` judges whatever is marked, once, about every half second (the consumer's settle hook). A judgement
reads every member of staff, so a staff import of N people costs N cheap marks and a few judgements, not N."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone
from typing import Iterable

from staffroom_shared.log import correlation

from ..adapters.measures import Measures
from ..domain.standings import Standing, scope_of
from ..domain.targets import TARGETS, Definition, Figure, Status
from .unit_of_work import TargetsUnitOfWork


def evaluate(uow: TargetsUnitOfWork, keys: Iterable[str], today: date, *, snapshot: bool = False) -> dict:
    """Judge each target for the trust and every academy it has figures (or a standing) for; with `snapshot`,
    also record today's figure for the trend, for every academy known. Returns how many were announced."""
    counts = {"targets.met": 0, "targets.at_risk": 0, "snapshots": 0}
    known = uow.measures.known_academies() if snapshot else []
    for key in keys:
        d = uow.definitions.lock(key)
        found = uow.measures.figures(d, today)
        held = uow.standings.for_target(key)
        # Today's trend point, once the daily job has taken it, follows the figure until the day ends: taken at
        # start-up while events were still arriving, it said 7 of 103 beside a headline of 86 of 141 (outsider).
        taken_today = uow.snapshots.taken_on(key, today)
        scopes = {None, *found, *(standing.academy_id for standing in held.values()), *known}
        for academy_id in sorted((a for a in scopes if d.covers(a)), key=lambda a: (a is not None, str(a))):
            figure = found.get(academy_id) or Figure(academy_id)
            standing = held.get(scope_of(academy_id)) or uow.standings.add(Standing(key, academy_id))
            before = len(standing.recorded)
            status = standing.judge(d, figure, today)
            uow.standings.save(standing)
            for announced in standing.recorded[before:]:
                counts[uow.contracts[type(announced)].type] += 1
            if snapshot or scope_of(academy_id) in taken_today:
                uow.snapshots.take(key, figure, status, today)
                counts["snapshots"] += snapshot
    return counts


def mark_pending(uow: TargetsUnitOfWork, keys: Iterable[str]) -> None:
    """These targets need judging again (in the unit of work of the event that moved them)."""
    uow.pending.mark(keys, datetime.now(timezone.utc))


def judge_pending(uow: TargetsUnitOfWork, today: date | None = None) -> dict:
    """Judge every target marked pending that nobody else is judging, in one transaction, and clear the marks it
    read; returns the keys judged and how many status changes were announced.

    On PostgreSQL consumers go on while a judgement runs: the marks are only read here (no lock) and cleared at the
    end if their version is still the one read, so a mark an event bumped meanwhile (its facts perhaps not in
    these figures) stays for the next judgement. (SQLite has one writer: events wait for the judgement.) Two judges split the targets (SKIP LOCKED on the definitions' rows,
    which evaluate locks anyway). A failure rolls back and leaves the marks."""
    today = today or datetime.now(timezone.utc).date()
    with correlation(f"targets-judge-{uuid.uuid4().hex[:12]}"), uow:
        marked = uow.pending.marked()
        keys = uow.definitions.lock_free([key for key in TARGETS if key in marked])
        counts = evaluate(uow, keys, today) if keys else {"targets.met": 0, "targets.at_risk": 0}
        for key in sorted(keys):
            uow.pending.clear(key, marked[key])
        uow.commit()
    return {"judged": keys, "targets.met": counts["targets.met"], "targets.at_risk": counts["targets.at_risk"]}


def current(session, d: Definition, today: date, academy_ids: list[uuid.UUID] | None, *,
            trust: bool = True) -> list[tuple[Figure, Status]]:
    """The figures as of today (worked out now, nothing stored): the trust's if asked, then each academy asked
    for (None: every academy known). Reads on the session it is given (a page's read session)."""
    measures = Measures(session)
    found = measures.figures(d, today)
    wanted = measures.known_academies() if academy_ids is None else academy_ids
    out = []
    for academy_id in [None, *wanted] if trust else wanted:
        if d.covers(academy_id):
            figure = found.get(academy_id) or Figure(academy_id)
            out.append((figure, d.status(figure.numerator, figure.denominator, today)))
    return out
