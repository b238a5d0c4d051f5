"""CPD impact use cases: the record opened at completion, the participant's intent and satisfaction, the line
manager's impact check (asked for by the daily job), the trust's interval, and HR's report per programme."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from staffroom_shared.authz import require_role
from staffroom_shared.errors import Unprocessable
from staffroom_shared.figures import mean  # to one decimal, a half up, as a hand count gives (outsider, issue 24)
from staffroom_shared.principal import Principal

from ..domain.catalogue import Programme
from ..domain.enrolments import Enrolment, EnrolmentStatus
from ..domain.errors import CpdError, IllegalTransition
from ..domain.impact import IMPACT_SEEN, SATISFACTION, CpdImpact, LinkedNeed, check_after_weeks
from ..domain.plans import PlanItemSource
from .access import hr_scope, may_see_programme, relation, require_relation
from .errors import missing, rule_broken
from .unit_of_work import CpdReads, CpdUnitOfWork


def open_record(uow: CpdUnitOfWork, e: Enrolment, programme: Programme | None, completed_on: date) -> CpdImpact:
    """At completion, inside the completion's unit of work: the record the participant and line manager fill in,
    its check due after the trust's interval. A completion recorded again (it cannot be) would find it there."""
    found = uow.impact.for_enrolment(e.id, for_update=True)
    if found is not None:
        return found
    return uow.impact.add(CpdImpact.opened(
        enrolment_id=e.id, staff_id=e.staff_id, academy_id=e.academy_id, programme_id=e.programme_id,
        programme_title=programme.title if programme else "", cost=e.cost, completed_on=completed_on,
        weeks=uow.impact.check_after_weeks()))


def _record(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, *allowed: str, doing: str
            ) -> tuple[Enrolment, CpdImpact]:
    e = uow.enrolments.get(enrolment_id)
    if e is None:
        raise missing("enrolment")
    found = relation(principal, staff_id=e.staff_id, academy_id=e.academy_id,
                     line_manager_id=uow.staff.line_manager_of(e.staff_id))
    require_relation(found, *allowed, what="enrolment", doing=doing)
    record = uow.impact.for_enrolment(enrolment_id, for_update=True)
    if record is None and e.status == EnrolmentStatus.COMPLETED and e.completed_on is not None:
        # completed before impact was recorded: opened now, with the interval counted from completion
        record = open_record(uow, e, uow.catalogue.programme(e.programme_id), e.completed_on)
    if record is None:
        raise rule_broken(_not_completed(e))
    return e, record


def _not_completed(e: Enrolment) -> CpdError:
    return IllegalTransition(f"this enrolment is {e.status.words}, not completed: record its impact once the "
                             f"programme is completed")


def development_needs(reads: CpdReads | CpdUnitOfWork, staff_id: uuid.UUID) -> list[dict]:
    """The appraisal development needs in the person's plan, which a completed programme may have served."""
    plan = reads.plans.of_staff(staff_id)
    if plan is None:
        return []
    return [{"development_need_id": i.development_need_id, "appraisal_id": i.appraisal_id, "title": i.title}
            for i in sorted(plan.items, key=lambda i: i.title)
            if i.source == PlanItemSource.DEVELOPMENT_NEED and i.development_need_id is not None]


def record_intent(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, intent: str, satisfaction: int,
                  development_need_id: uuid.UUID | None = None, today: date | None = None) -> CpdImpact:
    """The participant says what they will change in their practice and how satisfied they were; they may link
    the appraisal development need it served. Editable for two weeks from when first recorded."""
    today = today or date.today()
    with uow:
        e, record = _record(uow, principal, enrolment_id, "participant", doing="record what they will change")
        need = None
        if development_need_id is not None:
            known = {n["development_need_id"]: n for n in development_needs(uow, e.staff_id)}
            if development_need_id not in known:
                detail = "not one of the development needs in your plan"
                raise Unprocessable(f"the development need chosen is {detail}; choose one from your plan, or none",
                                    errors=[{"location": "json", "pointer": "#/development_need_id", "detail": detail}])
            need = LinkedNeed(development_need_id, known[development_need_id]["appraisal_id"])
        before = (record.intent, record.satisfaction, record.development_need_id)
        try:
            record.record_intent(principal.staff_id, intent, satisfaction, today, need)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("impact.intent_recorded", "enrolment", e.id, {
            "intent_changed": before[0] != record.intent, "satisfaction": [before[1], record.satisfaction],
            "development_need_id": [before[2], record.development_need_id]})
        uow.commit()
        return record


def record_impact(uow: CpdUnitOfWork, principal: Principal, enrolment_id: uuid.UUID, rating: int, seen: str,
                  today: date | None = None) -> CpdImpact:
    """The participant's line manager records the impact they have seen, once the interval has passed."""
    today = today or date.today()
    with uow:
        e, record = _record(uow, principal, enrolment_id, "manager", doing="record the impact seen")
        before = record.impact_rating
        try:
            record.record_impact(principal.staff_id, rating, seen, today)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("impact.impact_recorded", "enrolment", e.id, {"impact_rating": [before, rating]})
        uow.commit()
        return record


def ask_for_checks(uow: CpdUnitOfWork, today: date) -> int:
    """For the daily job, inside its unit of work: each line manager whose report's check has come is asked once
    (cpd.impact_check_due, which notifications turns into "impact check due")."""
    asked = 0
    for record in uow.impact.checks_to_ask(today):
        if record.ask_for_check(today, uow.staff.line_manager_of(record.staff_id)):
            asked += 1
    return asked


# -- reading -----------------------------------------------------------------------------------------------

def visible_record(reads: CpdReads, principal: Principal, enrolment_id: uuid.UUID) -> tuple[dict, set[str]]:
    """The record for the participant, their line manager and HR; the form's choices for the participant."""
    e = reads.enrolments.get(enrolment_id)
    found = set() if e is None else relation(principal, staff_id=e.staff_id, academy_id=e.academy_id,
                                             line_manager_id=reads.staff.line_manager_of(e.staff_id))
    require_relation(found, "participant", "manager", "hr", what="enrolment",
                     doing="see this enrolment's impact")
    record = reads.impact.for_enrolment(enrolment_id)
    if record is None:
        if e.status != EnrolmentStatus.COMPLETED or e.completed_on is None:
            raise rule_broken(_not_completed(e))
        programme = reads.catalogue.programme(e.programme_id)
        record = CpdImpact.opened(  # completed before impact was recorded: shown as it will be opened
            enrolment_id=e.id, staff_id=e.staff_id, academy_id=e.academy_id, programme_id=e.programme_id,
            programme_title=programme.title if programme else "", cost=e.cost,
            completed_on=e.completed_on, weeks=reads.impact.check_after_weeks())
    return view(reads, record, found), found


def view(reads: CpdReads, record: CpdImpact, found: set[str] = frozenset()) -> dict:
    names = reads.staff.names([record.staff_id])
    out = {n: getattr(record, n) for n in (
        "enrolment_id", "staff_id", "academy_id", "programme_id", "programme_title", "completed_on", "check_due_on",
        "intent", "satisfaction", "intent_recorded_on", "development_need_id", "impact_rating", "impact_seen",
        "impact_recorded_on")}
    out["staff_name"] = names.get(record.staff_id)
    out["satisfaction_words"] = SATISFACTION.get(record.satisfaction)
    out["impact_words"] = IMPACT_SEEN.get(record.impact_rating)
    out["intent_editable_until"] = record.editable_until()
    out["development_needs"] = development_needs(reads, record.staff_id) if "participant" in found else []
    return out


def checks_for(reads: CpdReads, principal: Principal) -> list[dict]:
    """The impact records of the caller's reports (a line manager's list: due ones first)."""
    if principal.staff_id is None:
        return []
    return [view(reads, r, {"manager"}) for r in reads.impact.for_reports_of(principal.staff_id)]


def mine(reads: CpdReads, principal: Principal) -> list[dict]:
    if principal.staff_id is None:
        return []
    return [view(reads, r, {"participant"}) for r in reads.impact.of_staff(principal.staff_id)]


def check_after(reads: CpdReads) -> dict:
    return {"check_after_weeks": reads.impact.check_after_weeks()}


def set_check_after(uow: CpdUnitOfWork, principal: Principal, weeks: int) -> dict:
    """Trust HR set the interval; records already opened keep the date they were given."""
    require_role(principal, "trust_hr")
    try:
        check_after_weeks(weeks)
    except CpdError as exc:
        raise rule_broken(exc) from None
    with uow:
        before = uow.impact.check_after_weeks()
        uow.impact.save_check_after_weeks(weeks)
        uow.audit("impact.settings_updated", "impact_settings", 1, {"check_after_weeks": [before, weeks]})
        uow.commit()
    return {"check_after_weeks": weeks}




def programme_report(reads: CpdReads, principal: Principal, programme_id: uuid.UUID) -> dict:
    """HR: each completion of a programme (academy HR: their academy's; trust HR: all) with its satisfaction,
    intent, impact and the cost of the place. Someone who completed it twice (two cohorts) is listed twice, as each
    completion has its own record in their appraisal, but is one participant: participants are people, cost per
    participant is what their places cost over the people, and each average says how many ratings it is of."""
    scope = hr_scope(principal, "the CPD impact report")
    programme = reads.catalogue.programme(programme_id)
    if programme is None or not may_see_programme(principal, programme):
        raise missing("programme")
    records = reads.impact.for_programme(programme_id, scope)
    names = reads.staff.names([r.staff_id for r in records])
    academies = reads.catalogue.academy_names()
    rows = [{"enrolment_id": r.enrolment_id, "staff_id": r.staff_id, "staff_name": names.get(r.staff_id),
             "academy_id": r.academy_id, "academy_name": academies.get(r.academy_id), "completed_on": r.completed_on,
             "satisfaction": r.satisfaction, "satisfaction_words": SATISFACTION.get(r.satisfaction),
             "intent": r.intent, "impact_rating": r.impact_rating, "impact_words": IMPACT_SEEN.get(r.impact_rating),
             "impact_seen": r.impact_seen, "check_due_on": r.check_due_on, "cost": Decimal(r.cost),
             "linked_to_appraisal": r.development_need_id is not None} for r in records]
    people = len({row["staff_id"] for row in rows})
    total = sum((row["cost"] for row in rows), Decimal("0.00"))
    satisfaction = [r["satisfaction"] for r in rows if r["satisfaction"] is not None]
    impact_seen = [r["impact_rating"] for r in rows if r["impact_rating"] is not None]
    return {"programme_id": programme.id, "title": programme.title, "hours": programme.hours,
            "participants": people, "completions": len(rows), "total_cost": total,
            "cost_per_participant": (total / people).quantize(Decimal("0.01")) if people else None,
            "average_satisfaction": mean(satisfaction), "satisfaction_ratings": len(satisfaction),
            "average_impact": mean(impact_seen), "impact_ratings": len(impact_seen),
            "linked_to_appraisal": sum(1 for r in rows if r["linked_to_appraisal"]),
            "rows": rows}


# One row per completion: "Cost of the place" is that place's, not the report's cost per participant (a person who
# completed the programme twice has two rows and two places).
CSV_HEADINGS = ["Participant", "Academy", "Completed", "Satisfaction", "What they will change", "Impact seen",
                "What the line manager saw", "Cost of the place", "Linked to appraisal"]


def report_csv_rows(report: dict) -> list[list]:
    """The report as spreadsheet rows (staffroom_shared.spreadsheet makes them safe against formulas)."""
    def day(d):
        return f"{d.day} {d:%B %Y}" if d else ""
    return [CSV_HEADINGS] + [[r["staff_name"] or "", r["academy_name"] or "", day(r["completed_on"]),
                              r["satisfaction_words"] or "", r["intent"] or "", r["impact_words"] or "",
                              r["impact_seen"] or "", f"{r['cost']:.2f}", "Yes" if r["linked_to_appraisal"] else "No"]
                             for r in report["rows"]]
