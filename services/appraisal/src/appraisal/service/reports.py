"""Read models for people and HR: appraisal views, completion by academy, calendar and printable record."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.principal import Principal
from staffroom_shared.spreadsheet import csv_text

from ..adapters.orm import academies, appraisals, reviews
from ..adapters.repository import AppraisalRepository
from ..domain.model import Appraisal, Cycle, KeyDates, Status
from .access import may_see_cycle
from .record_template import RECORD


def summary(appraisal: Appraisal, names: dict, dates: KeyDates | None = None) -> dict:
    return {"id": appraisal.id, "cycle_id": appraisal.cycle_id, "academy_id": appraisal.academy_id,
            "template": appraisal.template, "status": appraisal.status, "reviewee_id": appraisal.reviewee_id,
            "appraiser_id": appraisal.appraiser_id, "reviewee_name": names.get(appraisal.reviewee_id),
            "appraiser_name": names.get(appraisal.appraiser_id), "key_dates": dates}


def detail(appraisal: Appraisal, names: dict, *, confidential: bool) -> dict:
    view = {**summary(appraisal, names)}
    for name in ("appraiser_set_by_hr", "objectives_agreed_by_appraiser_on", "objectives_agreed_by_reviewee_on",
                 "signed_off_on", "sign_off_comment", "finished_reason", "objectives", "reviews", "observations",
                 "meetings"):
        view[name] = getattr(appraisal, name)
    view["observer_names"] = {o.observer_id: names.get(o.observer_id) for o in appraisal.observations}
    if confidential:
        view["support_plan"], view["support_plan_notes"] = appraisal.support_plan, appraisal.support_plan_notes
    return view


def _hr_scope(principal: Principal) -> list[uuid.UUID] | None:
    scope = academy_scope(principal)
    require(scope is None or bool(scope), "these reports are for HR")
    return scope


def completion(repo: AppraisalRepository, principal: Principal, cycle_id: uuid.UUID) -> list[dict]:
    scope = _hr_scope(principal)
    cycle = repo.cycle(cycle_id)
    # Another academy's cycle is hidden here as it is from GET /cycles/<id>: not even that it exists.
    if cycle is None or not may_see_cycle(principal, cycle):
        raise NotFound(f"there is no appraisal cycle with id {cycle_id}")
    rows: dict[uuid.UUID, dict] = {}
    for academy_id, status, count in repo.completion(cycle_id, scope):
        row = rows.setdefault(academy_id, {"academy_id": academy_id, "total": 0, "counts": {s.value: 0 for s in Status}})
        row["counts"][Status(status).value] += count
        row["total"] += count
    names = dict(repo.session.execute(select(academies.c.academy_id, academies.c.name)).all())
    for row in rows.values():
        row["academy_name"] = names.get(row["academy_id"])
        in_scope = row["total"] - row["counts"]["withdrawn"] - row["counts"]["closed"]
        row["signed_off_percent"] = round(100 * row["counts"]["signed_off"] / in_scope, 1) if in_scope else 0.0
    return sorted(rows.values(), key=lambda r: (r["academy_name"] or "", str(r["academy_id"])))


def reminders(repo: AppraisalRepository, principal: Principal, cycle_id: uuid.UUID, again_after) -> list[dict]:
    """The last reminder HR sent about each appraisal in the cycle that had one, within the caller's scope."""
    scope = _hr_scope(principal)
    cycle = repo.cycle(cycle_id)
    if cycle is None or not may_see_cycle(principal, cycle):
        raise NotFound(f"there is no appraisal cycle with id {cycle_id}")
    rows = repo.reminders_in(cycle_id, scope)
    names = repo.names(r.sent_by for r in rows)
    return [{"appraisal_id": r.appraisal_id, "milestone": r.milestone, "sent_at": r.sent_at, "count": r.count,
             "sent_by_name": names.get(r.sent_by), "next_allowed_at": r.sent_at + again_after} for r in rows]


def completion_csv(rows: list[dict]) -> str:
    statuses = [s.value for s in Status]
    header = ["Academy", "Academy ID", "Appraisals", *[s.replace("_", " ").capitalize() for s in statuses],
              "Signed off %"]
    return csv_text([header, *([row["academy_name"], row["academy_id"], row["total"],
                                *[row["counts"][s] for s in statuses], row["signed_off_percent"]] for row in rows)])


def untrained_reviews(repo: AppraisalRepository, principal: Principal) -> list[dict]:
    scope = _hr_scope(principal)
    query = (select(reviews.c.appraisal_id, appraisals.c.academy_id, reviews.c.completed_by, appraisals.c.reviewee_id,
                    reviews.c.stage, reviews.c.completed_on)
             .join(appraisals, appraisals.c.id == reviews.c.appraisal_id)
             .where(reviews.c.appraiser_untrained.is_(True))
             .order_by(reviews.c.completed_on.desc()))
    if scope is not None:
        query = query.where(appraisals.c.academy_id.in_(scope))
    rows = repo.session.execute(query).all()
    names = repo.names([r.completed_by for r in rows] + [r.reviewee_id for r in rows])
    return [{"appraisal_id": r.appraisal_id, "academy_id": r.academy_id, "appraiser_id": r.completed_by,
             "appraiser_name": names.get(r.completed_by), "reviewee_name": names.get(r.reviewee_id),
             "stage": r.stage, "completed_on": r.completed_on} for r in rows]


def meetings_ics(appraisal: Appraisal, names: dict) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Staffroom//Appraisal//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    reviewee = names.get(appraisal.reviewee_id, "reviewee")
    for meeting in appraisal.meetings:
        event = Event()
        event.add("uid", f"{meeting.id}@staffroom")
        event.add("dtstamp", datetime.now(timezone.utc))
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.minutes))
        event.add("summary", f"Appraisal: {meeting.kind.value.replace('_', ' ')} ({reviewee})")
        event.add("location", meeting.location)
        calendar.add_component(event)
    return calendar.to_ical()


def record_html(view: dict, cycle: Cycle) -> str:
    from flask import render_template_string  # only the web process prints records: the others need no Flask

    return render_template_string(RECORD, a=view, cycle=cycle, printed=datetime.now(timezone.utc))
