"""HR's reports: how far each academy has got with a cycle, the reminders sent, and reviews by untrained appraisers."""
from __future__ import annotations

import uuid

from staffroom_shared.authz import academy_scope, require
from staffroom_shared.errors import NotFound
from staffroom_shared.figures import ratio
from staffroom_shared.principal import Principal

from ..domain.model import Cycle, Status
from .access import may_see_cycle
from .unit_of_work import Reads


def _hr_scope(principal: Principal) -> list[uuid.UUID] | None:
    scope = academy_scope(principal)
    require(scope is None or bool(scope), "these reports are for HR")
    return scope


def _cycle(reads: Reads, principal: Principal, cycle_id: uuid.UUID) -> Cycle:
    cycle = reads.cycles.get(cycle_id)
    # Another academy's cycle is hidden here as it is from GET /cycles/<id>: not even that it exists.
    if cycle is None or not may_see_cycle(principal, cycle):
        raise NotFound(f"there is no appraisal cycle with id {cycle_id}")
    return cycle


def completion(reads: Reads, principal: Principal, cycle_id: uuid.UUID) -> list[dict]:
    scope = _hr_scope(principal)
    _cycle(reads, principal, cycle_id)
    rows: dict[uuid.UUID, dict] = {}
    for academy_id, status, count in reads.appraisals.completion(cycle_id, scope):
        row = rows.setdefault(academy_id, {"academy_id": academy_id, "total": 0, "counts": {s.value: 0 for s in Status}})
        row["counts"][Status(status).value] += count
        row["total"] += count
    names = reads.staff.academy_names()
    for row in rows.values():
        row["academy_name"] = names.get(row["academy_id"])
        in_scope = row["total"] - row["counts"]["withdrawn"] - row["counts"]["closed"]
        row["signed_off_percent"] = ratio(row["counts"]["signed_off"], in_scope, 1, 100) if in_scope else 0.0
    return sorted(rows.values(), key=lambda r: (r["academy_name"] or "", str(r["academy_id"])))


def reminders(reads: Reads, principal: Principal, cycle_id: uuid.UUID, again_after) -> list[dict]:
    """The last reminder HR sent about each appraisal in the cycle that had one, within the caller's scope."""
    scope = _hr_scope(principal)
    _cycle(reads, principal, cycle_id)
    rows = reads.appraisals.reminders_in(cycle_id, scope)
    names = reads.staff.names(r.sent_by for r in rows)
    return [{"appraisal_id": r.appraisal_id, "milestone": r.milestone, "sent_at": r.sent_at, "count": r.count,
             "sent_by_name": names.get(r.sent_by), "next_allowed_at": r.sent_at + again_after} for r in rows]


def untrained_reviews(reads: Reads, principal: Principal) -> list[dict]:
    rows = reads.appraisals.untrained_reviews(_hr_scope(principal))
    names = reads.staff.names([r.completed_by for r in rows] + [r.reviewee_id for r in rows])
    return [{"appraisal_id": r.appraisal_id, "academy_id": r.academy_id, "appraiser_id": r.completed_by,
             "appraiser_name": names.get(r.completed_by), "reviewee_name": names.get(r.reviewee_id),
             "stage": r.stage, "completed_on": r.completed_on} for r in rows]
