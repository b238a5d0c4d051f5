"""Read models: enrolment and agreement views for people, and CPD spend against budget for HR."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from staffroom_shared.principal import Principal

from ..adapters.orm import academies, cohorts, enrolments, programmes
from ..adapters.repository import CpdRepository
from ..domain.enrolments import EnrolmentStatus
from .access import hr_scope

# Places the trust pays for: held, finished, or finished without completing (the place was still used).
SPENT = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DID_NOT_COMPLETE)


def budget_year(year_starting: int) -> tuple[date, date]:
    """A school budget year: 1 September to 31 August."""
    return date(year_starting, 9, 1), date(year_starting + 1, 8, 31)


def spend(repo: CpdRepository, principal: Principal, year_starting: int) -> dict:
    """Spend on places in cohorts starting in the budget year, per academy and per programme, against budget."""
    scope = hr_scope(principal, "CPD spend")
    first, last = budget_year(year_starting)
    query = (select(enrolments.c.academy_id, enrolments.c.programme_id, programmes.c.title,
                    func.count(), func.sum(enrolments.c.cost))
             .join(cohorts, cohorts.c.id == enrolments.c.cohort_id)
             .join(programmes, programmes.c.id == enrolments.c.programme_id)
             .where(enrolments.c.status.in_(SPENT), cohorts.c.starts_on.between(first, last))
             .group_by(enrolments.c.academy_id, enrolments.c.programme_id, programmes.c.title))
    if scope is not None:
        query = query.where(enrolments.c.academy_id.in_(scope))
    names = dict(repo.session.execute(select(academies.c.academy_id, academies.c.name)).all())
    rows: dict[uuid.UUID, dict] = {}
    for b in repo.budgets(scope, year_starting):
        rows[b["academy_id"]] = _academy_row(b["academy_id"], names, Decimal(b["amount"]))
    for academy_id, programme_id, title, places, total in repo.session.execute(query):
        row = rows.setdefault(academy_id, _academy_row(academy_id, names, None))
        total = Decimal(total or 0).quantize(Decimal("0.01"))
        row["programmes"].append({"programme_id": programme_id, "title": title, "places": places, "spent": total})
        row["places"] += places
        row["spent"] += total
    by_programme: dict[uuid.UUID, dict] = {}
    for row in rows.values():
        row["programmes"].sort(key=lambda p: (-p["spent"], p["title"]))
        if row["budget"] is not None:
            row["remaining"] = row["budget"] - row["spent"]
            row["percent_used"] = float(round(100 * row["spent"] / row["budget"], 1)) if row["budget"] else None
        for p in row["programmes"]:
            total = by_programme.setdefault(p["programme_id"], {"programme_id": p["programme_id"], "title": p["title"],
                                                                 "places": 0, "spent": Decimal("0.00")})
            total["places"] += p["places"]
            total["spent"] += p["spent"]
    academies_out = sorted(rows.values(), key=lambda r: (r["academy_name"] or "", str(r["academy_id"])))
    return {"year_starting": year_starting, "from_": first, "to": last, "academies": academies_out,
            "programmes": sorted(by_programme.values(), key=lambda p: (-p["spent"], p["title"])),
            "total_spent": sum((r["spent"] for r in academies_out), Decimal("0.00")),
            "total_budget": sum((r["budget"] for r in academies_out if r["budget"] is not None), Decimal("0.00"))}


def _academy_row(academy_id, names, budget) -> dict:
    return {"academy_id": academy_id, "academy_name": names.get(academy_id), "budget": budget,
            "spent": Decimal("0.00"), "remaining": None, "percent_used": None, "places": 0, "programmes": []}


def waiting_position(repo: CpdRepository, e) -> int | None:
    if e.status != EnrolmentStatus.WAITING or e.waiting_since is None:
        return None
    return repo.session.scalar(select(func.count()).select_from(enrolments).where(
        enrolments.c.cohort_id == e.cohort_id, enrolments.c.status == EnrolmentStatus.WAITING,
        enrolments.c.waiting_since <= e.waiting_since))
