"""Statutory induction use cases: HR registers an ECT, gives the academy's term dates, assigns tutor and mentor,
records absence, working patterns, the appropriate body's decision and leaving; the tutor records the timetable,
progress reviews and formal assessments; the tutor, headteacher and ECT sign. Reads for the ECT, mentor, tutor and
HR, and the appropriate body's export. The schedule is worked out from the rules on every read (docs/cpd.md)."""
from __future__ import annotations

import uuid
from datetime import date
from fractions import Fraction

from staffroom_shared.authz import can_manage_academy, require
from staffroom_shared.principal import Principal

from ..adapters.enrolments import EnrolmentFilter
from ..domain.catalogue import ProgrammeKind
from ..domain.ects import (
    DUE_SOON_DAYS, SIGNERS, STANDARDS, EctInduction, InductionAbsence, ProgrammeType, fraction, schedule_item,
)
from ..domain.errors import CpdError
from ..domain.induction import (
    Decision, Induction, ItemKind, Leave, SupportPlan, Term, TermCalendar, final_deadlines, report_deadline,
)
from .access import hr_scope
from .errors import missing, rule_broken
from .unit_of_work import CpdReads, CpdUnitOfWork

_WHO = {"ect": "ECT", "tutor": "induction tutor", "mentor": "mentor", "hr": "academy's HR or headteacher"}
MENTOR_TRAINING_SHOWN = 100  # a mentor's own mentor training: more than a career's worth


def relation(principal: Principal, ect: EctInduction) -> set[str]:
    """The caller's relations to an induction: any of 'ect', 'tutor', 'mentor', 'hr' (academy HR, who also sign
    for the headteacher; trust HR)."""
    me, found = principal.staff_id, set()
    if me is not None and me == ect.staff_id:
        found.add("ect")
    if me is not None and me == ect.tutor_id:
        found.add("tutor")
    if me is not None and me == ect.mentor_id and ect.status.open:  # once ended, its outcome is not theirs (O10)
        found.add("mentor")
    if can_manage_academy(principal, ect.academy_id) and "ect" not in found:
        found.add("hr")
    return found


def _require(found: set[str], *allowed: str, doing: str) -> None:
    if not found:  # a stranger learns nothing, not even that there is an induction
        raise missing("induction")
    require(bool(found.intersection(allowed)), f"only the {' or '.join(_WHO[a] for a in allowed)} can {doing}")


def _calendar(uow, academy_id: uuid.UUID) -> TermCalendar:
    calendar = uow.inductions.calendar(academy_id)
    if calendar is None:
        raise rule_broken(CpdError("the academy has not given its term dates yet: HR gives them first, as induction "
                                   "is counted in the academy's own terms"))
    return calendar


def _induction(uow, principal: Principal, induction_id: uuid.UUID, *allowed: str, doing: str,
               ) -> tuple[EctInduction, set[str]]:
    ect = uow.inductions.get(induction_id, for_update=True)
    found = set() if ect is None else relation(principal, ect)
    _require(found, *allowed, doing=doing)
    return ect, found


def _colleague(uow, staff_id: uuid.UUID | None, what: str) -> None:
    if staff_id is not None and uow.staff.person(staff_id) is None:
        raise rule_broken(CpdError(f"the {what} chosen is not a member of staff in the trust; choose them again"))


# -- HR ------------------------------------------------------------------------------------------------------

def set_term_dates(uow: CpdUnitOfWork, principal: Principal, academy_id: uuid.UUID, terms: list[dict]) -> None:
    """HR give the academy's own term dates (each academy its own: reg 7(1) fixes none). The inductions serving
    there are checked against them: dates that no longer reach an ECT's completion are refused."""
    require(can_manage_academy(principal, academy_id), "only the academy's HR or trust HR give its term dates")
    try:
        calendar = TermCalendar([Term(t["school_year"], t["number"], t["starts_on"], t["ends_on"],
                                      tuple((b["starts_on"], b["ends_on"]) for b in t.get("breaks", ())))
                                 for t in terms])
    except CpdError as exc:
        raise rule_broken(exc) from None
    with uow:
        for ect in uow.inductions.using_calendar(academy_id):
            try:
                ect.rules(calendar)
            except CpdError as exc:
                raise rule_broken(CpdError(f"these term dates do not fit an induction already recorded: {exc}")
                                  ) from None
        uow.inductions.save_calendar(academy_id, calendar)
        uow.audit("induction.term_dates_set", "academy", academy_id, {"terms": len(calendar.terms)})
        uow.commit()


def term_dates(reads: CpdReads, principal: Principal, academy_id: uuid.UUID) -> list[dict]:
    require(can_manage_academy(principal, academy_id) or principal.academy_id == academy_id,
            "the academy's term dates are for its staff")
    calendar = reads.inductions.calendar(academy_id)
    return [] if calendar is None else [
        {"school_year": t.school_year, "number": t.number, "name": t.name, "starts_on": t.starts, "ends_on": t.ends,
         "breaks": [{"starts_on": a, "ends_on": b} for a, b in t.breaks]} for t in calendar.terms]


def register(uow: CpdUnitOfWork, principal: Principal, data: dict, today: date | None = None) -> uuid.UUID:
    """HR register an ECT: QTS date, start, FTE, appropriate body, programme and provider, tutor and mentor.
    Publishes cpd.induction_started."""
    today = today or date.today()
    academy_id = data["academy_id"]
    require(can_manage_academy(principal, academy_id), "only the academy's HR or trust HR register its ECTs")
    with uow:
        person = uow.staff.person(data["staff_id"])
        if person is None or person.academy_id != academy_id:
            raise rule_broken(CpdError("the ECT chosen is not on the academy's staff; choose them again"))
        _colleague(uow, data.get("tutor_id"), "induction tutor")
        _colleague(uow, data.get("mentor_id"), "mentor")
        if uow.inductions.of_staff(person.staff_id) is not None:
            raise rule_broken(CpdError("this ECT's induction is already registered: a teacher serves one induction "
                                       "(reg 9); open it to change it"))
        calendar = _calendar(uow, academy_id)
        school = uow.catalogue.academy_names().get(academy_id) or "the academy"
        try:
            ect = EctInduction.register(
                staff_id=person.staff_id, academy_id=academy_id, school=school, qts_on=data["qts_on"],
                starts_on=data["starts_on"], fte=data["fte"], appropriate_body=data["appropriate_body"],
                programme_type=ProgrammeType(data["programme_type"]), calendar=calendar, on=today,
                lead_provider=data.get("lead_provider"), delivery_partner=data.get("delivery_partner"),
                tutor_id=data.get("tutor_id"), mentor_id=data.get("mentor_id"),
                served_elsewhere=data.get("served_elsewhere") or 0, reduced_to=data.get("reduced_to"),
                trn=data.get("trn"), date_of_birth=data.get("date_of_birth"))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.inductions.add(ect)
        uow.audit("induction.registered", "induction", ect.id, {
            "staff_id": ect.staff_id, "starts_on": ect.starts_on, "appropriate_body": ect.appropriate_body,
            "tutor_id": ect.tutor_id, "mentor_id": ect.mentor_id})
        uow.commit()
        return ect.id


def assign(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, tutor_id, mentor_id,
           today: date | None = None) -> None:
    """HR name or change the tutor and mentor; a change publishes cpd.induction_people_assigned."""
    today = today or date.today()
    with uow:
        ect, _ = _induction(uow, principal, induction_id, "hr", doing="assign the tutor and mentor")
        _colleague(uow, tutor_id, "induction tutor")
        _colleague(uow, mentor_id, "mentor")
        before = (ect.tutor_id, ect.mentor_id)
        try:
            ect.assign(tutor_id, mentor_id, today)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.assigned", "induction", ect.id, {"tutor_id": [before[0], tutor_id],
                                                              "mentor_id": [before[1], mentor_id]})
        uow.commit()


def record_absence(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, data: dict) -> None:
    with uow:
        ect, _ = _induction(uow, principal, induction_id, "hr", doing="record absence")
        try:
            ect.add_absence(InductionAbsence(ect.id, data["starts_on"], data["ends_on"], Leave(data["leave"]),
                                             data.get("days"), data.get("extend", False)),
                            _calendar(uow, ect.academy_id))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.absence_recorded", "induction", ect.id, {
            "starts_on": data["starts_on"], "ends_on": data["ends_on"], "leave": data["leave"]})
        uow.commit()


def change_post(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, data: dict) -> None:
    with uow:
        ect, _ = _induction(uow, principal, induction_id, "hr", doing="change the working pattern")
        try:
            ect.change_fte(data["school"], data["starts_on"], data["fte"], _calendar(uow, ect.academy_id))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.post_changed", "induction", ect.id, {
            "school": data["school"], "starts_on": data["starts_on"], "fte": str(fraction(data["fte"]))})
        uow.commit()


def record_decision(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, data: dict) -> None:
    """The appropriate body's decision, as HR receive it; pass or fail publishes cpd.induction_ended."""
    with uow:
        ect, _ = _induction(uow, principal, induction_id, "hr", doing="record the appropriate body's decision")
        try:
            ect.decide(Decision(data["decision"]), data["decided_on"], _calendar(uow, ect.academy_id),
                       data.get("extension_terms"))
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.decided", "induction", ect.id, {"decision": data["decision"],
                                                             "decided_on": data["decided_on"]})
        uow.commit()


def record_leaving(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, left_on: date) -> None:
    """The ECT left before completing; publishes cpd.induction_ended (left)."""
    with uow:
        ect, _ = _induction(uow, principal, induction_id, "hr", doing="record that the ECT left")
        try:
            ect.leave(left_on)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.left", "induction", ect.id, {"left_on": left_on})
        uow.commit()


# -- the tutor, the head, the ECT ------------------------------------------------------------------------------

def record_timetable(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, school_year: int,
                     term_number: int, percent, today: date | None = None) -> None:
    """The share of a full timetable the ECT teaches in a term, recorded or corrected at any time while induction
    is served: by the tutor, or by HR, who set the timetable and register the ECT (issue 25)."""
    today = today or date.today()
    with uow:
        ect, found = _induction(uow, principal, induction_id, "tutor", "hr", doing="record the timetable")
        try:
            record = ect.record_timetable(principal.staff_id, school_year, term_number, percent,
                                          _calendar(uow, ect.academy_id), today, as_hr="tutor" not in found)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.timetable_recorded", "induction", ect.id, {
            "school_year": school_year, "term": term_number, "percent": str(record.percent)})
        uow.commit()


def record_review(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, data: dict,
                  today: date | None = None) -> uuid.UUID:
    """The tutor records a progress review or formal assessment the schedule gives; "not making satisfactory
    progress" at a progress review starts the support plan given with it and publishes
    cpd.induction_support_plan_started."""
    today = today or date.today()
    with uow:
        ect, _ = _induction(uow, principal, induction_id, "tutor", doing="record progress reviews and assessments")
        plan = data.get("support_plan")
        try:
            rules = ect.rules(_calendar(uow, ect.academy_id))
            item = schedule_item(rules, data["school_year"], data["term_number"], ItemKind[data["kind"].upper()])
            support = None if not plan else SupportPlan(
                tuple(plan["areas_to_improve"]), tuple(plan["objectives"]), tuple(plan["support"]), plan["evidence"],
                plan.get("next_period_plan", ""), plan.get("consequences_explained", False))
            review = ect.record_review(principal.staff_id, item, data["held_on"], data["outcome"], data["standards"],
                                       data.get("next_steps", ""), today, support)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.review_recorded", "induction", ect.id, {
            "review_id": review.id, "kind": review.kind.value, "held_on": review.held_on,
            "outcome": review.outcome, "support_plan": bool(ect.support_plans and
                                                           ect.support_plans[-1].review_id == review.id)})
        uow.commit()
        return review.id


def sign(uow: CpdUnitOfWork, principal: Principal, induction_id: uuid.UUID, review_id: uuid.UUID, as_: str,
         comments: str | None, today: date | None = None) -> None:
    """Sign a review or assessment: the tutor as tutor, academy HR for the headteacher, the ECT (with comments)."""
    today = today or date.today()
    allowed = {"tutor": ("tutor",), "head": ("hr",), "ect": ("ect",)}.get(as_, ("ect", "tutor", "hr"))
    with uow:
        ect, found = _induction(uow, principal, induction_id, *allowed,
                                doing=f"sign as the {SIGNERS.get(as_, 'signer')}")
        review = ect.review(review_id)
        if review is None:
            raise missing("review")
        try:
            ect.sign(review, as_, principal.staff_id, today, comments)
        except CpdError as exc:
            raise rule_broken(exc) from None
        uow.audit("induction.review_signed", "induction", ect.id, {"review_id": review.id, "as": as_})
        uow.commit()


# -- the daily job ---------------------------------------------------------------------------------------------

def announce_due(uow: CpdUnitOfWork, today: date, due_soon_days: int = DUE_SOON_DAYS) -> int:
    """For the daily job, inside its unit of work: each serving ECT's reviews and assessments due within
    `due_soon_days`, or overdue, are announced once per item and stage (cpd.induction_item_due), from the schedule
    the rules give on the academy's term dates. Returns how many."""
    calendars: dict = {}
    count = 0
    for ect in uow.inductions.serving_for_update():
        if ect.academy_id not in calendars:
            calendars[ect.academy_id] = uow.inductions.calendar(ect.academy_id)
        if calendars[ect.academy_id] is not None:
            count += ect.announce_due(calendars[ect.academy_id], today, due_soon_days)
    return count


# -- reading -------------------------------------------------------------------------------------------------

def visible(reads: CpdReads, principal: Principal, induction_id: uuid.UUID, today: date | None = None) -> dict:
    ect = reads.inductions.get(induction_id)
    found = set() if ect is None else relation(principal, ect)
    _require(found, "ect", "tutor", "mentor", "hr", doing="see this induction")
    return view(reads, ect, found, today or date.today())


def _schedule(summary: dict, ect: EctInduction, today: date) -> list[dict]:
    """The summary's reviews and assessments, dated, each overdue if not held by its due date while induction is
    served: the only part of a list that changes with the day."""
    out = []
    for item in summary["schedule"]:
        due = date.fromisoformat(item["due_on"])
        starts = item.get("term_starts_on")  # summaries kept before migration 0010 lack it until made again
        out.append({**item, "due_on": due, "report_by": _date(item["report_by"]), "held_on": _date(item["held_on"]),
                    "term_starts_on": _date(starts),
                    "review_id": uuid.UUID(item["review_id"]) if item["review_id"] else None,
                    "overdue": item["review_id"] is None and ect.status.open and due < today})
    return out


def _date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _entitlement(rules: Induction | None, ect: EctInduction, today: date) -> list[dict]:
    """The reduced timetable each term so far and the next: the most the ECT may teach and what was recorded."""
    if rules is None:
        return []
    recorded = {(t.school_year, t.term_number): t.percent for t in ect.timetable}
    out = []
    for term in rules.calendar.after(rules.calendar.term_of(max(rules.starts, rules.calendar.terms[0].starts))):
        if term.starts > max(today, rules.starts) and out:
            break
        try:
            cap = rules.timetable_cap(term, Fraction(100))
        except CpdError:
            continue  # no post that term
        taught = recorded.get((term.school_year, term.number))
        out.append({"term": term.name, "school_year": term.school_year, "term_number": term.number,
                    "most_percent": float(cap), "taught_percent": None if taught is None else float(taught),
                    "gives_reduction": None if taught is None else taught <= cap})
        if rules.completes() <= term.ends:
            break
    return out


def view(reads, ect: EctInduction, found: set[str], today: date) -> dict:
    calendar = reads.inductions.calendar(ect.academy_id)
    summary = ect.summary_of(calendar)  # worked out afresh: one induction's page
    problem = summary["problem"]
    rules = None if problem else ect.rules(calendar)
    names = reads.staff.names([ect.staff_id, ect.tutor_id, ect.mentor_id])
    schedule = _schedule(summary, ect, today)
    notes = bool(found & {"ect", "tutor", "hr"})  # mentors do not assess, so do not read assessments [S1 2.55]
    out = {
        "id": ect.id, "staff_id": ect.staff_id, "staff_name": names.get(ect.staff_id), "academy_id": ect.academy_id,
        "qts_on": ect.qts_on, "starts_on": ect.starts_on, "appropriate_body": ect.appropriate_body,
        "programme_type": ect.programme_type.value, "lead_provider": ect.lead_provider,
        "delivery_partner": ect.delivery_partner, "tutor_id": ect.tutor_id, "tutor_name": names.get(ect.tutor_id),
        "mentor_id": ect.mentor_id, "mentor_name": names.get(ect.mentor_id), "status": ect.status.value,
        # the appropriate body's outcome, an extension included, is an assessment's: not the mentor's (outsider O10)
        "decision": ect.decision.value if ect.decision and notes else None,
        "decided_on": ect.decided_on if notes else None,
        "ended_on": ect.ended_on, "schedule_problem": problem,
        "served_terms": float(rules.served_terms(min(today, rules.completes()))) if rules else None,
        "required_terms": float(rules.required_terms()) if rules else None,
        "first_year_ends": rules.first_year_ends() if rules and rules.required_terms() > 3 else None,
        "completes": rules.completes() if rules else None,
        "schedule": schedule,
        "final_assessment": _final(rules, ect),
        "next_due": next((s for s in schedule if s["review_id"] is None), None),
        "overdue": [s for s in schedule if s["overdue"]],
        "entitlement": _entitlement(rules, ect, today),
        "posts": [{"school": p.school, "starts_on": p.starts_on, "ends_on": p.ends_on, "fte": float(p.fte)}
                  for p in ect.posts],
        "absences": [{"starts_on": a.starts_on, "ends_on": a.ends_on, "leave": a.leave.value, "days": a.days,
                      "extend": a.extend} for a in ect.absences] if notes else [],
        "extensions": [{"terms": float(e.terms), "decided_on": e.decided_on} for e in ect.extensions] if notes else [],
        "reviews": [_review(r, notes) for r in ect.reviews],
        "support_plans": [_plan(p) for p in ect.support_plans] if notes else [],
        "may": sorted(found),
    }
    if notes:  # personal data for the appropriate body's record: not the mentor's (outsider F9)
        out.update(trn=ect.trn, date_of_birth=ect.date_of_birth)
    return out


def _final(rules: Induction | None, ect: EctInduction) -> dict | None:
    """The final formal assessment's deadlines: due on the completion date; its report at the appropriate body
    within 10 working days of the meeting (None until it is held) [S1 2.61]; the head's recommendation within 10
    of completion [reg 11(3)]."""
    if rules is None:
        return None
    held = next((r for r in ect.reviews if r.kind is ItemKind.FINAL_FORMAL_ASSESSMENT), None)
    completes = rules.completes()
    deadlines = final_deadlines(completes, held.held_on if held else None)
    return {"due_on": completes, "held_on": held.held_on if held else None,
            "report_by": deadlines.report_to_appropriate_body, "recommendation_by": deadlines.recommendation}


def _review(r, notes: bool) -> dict:
    out = {"id": r.id, "kind": r.kind.name.lower(), "kind_words": r.kind.value, "school_year": r.school_year,
           "term_number": r.term_number, "due_on": r.due_on, "report_by": report_deadline(r.kind, r.held_on),
           "held_on": r.held_on,
           "tutor_signed_on": r.tutor_signed_on, "head_signed_on": r.head_signed_on, "ect_signed_on": r.ect_signed_on}
    if notes:
        out.update(outcome=r.outcome, standards=[{"standard": k, "name": STANDARDS[k], "notes": v}
                                                 for k, v in r.standards.items()],
                   next_steps=r.next_steps, ect_comments=r.ect_comments)
    return out


def _plan(p) -> dict:
    return {n: getattr(p, n) for n in ("id", "review_id", "started_on", "areas_to_improve", "objectives", "support",
                                       "evidence", "next_period_plan", "consequences_explained",
                                       "after_first_assessment")}


def mine(reads: CpdReads, principal: Principal, today: date | None = None) -> dict:
    ect = reads.inductions.of_staff(principal.staff_id) if principal.staff_id else None
    if ect is None:
        raise missing("induction")
    return view(reads, ect, {"ect"}, today or date.today())


def _summaries(reads, ects: list[EctInduction], today: date) -> list[dict]:
    """A list's rows: each ECT with their tutor and mentor, when induction completes, what is due next and anything
    overdue. Each academy's term dates and everyone's names are read once for the whole list (they were read once
    per ECT: 27 statements for a tutor's 10, bench (l)), and each one's summary stands in for its schedule."""
    calendars = {a: reads.inductions.calendar(a) for a in {e.academy_id for e in ects}}
    names = reads.staff.names([p for e in ects for p in (e.staff_id, e.tutor_id, e.mentor_id)])
    this_term = _this_terms(reads, ects, calendars, today)
    rows = []
    for ect in ects:
        summary = ect.summary if ect.summary is not None else ect.summary_of(calendars[ect.academy_id])
        schedule = _schedule(summary, ect, today)
        rows.append({"id": ect.id, "staff_id": ect.staff_id, "staff_name": names.get(ect.staff_id),
                     "academy_id": ect.academy_id, "starts_on": ect.starts_on, "status": ect.status.value,
                     "tutor_name": names.get(ect.tutor_id), "mentor_name": names.get(ect.mentor_id),
                     "completes": _date(summary["completes"]),
                     "next_due": next((s for s in schedule if s["review_id"] is None), None),
                     "overdue": [s for s in schedule if s["overdue"]], "schedule_problem": summary["problem"],
                     "this_term": this_term.get(ect.id)})
    return rows


def _this_terms(reads, ects: list[EctInduction], calendars: dict, today: date) -> dict:
    """Each serving ECT's timetable this term (the academy's term today; a holiday is the term just ended): the
    share of a full timetable recorded, or None when not recorded yet (the tutor's dashboard, issue 25). One
    statement per academy's term, not one per ECT."""
    terms: dict = {}
    for ect in ects:
        calendar = calendars.get(ect.academy_id)
        if ect.status.open and calendar is not None and ect.starts_on <= today:
            try:
                term = calendar.term_of(today)
            except CpdError:
                continue  # today is outside the academy's term dates: no term to speak of
            terms.setdefault((term.school_year, term.number, term), []).append(ect.id)
    out = {}
    for (year, number, term), ids in terms.items():
        taught = reads.inductions.timetables_in(ids, year, number)
        for ect_id in ids:
            percent = taught.get(ect_id)
            out[ect_id] = {"term": term.name, "term_starts_on": term.starts, "school_year": year,
                           "term_number": number, "taught_percent": None if percent is None else float(percent)}
    return out


def mentees(reads: CpdReads, principal: Principal, today: date | None = None) -> list[dict]:
    if principal.staff_id is None:
        return []
    return _summaries(reads, reads.inductions.mentored_by(principal.staff_id), today or date.today())


def tutor_dashboard(reads: CpdReads, principal: Principal, today: date | None = None) -> list[dict]:
    """The tutor's ECTs, each with what is due next and anything overdue; the most overdue first."""
    if principal.staff_id is None:
        return []
    rows = _summaries(reads, reads.inductions.tutored_by(principal.staff_id), today or date.today())
    return sorted(rows, key=lambda r: (-len(r["overdue"]), r["next_due"]["due_on"] if r["next_due"] else date.max))


def mentor_training(reads: CpdReads, principal: Principal) -> list[dict]:
    """The caller's own enrolments on mentor training (programmes of the catalogue's kind "mentor_training"), for the
    mentor's page: issue 25, "Mentors: see their mentees, and their own mentor training (from CPD)". Newest first."""
    if principal.staff_id is None:
        return []
    mine, _ = reads.enrolments.find(EnrolmentFilter(staff_id=principal.staff_id), page=1,
                                    page_size=MENTOR_TRAINING_SHOWN)
    programmes = {pid: reads.catalogue.programme(pid) for pid in {e.programme_id for e in mine}}
    out = []
    for e in mine:
        programme = programmes[e.programme_id]
        if programme is None or programme.kind is not ProgrammeKind.MENTOR_TRAINING:
            continue
        cohort = reads.catalogue.cohort(e.cohort_id)
        out.append({"enrolment_id": e.id, "programme_id": programme.id, "title": programme.title,
                    "provider": programme.provider, "status": e.status.value,
                    "starts_on": cohort.starts_on if cohort else None, "completed_on": e.completed_on})
    return out


def hr_list(reads: CpdReads, principal: Principal, academy_id: uuid.UUID | None = None,
            today: date | None = None) -> list[dict]:
    scope = hr_scope(principal, "the list of ECTs")
    if scope is not None:
        scope = list(scope)
    return _summaries(reads, reads.inductions.in_academies(scope, academy_id=academy_id), today or date.today())


# -- the appropriate body's export ------------------------------------------------------------------------------

CSV_HEADINGS = ["ECT", "Teacher reference number", "Date of birth", "Appropriate body", "Induction start", "Meeting",
                "Term", "Due", "Held", "Outcome",
                "Teachers' Standards", "Next steps", "ECT's comments", "Signed by tutor", "Signed by headteacher",
                "Signed by ECT", "Report due at the appropriate body"]


def _day(d: date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else ""


def export_rows(record: dict) -> list[list]:
    """One row per review or assessment held, in the order held (staffroom_shared.spreadsheet makes it safe)."""
    terms = {(s["school_year"], s["term_number"]): s["term"] for s in record["schedule"]}
    rows = [CSV_HEADINGS]
    for r in record["reviews"]:
        rows.append([record["staff_name"] or "", record.get("trn") or "", _day(record.get("date_of_birth")),
                     record["appropriate_body"], _day(record["starts_on"]),
                     r["kind_words"].capitalize(), terms.get((r["school_year"], r["term_number"]), ""),
                     _day(r["due_on"]), _day(r["held_on"]), r.get("outcome", ""),
                     "\n".join(f"{s['standard']}: {s['notes']}" for s in r.get("standards", [])),
                     r.get("next_steps") or "", r.get("ect_comments") or "", _day(r["tutor_signed_on"]),
                     _day(r["head_signed_on"]), _day(r["ect_signed_on"]), _day(r["report_by"])])
    return rows


def for_export(reads: CpdReads, principal: Principal, induction_id: uuid.UUID) -> dict:
    """The record for the appropriate body: the ECT, their tutor and HR (not the mentor: no notes)."""
    ect = reads.inductions.get(induction_id)
    found = set() if ect is None else relation(principal, ect)
    _require(found, "ect", "tutor", "hr", doing="export the reviews and assessments")
    return view(reads, ect, found, date.today())


