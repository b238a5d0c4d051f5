"""Read models: enrolment and agreement views for people, and CPD spend against budget for HR."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from staffroom_shared.figures import ratio
from staffroom_shared.principal import Principal

from ..adapters.catalogue import Catalogue
from ..domain.enrolments import EnrolmentStatus
from .access import hr_scope

# Places the trust pays for: held, finished, or finished without completing (the place was still used).
SPENT = (EnrolmentStatus.CONFIRMED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DID_NOT_COMPLETE)


def budget_year(year_starting: int) -> tuple[date, date]:
    """A school budget year: 1 September to 31 August."""
    return date(year_starting, 9, 1), date(year_starting + 1, 8, 31)


def spend(repo: Catalogue, principal: Principal, year_starting: int) -> dict:
    """Spend on places in cohorts starting in the budget year, per academy and per programme, against budget."""
    scope = hr_scope(principal, "CPD spend")
    first, last = budget_year(year_starting)
    names = repo.academy_names()
    rows: dict[uuid.UUID, dict] = {}
    for b in repo.budgets(scope, year_starting):
        rows[b["academy_id"]] = _academy_row(b["academy_id"], names, Decimal(b["amount"]))
    for academy_id, programme_id, title, places, total in repo.spent_places(SPENT, first, last, scope):
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
            row["percent_used"] = ratio(row["spent"], row["budget"], 1, 100)
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
