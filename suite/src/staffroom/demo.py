"""Demo data for the embedded run beyond the directory's: this school year's appraisal cycles, opened, with the
trust's priorities they serve, observation templates, QA rounds and recognition between colleagues; a small CPD
catalogue with some of its impact recorded; statutory induction (an academy's term dates, two early career teachers
with the demo's line manager as their induction tutor and its member of staff as their mentor); and wellbeing surveys
(one closed with results, one open)."""
from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from staffroom_shared.context import ServiceContext
from staffroom_shared.principal import Principal

log = logging.getLogger("staffroom.demo")
SEED_PRINCIPAL = Principal(staff_id=None, roles=frozenset({"trust_hr", "service"}), academy_id=None,
                           subject="demo-seed")
DEMO_TEMPLATES = ("teachers", "support")
UK = ZoneInfo("Europe/London")


def school_year(today: date) -> int:
    """The calendar year the current school year began in (2026 for 2026/27); it turns on 1 September."""
    return today.year if today.month >= 9 else today.year - 1


def staff_counts(directory: ServiceContext, appraisal: ServiceContext) -> tuple[int, int]:
    """(members of staff in the directory, members in appraisal's copy of it)."""
    def count(context: ServiceContext) -> int:
        table = context.metadata.tables["staff"]
        with context.engine.execution_options(staffroom_readonly=True).connect() as conn:
            return conn.scalar(select(func.count()).select_from(table))

    return count(directory), count(appraisal)


def wait_for_staff_copy(directory: ServiceContext, appraisal: ServiceContext, *, timeout: float = 60.0,
                        poll: float = 0.2) -> bool:
    """Wait (bounded) until appraisal's copy of the directory has caught up through the bus.

    Not waiting would not lose anyone: a member of staff who reaches appraisal after a cycle opened
    gets an appraisal as a joiner. Waiting makes the demo's cycles open complete, in one go.
    """
    deadline = time.monotonic() + timeout
    while True:
        in_directory, in_copy = staff_counts(directory, appraisal)
        if in_copy >= in_directory:
            return True
        if time.monotonic() >= deadline:
            log.warning("a staff copy has %s of the directory's %s members of staff after %.0fs; "
                        "seeding anyway (the rest join as they arrive)", in_copy, in_directory, timeout)
            return False
        time.sleep(poll)


def seed_appraisal(directory: ServiceContext, appraisal: ServiceContext, *, today: date | None = None,
                   timeout: float = 60.0) -> dict:
    """Create and open this school year's trust-wide teachers and support cycles, once.

    Run again, it finds them: an open cycle is left alone, a draft one (an earlier run stopped half-way)
    is opened.
    """
    from appraisal.domain.model import CycleStatus
    from appraisal.service.cycles import create_cycle, open_cycle

    today = today or date.today()
    year = school_year(today)
    caught_up = wait_for_staff_copy(directory, appraisal, timeout=timeout)
    # Before the cycles' objectives are written, so some of them can serve a priority (only drafts may be linked).
    priorities = seed_priorities(directory, appraisal, today=today)
    if priorities["seeded"]:
        log.info("seeded the demo priorities: %s", priorities["seeded"])
    with appraisal.uow() as uow:
        existing = {(c.name, c.academy_id): (c.id, c.status) for c in uow.cycles.list()}
    opened = []
    for template in DEMO_TEMPLATES:
        name = f"{year}/{(year + 1) % 100:02d} {template}"
        cycle_id, status = existing.get((name, None), (None, None))
        if cycle_id is None:
            cycle_id = create_cycle(appraisal.uow(actor="demo-seed"), SEED_PRINCIPAL, {
                "name": name, "template": template, "academy_id": None, **demo_key_dates(today)}).id
            status = CycleStatus.DRAFT
        if status == CycleStatus.DRAFT:
            cycle = open_cycle(appraisal.uow(actor="demo-seed"), SEED_PRINCIPAL, cycle_id, today=today)
            opened.append(name)
            log.info("opened the demo cycle %s: %s appraisals", name, cycle.appraisal_count)
            progress = seed_progress(appraisal, cycle_id, demo_people_ids(directory), today,
                                     serves=priority_links(appraisal, today))
            log.info("the demo cycle %s is under way: %s", name, progress)
    return {"opened": opened, "caught_up": caught_up}


def demo_people_ids(directory: ServiceContext) -> set:
    """The people the sign-in page offers: their own appraisals are left at the start, for them to work through
    (the member of staff's with the line manager, who appraises them)."""
    from directory import demo

    return {p["staff_id"] for p in demo.demo_people(directory.uow())}


DEMO_OBJECTIVES = {  # template: (title, type, objective, success criteria, Teachers' Standards)
    "teachers": [("Reading across the curriculum", "pupil_outcomes",
                  "By July, pupils in my classes read aloud and discuss a subject text every week.",
                  "Book looks and pupil voice each term show weekly reading.", ["TS3", "TS4"]),
                 ("Questioning that checks understanding", "professional_practice",
                  "Use hinge questions in every lesson to check understanding before moving on.",
                  "Two observations in the year see hinge questions used well.", ["TS6"])],
    "support": [("Smoother school office", "professional_practice",
                 "By Easter, move visitor sign-in and late marks to the new system.",
                 "No paper sign-in after Easter; late marks entered the same day.", []),
                ("First aid at work", "wellbeing", "Complete the first aid at work course and refresher.",
                 "Certificate on file by the summer term.", [])],
}


def seed_progress(appraisal: ServiceContext, cycle_id, keep: set, today: date, *, seed: int = 20,
                  serves: dict | None = None) -> dict:
    """A trust part-way through the year: most objectives agreed on time, some late, some still drafts or not
    started (overdue), and a quarter of those agreed already through the mid-year review, whose window is open.
    Each step is the appraisal service's own command as the reviewee or appraiser, dated on the day they did it,
    so every figure (targets, completion, overdue) follows from the events as it would in a real trust.
    `serves` ((objective title, academy) or (title, None) -> priority id): the priority each demo objective serves,
    the academy's own before the trust's, so the priorities' roll-up has figures."""
    import random

    from appraisal.domain.model import Stage
    from appraisal.service import appraisals as steps
    from appraisal.service.appraisals import dates_of

    chance = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
    with appraisal.uow() as uow:
        found = uow.appraisals.in_progress(cycle_id)
        todo = [(a.id, a.reviewee_id, a.appraiser_id, a.academy_id, a.template.value, dates_of(uow, a))
                for a in sorted(found, key=lambda a: str(a.id))
                if a.appraiser_id is not None and a.reviewee_id not in keep]
    counts = {"agreed_on_time": 0, "agreed_late": 0, "drafted": 0, "not_started": 0, "mid_year_reviewed": 0}
    for appraisal_id, reviewee_id, appraiser_id, academy_id, template, dates in todo:
        roll = chance.random()
        if roll < 0.07:
            counts["not_started"] += 1
            continue
        reviewee, appraiser = (Principal(staff_id=staff_id, roles=frozenset({"staff"}), academy_id=academy_id,
                                         subject=str(staff_id)) for staff_id in (reviewee_id, appraiser_id))
        objectives = []
        for title, kind, text, criteria, standards in DEMO_OBJECTIVES.get(template, DEMO_OBJECTIVES["support"]):
            objectives.append(steps.add_objective(appraisal.uow(actor=str(appraiser_id)), appraiser, appraisal_id, {
                "title": title, "type": kind, "description": text, "success_criteria": criteria,
                "standards": standards if template == "teachers" else [], "job_areas": [], "priorities": [],
                "priority_id": (serves or {}).get((title, academy_id), (serves or {}).get((title, None)))}).id)
        if roll < 0.15 or dates.objectives_due > today:
            counts["drafted"] += 1
            continue
        late = roll < 0.30
        agreed_on = (dates.objectives_due + timedelta(days=chance.randint(1, max((today - dates.objectives_due).days, 1)))
                     if late else dates.objectives_due - timedelta(days=chance.randint(0, 20)))
        agreed_on = min(agreed_on, today)
        for who, by in ((appraiser, appraiser_id), (reviewee, reviewee_id)):
            steps.agree_objectives(appraisal.uow(actor=str(by)), who, appraisal_id, today=agreed_on)
        counts["agreed_late" if late else "agreed_on_time"] += 1
        if chance.random() < 0.25 and dates.mid_year_opens_on <= today:
            # after the objectives it reviews (outsider, issue 20: one held five days before they were agreed)
            held = max(dates.mid_year_opens_on, today - timedelta(days=chance.randint(0, 20)), agreed_on)
            steps.complete_review(appraisal.uow(actor=str(appraiser_id)), appraiser, appraisal_id, Stage.MID_YEAR, {
                "assessments": {str(o): {"rating": "met", "comment": "On track."} for o in objectives},
                "overall_outcome": chance.choice(("meets_expectations", "meets_expectations", "exceeds_expectations")),
                "summary": "A good first half of the year."}, today=held)
            counts["mid_year_reviewed"] += 1
    return counts


def demo_key_dates(today: date) -> dict[str, date]:
    """A cycle dated around today, whatever day the demo is run: objectives were due some weeks ago, the mid-year
    review is due in three weeks (its window open, so a line manager can hold one), the end-of-year review in the
    summer's place. A demo run on 1 September would otherwise show a cycle with nothing yet to do."""
    starts_on = today - timedelta(days=100)
    return {"starts_on": starts_on, "objectives_due": starts_on + timedelta(days=60),
            "mid_year_due": today + timedelta(days=21), "end_of_year_due": today + timedelta(days=157),
            "ends_on": today + timedelta(days=204)}


# -- CPD: a small catalogue, seeded before CPD's consumer starts so the demo staff's staff.joined events
# find the trust's induction (and the ECT induction for the demo's early career teachers).

DEMO_CATALOGUE = [  # programme, then its cohort: (name, months from the school year's September, length in days, places)
    ({"title": "Oak Trust induction for new staff", "kind": "staff_induction", "provider": "Oak Trust",
      "delivery_mode": "blended", "cost": "0.00", "duration": "3 sessions in the first half-term",
      "requires_approval": False, "tags": ["induction", "safeguarding"],
      "description": "Who we are, how we work, safeguarding and the systems every new colleague needs."},
     ("Autumn 1 starters", 0, 40, 60)),
    ({"title": "Early Career Framework induction", "kind": "ect_induction", "provider": "Ambition Institute",
      "delivery_mode": "blended", "cost": "0.00", "duration": "2 years", "requires_approval": False,
      "tags": ["Teachers' Standards", "ECT"],
      "description": "The statutory two-year induction for early career teachers, with a mentor and an induction tutor."},
     ("ECF year 1", 0, 300, 30)),
    ({"title": "Running appraisals well", "kind": "appraisal_training", "provider": "Oak Trust HR",
      "delivery_mode": "online", "cost": "0.00", "duration": "2 twilight sessions", "requires_approval": False,
      "tags": ["appraisal", "line management"],
      "description": "For line managers, before they run appraisals: objectives, evidence, fair reviews."},
     ("Autumn twilights", 0, 14, 40)),
    ({"title": "NPQ in Senior Leadership", "kind": "npq", "npq": "NPQSL", "provider": "Best Practice Network",
      "delivery_mode": "blended", "cost": "2450.00", "duration": "18 months", "tags": ["leadership", "senior"],
      "description": "The national professional qualification for senior leaders."},
     ("Spring cohort", 4, 540, 20)),
    ({"title": "Middle leadership programme", "kind": "middle_leadership", "provider": "Oak Trust Teaching School Hub",
      "delivery_mode": "in_person", "cost": "650.00", "duration": "6 days over the year",
      "tags": ["leadership", "middle"], "description": "For new heads of department, phase and year leaders."},
     ("2026 cohort", 1, 270, 24)),
    ({"title": "Teaching Assistant Level 3 apprenticeship", "kind": "apprenticeship", "provider": "Oak College",
      "delivery_mode": "blended", "cost": "5000.00", "duration": "18 months", "levy_funded": True,
      "off_the_job_percent": 20, "tags": ["support staff", "apprenticeship"],
      "description": "Levy-funded; 20% of paid hours are off-the-job training."},
     ("January start", 4, 540, 12)),
]


def seed_cpd_catalogue(cpd: ServiceContext, *, today: date | None = None) -> dict:
    """The demo catalogue, once: a run that finds any programme leaves the catalogue as it is."""
    from cpd.domain.catalogue import Programme
    from cpd.service.catalogue import create_cohort, create_programme

    today = today or date.today()
    with cpd.uow() as uow:
        if uow.session.scalars(select(Programme).limit(1)).first() is not None:
            return {"seeded": False, "programmes": 0}
    september = date(school_year(today), 9, 1)
    for data, (name, months, days, places) in DEMO_CATALOGUE:
        programme = create_programme(cpd.uow(actor="demo-seed"), SEED_PRINCIPAL, dict(data))
        starts = _add_months(september, months)
        create_cohort(cpd.uow(actor="demo-seed"), SEED_PRINCIPAL, programme.id, {
            "name": name, "starts_on": starts, "ends_on": starts + timedelta(days=days), "capacity": places})
    return {"seeded": True, "programmes": len(DEMO_CATALOGUE)}


def seed_hr_contacts(directory: ServiceContext, notifications: ServiceContext) -> dict:
    """Who hears what needs HR (a CPD request over the approval limit, a long-overdue appraisal): the academy HR
    persona for their academy, the trust HR persona for the trust, once (HR change them through the API)."""
    from directory import demo
    from notifications.adapters.orm import hr_contacts
    from notifications.service.inbox import set_contacts

    with notifications.uow() as uow:
        if uow.session.scalars(select(hr_contacts.c.staff_id).limit(1)).first() is not None:
            return {"contacts": 0}
    people = {p["as"]: p for p in demo.demo_people(directory.uow())}
    if "academy HR" not in people:
        return {"contacts": 0}
    set_contacts(notifications.uow(actor="demo-seed"), people["academy HR"]["academy_id"],
                 [people["academy HR"]["staff_id"]])
    set_contacts(notifications.uow(actor="demo-seed"), None, [people["trust HR"]["staff_id"]])
    return {"contacts": 2}


DEMO_BUDGETS = {"primary": Decimal("8000.00"), "secondary": Decimal("18000.00"), "all-through": Decimal("22000.00")}


def seed_cpd_budgets(directory: ServiceContext, cpd: ServiceContext, *, today: date | None = None) -> dict:
    """This school year's CPD budget for each demo academy, once (HR change them on the CPD spend page)."""
    from cpd.service.catalogue import set_budget

    year = school_year(today or date.today())
    academies = directory.metadata.tables["academies"]
    with directory.engine.execution_options(staffroom_readonly=True).connect() as conn:
        found = [(row.id, row.phase) for row in conn.execute(select(academies.c.id, academies.c.phase))]
    with cpd.uow() as uow:
        todo = [(academy_id, phase) for academy_id, phase in found if uow.catalogue.budget(academy_id, year) is None]
    for academy_id, phase in todo:
        set_budget(cpd.uow(actor="demo-seed"), SEED_PRINCIPAL, academy_id, year, DEMO_BUDGETS.get(phase, Decimal("10000.00")))
    return {"budgets": len(todo)}


# -- CPD impact: some heads of department finished "Running appraisals well" this autumn, so HR's impact report has
# something in it. (participant's intent, satisfaction 1-5, and the line manager's impact 1-5 with what they saw, or
# None: not recorded yet; the line manager is asked by the daily job as in a real trust.)

DEMO_IMPACT_PROGRAMME = "Running appraisals well"
DEMO_IMPACT = [
    ("Agree objectives with each of my team in a one-to-one, not by email, and write them together.", 4,
     (4, "Objectives this year were agreed face to face, and the team can say what theirs mean.")),
    ("Ask for evidence as the year goes, so the end-of-year review has no surprises.", 5, None),
    ("Use the mid-year review to adjust objectives that no longer fit.", 3, None),
]


def seed_cpd_impact(directory: ServiceContext, cpd: ServiceContext, *, today: date | None = None,
                    timeout: float = 60.0) -> dict:
    """Once: three heads of department (not the demo's line manager, whose own CPD is left to them) took the
    appraisal training's autumn cohort and completed it. Each says what they will change and how satisfied they
    were; where the trust's interval has passed since, the first one's line manager has recorded the impact seen.
    Each step is CPD's own command as the person who does it, dated on the day they did it, so the report, the
    appraisal's evidence and the targets follow from the events as they would in a real trust."""
    from cpd.domain.catalogue import Programme
    from cpd.domain.enrolments import Enrolment
    from cpd.domain.impact import CpdImpact
    from cpd.service import enrolments, impact
    from directory import demo
    from directory.adapters.repository import StaffFilter

    today = today or date.today()
    with cpd.uow() as uow:
        if uow.session.scalars(select(CpdImpact).limit(1)).first() is not None:
            return {"completed": 0}
        programme = uow.session.scalars(select(Programme).where(Programme.title == DEMO_IMPACT_PROGRAMME)).first()
        cohort = min(uow.catalogue.cohorts_of(programme.id), key=lambda c: c.starts_on) if programme else None
        if cohort is None or cohort.starts_on > today:
            return {"completed": 0}
        cohort_id, starts_on, ends_on = cohort.id, cohort.starts_on, cohort.ends_on
        taken = {e.staff_id for e in uow.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort_id))}
    people = demo.demo_people(directory.uow())
    if not people:
        return {"completed": 0}
    personas = {p["staff_id"] for p in people}
    with directory.uow() as uow:
        found, _ = uow.staff.find(StaffFilter(academy_ids=[people[0]["academy_id"]], current=True), page=1,
                                  page_size=500)
        heads = sorted((p.full_name, p.id, p.line_manager_id, p.academy_id) for p in found
                       if p.post == "Head of Department" and p.line_manager_id is not None
                       and p.id not in personas and p.id not in taken)
    wait_for_staff_copy(directory, cpd, timeout=timeout)
    finished = min(ends_on, today)
    completed = seen = 0
    for (_name, staff_id, manager_id, academy_id), (intent, satisfaction, impact_seen) in zip(heads, DEMO_IMPACT):
        participant, manager = (Principal(staff_id=who, roles=frozenset({"staff"}), academy_id=academy_id,
                                          subject=str(who)) for who in (staff_id, manager_id))
        e = enrolments.request_place(cpd.uow(actor=str(staff_id)), participant, cohort_id,
                                     "Before I run my team's appraisals", today=starts_on)
        enrolments.complete(cpd.uow(actor="demo-seed"), SEED_PRINCIPAL, e.id, True, completed_on=finished,
                            today=today)
        record = impact.record_intent(cpd.uow(actor=str(staff_id)), participant, e.id, intent, satisfaction,
                                      today=min(finished + timedelta(days=2), today))
        completed += 1
        if impact_seen is not None and record.is_check_due(today):
            rating, words = impact_seen
            impact.record_impact(cpd.uow(actor=str(manager_id)), manager, e.id, rating, words,
                                 today=min(today, record.check_due_on + timedelta(days=5)))
            seen += 1
    return {"completed": completed, "impact_seen": seen}


# -- statutory induction (issue 25): two early career teachers at the demo people's academy, so the tutor's dashboard,
# the mentor's mentees, the ECT's own page and HR's list have something in them.

DEMO_APPROPRIATE_BODY = "Oak Teaching School Hub"
DEMO_STANDARDS = {
    "TS1": "Sets clear routines and high expectations from the first minute of each lesson.",
    "TS4": "Lessons are well sequenced; the next step is to plan questions that check understanding.",
    "TS7": "Behaviour is calm and consistent; praise is specific.",
}


DEMO_OUTCOMES = {"progress_review": "on track", "first_formal_assessment": "making satisfactory progress",
                 "final_formal_assessment": "satisfactory"}


def _weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _friday_on_or_before(day: date) -> date:
    return day - timedelta(days=(day.weekday() - 4) % 7)


def demo_term_dates(first_year: int, last_year: int) -> list[dict]:
    """An English academy's three terms a year, with a week's half-term in each (the shape most academies keep)."""
    terms = []
    for y in range(first_year, last_year + 1):
        for number, starts, ends, half_term in (
                (1, _weekday_on_or_after(date(y, 9, 2)), _friday_on_or_before(date(y, 12, 19)),
                 _monday_on_or_after(date(y, 10, 23))),
                (2, _monday_on_or_after(date(y + 1, 1, 5)), _friday_on_or_before(date(y + 1, 3, 31)),
                 _monday_on_or_after(date(y + 1, 2, 13))),
                (3, _monday_on_or_after(date(y + 1, 4, 17)), _friday_on_or_before(date(y + 1, 7, 21)),
                 _monday_on_or_after(date(y + 1, 5, 25)))):
            terms.append({"school_year": y, "number": number, "starts_on": starts, "ends_on": ends,
                          "breaks": [{"starts_on": half_term, "ends_on": half_term + timedelta(days=4)}]})
    return terms


def seed_induction(directory: ServiceContext, cpd: ServiceContext, *, today: date | None = None,
                   timeout: float = 60.0) -> dict:
    """Once (a run that finds any induction leaves it alone): the demo people's academy's term dates from last school
    year to four years ahead; two early career teachers, the demo's line manager their induction tutor and its
    member of staff their mentor. The first started last September: last year's reviews and first formal assessment
    are held and signed (the ECT's comments on one; the latest waits for the ECT's signature), and its
    timetable recorded; this term's review is due. The
    second started this September, full-time, with this term's timetable recorded and nothing held yet. Each step
    is cpd's own command as the person who does it."""
    from cpd.service import inductions
    from directory.adapters.repository import StaffFilter

    today = today or date.today()
    people = {p["as"]: p for p in demo_people(directory)}
    if "line manager" not in people:
        return {"ects": 0}
    academy_id = people["line manager"]["academy_id"]
    with cpd.uow() as uow:
        if uow.inductions.in_academies(None) or uow.inductions.calendar(academy_id) is not None:
            return {"ects": 0}
    personas = {p["staff_id"] for p in people.values()}
    with directory.uow() as uow:
        found, _ = uow.staff.find(StaffFilter(academy_ids=[academy_id], current=True), page=1, page_size=500)
        # the directory's demo has early career teachers by post; a trust named otherwise has class teachers
        teachers = sorted(((p.post != "Early Career Teacher", p.last_name, p.first_name), p.id) for p in found
                          if p.post in ("Early Career Teacher", "Class Teacher") and p.id not in personas)
    if len(teachers) < 2:
        return {"ects": 0}
    wait_for_staff_copy(directory, cpd, timeout=timeout)
    year = school_year(today + timedelta(days=31))  # in August, the year about to start: the ECTs mid-induction
    hr = Principal(staff_id=people["academy HR"]["staff_id"], roles=frozenset({"academy_hr"}),
                   academy_id=academy_id, subject=str(people["academy HR"]["staff_id"]))
    tutor = Principal(staff_id=people["line manager"]["staff_id"], roles=frozenset({"staff"}),
                      academy_id=academy_id, subject=str(people["line manager"]["staff_id"]))
    terms = demo_term_dates(year - 1, year + 4)
    inductions.set_term_dates(cpd.uow(actor=str(hr.staff_id)), hr, academy_id, terms)
    starts = {t["school_year"]: t["starts_on"] for t in terms if t["number"] == 1}
    ects = []
    for (_, staff_id), start_year in zip(teachers[:2], (year - 1, year)):
        ects.append(inductions.register(cpd.uow(actor=str(hr.staff_id)), hr, {
            "staff_id": staff_id, "academy_id": academy_id, "qts_on": date(start_year, 7, 10),
            "starts_on": starts[start_year], "fte": 1.0, "appropriate_body": DEMO_APPROPRIATE_BODY,
            "programme_type": "provider-led", "lead_provider": "Ambition Institute",
            "delivery_partner": "Oak Teaching School Hub", "tutor_id": tutor.staff_id,
            "mentor_id": people["member of staff"]["staff_id"]}, today=today))
    held = 0
    for induction_id, staff_id in zip(ects, (t[1] for t in teachers)):
        ect = Principal(staff_id=staff_id, roles=frozenset({"staff"}), academy_id=academy_id, subject=str(staff_id))
        with cpd.uow() as uow:
            record = inductions.visible(uow, tutor, induction_id, today=today)
        for term in record["entitlement"]:
            inductions.record_timetable(cpd.uow(actor=str(tutor.staff_id)), tutor, induction_id,
                                        term["school_year"], term["term_number"], term["most_percent"], today=today)
        past = [s for s in record["schedule"] if s["due_on"] < today]
        for n, item in enumerate(past):
            review_id = inductions.record_review(cpd.uow(actor=str(tutor.staff_id)), tutor, induction_id, {
                "kind": item["kind"], "school_year": item["school_year"], "term_number": item["term_number"],
                "held_on": item["due_on"] - timedelta(days=7),
                "outcome": DEMO_OUTCOMES[item["kind"]],
                "standards": DEMO_STANDARDS, "next_steps": "Plan a hinge question into each lesson."}, today=today)
            signed_on = min(item["due_on"], today)
            inductions.sign(cpd.uow(actor=str(tutor.staff_id)), tutor, induction_id, review_id, "tutor", None,
                            today=signed_on)
            inductions.sign(cpd.uow(actor=str(hr.staff_id)), hr, induction_id, review_id, "head", None,
                            today=signed_on)
            if n < len(past) - 1:  # the latest waits for the ECT to read and sign
                inductions.sign(cpd.uow(actor=str(staff_id)), ect, induction_id, review_id, "ect",
                                "My mentor's weekly coaching has helped most." if n == 0 else None, today=signed_on)
            held += 1
    return {"ects": len(ects), "reviews_held": held}


DEMO_NPQS = (  # post of whom, NPQ, lead provider, funding, months ago the cohort started, what has happened
    ("Head of Department", "NPQSL", "Ambition Institute", "scholarship", 20, "passed"),
    ("Class Teacher", "NPQLT", "Best Practice Network", "academy", 3, "accepted"),
    ("Class Teacher", "NPQSENCO", "Teach First", "awaiting", 0, None),
)


def seed_npq(directory: ServiceContext, cpd: ServiceContext, *, today: date | None = None,
             timeout: float = 60.0) -> dict:
    """Once (a run that finds any NPQ place leaves them alone): three places at the demo people's academy, none of
    them the demo people's own (their pages start empty, and the authorisation matrix registers its member of staff):
    a head of department's NPQ for Senior Leadership, passed last month, which put them among the future leaders; a
    teacher's NPQ for Leading Teaching, accepted and being taken; and another's NPQ for SENCOs, just registered and
    waiting for the lead provider. Each step is cpd's own command as academy HR."""
    from cpd.service import npq
    from directory.adapters.repository import StaffFilter

    today = today or date.today()
    people = {p["as"]: p for p in demo_people(directory)}
    if "academy HR" not in people:
        return {"places": 0}
    academy_id = people["academy HR"]["academy_id"]
    with cpd.uow() as uow:
        if uow.npq_places.visible(None, None):
            return {"places": 0}
    personas = {p["staff_id"] for p in people.values()}
    with directory.uow() as uow:
        found, _ = uow.staff.find(StaffFilter(academy_ids=[academy_id], current=True), page=1, page_size=500)
        candidates = sorted(((p.last_name, p.first_name), p.id, p.post, p.start_date) for p in found
                            if p.id not in personas)
    wait_for_staff_copy(directory, cpd, timeout=timeout)
    hr = Principal(staff_id=people["academy HR"]["staff_id"], roles=frozenset({"academy_hr"}),
                   academy_id=academy_id, subject=str(people["academy HR"]["staff_id"]))
    taken: set = set()
    places = 0
    for post, course, provider, funding, months_ago, happened in DEMO_NPQS:
        starts = _add_months(today.replace(day=1), -months_ago)
        registered = min(today, starts - timedelta(days=30))  # HR register a place before its cohort starts
        who = next((staff_id for _, staff_id, p, joined in candidates
                    if p == post and staff_id not in taken and joined <= registered), None)
        if who is None:
            continue
        taken.add(who)
        place = npq.register(cpd.uow(actor=str(hr.staff_id)), hr, {
            "staff_id": who, "course": course, "lead_provider": provider, "cohort_starts_on": starts,
            "funding": funding}, today=registered)
        if happened in ("accepted", "passed"):
            npq.provider_news(cpd.uow(actor=str(hr.staff_id)), hr, place.id, "accepted")
        if happened == "passed":
            npq.record_outcome(cpd.uow(actor=str(hr.staff_id)), hr, place.id, "passed",
                               today - timedelta(days=30), today=today)
        places += 1
    return {"places": places}


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1)


# -- wellbeing: the last two summers' staff surveys, closed with results, and this term's pulse survey, open.

def seed_wellbeing(directory: ServiceContext, wellbeing: ServiceContext, *, today: date | None = None,
                   timeout: float = 60.0) -> dict:
    """Once (a run that finds any survey leaves them alone): answered by about three in four, as a trust's
    staff survey usually is, with each academy's answers leaning its own way so the report has something
    to show."""
    import random

    from staffroom_shared.contracts.wellbeing import survey_link_context
    from staffroom_shared.sealing import unseal
    from wellbeing.domain.instruments import INSTRUMENTS
    from wellbeing.domain.model import SurveyRun
    from wellbeing.service import respond, runs

    today = today or date.today()
    with wellbeing.uow() as uow:
        if uow.session.scalars(select(SurveyRun).limit(1)).first() is not None:
            return {"seeded": []}
    wait_for_staff_copy(directory, wellbeing, timeout=timeout)
    key = respond.seal_key(wellbeing.config)
    links = runs.Links.from_config(wellbeing.config)
    # Two summers' staff surveys, so the results show how each figure moved; an academy's mood may change.
    closed = []
    for summer in (date(school_year(today) - 1, 6, 8), date(school_year(today), 6, 8)):
        past = runs.create(wellbeing.uow(actor="demo-seed"), SEED_PRINCIPAL, {
            "title": f"Summer {summer.year} staff survey", "instruments": list(INSTRUMENTS), "questions": [],
            "academy_ids": [], "staff_types": [], "opens_on": summer, "closes_on": summer + timedelta(days=18),
            "min_group_size": 5, "owner_academy_id": None})
        runs.schedule(wellbeing.uow(actor="demo-seed"), SEED_PRINCIPAL, past.id, links, today=summer)
        chance = random.Random(summer.year)  # noqa: S311 - repeatable demo answers, not a secret
        outbox = wellbeing.metadata.tables["outbox"]
        with wellbeing.engine.execution_options(staffroom_readonly=True).connect() as conn:
            invitations = [row.envelope["payload"] for row in conn.execute(
                select(outbox.c.envelope).where(outbox.c.event_type == "wellbeing.invitation_issued"))
                if row.envelope["payload"]["run_id"] == str(past.id)]
        # The demo answers in people's place, so it opens their links as notifications' email sender would, with
        # the data folder's development key pair (the one-command run refuses production settings).
        opener = wellbeing.config.survey_link_private_key()
        lean = {}
        for invitation in invitations:
            if chance.random() > 0.75:
                continue
            mood = lean.setdefault(invitation["academy_id"], chance.choice((-1, 0, 1)))
            answers = {}
            for instrument in INSTRUMENTS.values():
                for item in instrument.items:
                    low, high = {"zero_ten": (0, 10), "text": (0, 0)}.get(item.scale, (1, 5))
                    if item.scale == "text":
                        continue
                    middle = low + (high - low) * 0.62 + mood * (high - low) / 10  # most people mostly content
                    value = round(chance.gauss(middle, (high - low) / 5))
                    value = max(low, min(high, value))
                    answers[item.key] = (low + high - value) if item.reverse else value
            if chance.random() < 0.3:
                answers["trust.improve"] = chance.choice((
                    "Protected planning time in the week", "Fewer emails after 6pm", "A quieter staffroom to work in",
                    "Clearer behaviour policy backed by leaders", "More say in the school calendar"))
            token = unseal(opener, invitation["sealed_link"], survey_link_context(
                invitation["run_id"], invitation["staff_id"])).decode().split("#token=")[1]
            respond.submit(wellbeing.uow(actor="respondent"), token, answers, key, today=summer + timedelta(days=3))
        runs.close(wellbeing.uow(actor="demo-seed"), SEED_PRINCIPAL, past.id, key,
                   at=datetime(past.closes_on.year, past.closes_on.month, past.closes_on.day, 17, tzinfo=timezone.utc))
        closed.append(past.title)
    pulse = runs.create(wellbeing.uow(actor="demo-seed"), SEED_PRINCIPAL, {
        "title": "Autumn pulse", "instruments": ["enps", "trust_core"], "questions": [], "academy_ids": [],
        "staff_types": [], "opens_on": today, "closes_on": today + timedelta(days=21), "min_group_size": 5,
        "owner_academy_id": None})
    runs.schedule(wellbeing.uow(actor="demo-seed"), SEED_PRINCIPAL, pulse.id, links, today=today)
    return {"seeded": [*closed, pulse.title]}


# -- appraisal in depth (issue 24): the trust's priorities, observation templates, the QA map's rounds, recognition.
# Each is seeded once, through appraisal's own commands as the person who would do it, dated around `today`.

DEMO_PRIORITIES = [  # trust priority, then the academy priority under it, and the demo objective serving them
    ({"title": "Every pupil a confident reader",
      "description": "Pupils read widely and often, in every subject, and those who fall behind catch up quickly.",
      "success_measure": "More pupils reading at the expected standard in every academy by July."},
     {"title": "Reading in every subject",
      "description": "Every department reads a subject text aloud with pupils and discusses it each week.",
      "success_measure": "Book looks each term show weekly reading in every department."},
     "Reading across the curriculum"),
    ({"title": "Great teaching in every classroom",
      "description": "Every lesson builds on what pupils already know, and checks their understanding as it goes.",
      "success_measure": "QA rounds find teaching a strength in most departments by the summer term."},
     {"title": "Checking for understanding",
      "description": "Hinge questions and mini whiteboards used in every lesson before moving on.",
      "success_measure": "Learning walks see understanding checked in nine lessons in ten."},
     "Questioning that checks understanding"),
]


def priorities_year(today: date) -> int:
    """The school year of the demo's priorities: the one the demo cycles start in, by appraisal's rule (a school year
    from 1 August), since an objective serves only a priority of its cycle's year. The cycles start 100 days before
    `today`, so from September to early November that is the school year just ended."""
    from appraisal.domain.priorities import school_year_of

    return school_year_of(demo_key_dates(today)["starts_on"])


def _academies(directory: ServiceContext) -> list[tuple]:
    """(id, name, phase) of each academy, by name."""
    academies = directory.metadata.tables["academies"]
    with directory.engine.execution_options(staffroom_readonly=True).connect() as conn:
        return sorted(((row.id, row.name, row.phase) for row in conn.execute(
            select(academies.c.id, academies.c.name, academies.c.phase))), key=lambda a: a[1])


def seed_priorities(directory: ServiceContext, appraisal: ServiceContext, *, today: date | None = None) -> dict:
    """Once (a run that finds any priority leaves them alone): two trust priorities, and an improvement-plan priority
    under each, the first at the demo people's academy (so its line manager's roll-up shows it), the second at
    another academy, set by trust HR as the service allows."""
    from appraisal.service import priorities

    today = today or date.today()
    with appraisal.uow() as uow:
        if uow.priorities.list():
            return {"seeded": 0}
    people = demo_people(directory)
    academies = [a[0] for a in _academies(directory)]
    if not people or not academies:
        return {"seeded": 0}
    home = people[0]["academy_id"]
    others = [a for a in academies if a != home] or [home]
    year = priorities_year(today)
    for (trust, academy, _objective), academy_id in zip(DEMO_PRIORITIES, (home, others[0])):
        made = priorities.create(appraisal.uow(actor="demo-seed"), SEED_PRINCIPAL,
                                 {**trust, "level": "trust", "school_year": year})
        priorities.create(appraisal.uow(actor="demo-seed"), SEED_PRINCIPAL, {
            **academy, "level": "academy", "school_year": year, "academy_id": academy_id, "parent_id": made.id})
    return {"seeded": 2 * len(DEMO_PRIORITIES)}


def priority_links(appraisal: ServiceContext, today: date) -> dict:
    """(demo objective's title, academy or None) -> the priority it serves: the academy priority in its academy, the
    trust priority above it elsewhere."""
    from appraisal.domain.priorities import Level

    with appraisal.uow() as uow:
        found = [(p.title, p.level, p.academy_id, p.id) for p in uow.priorities.list(priorities_year(today))
                 if not p.archived]
    links = {}
    for trust, academy, objective in DEMO_PRIORITIES:
        for title, level, academy_id, priority_id in found:
            if level == Level.TRUST and title == trust["title"]:
                links[(objective, None)] = priority_id
            elif level == Level.ACADEMY and title == academy["title"]:
                links[(objective, academy_id)] = priority_id
    return links


def demo_people(directory: ServiceContext) -> list[dict]:
    from directory import demo

    return demo.demo_people(directory.uow())


# Observation templates, trust-wide: a graded lesson observation for the QA map, and an ungraded learning walk.
GRADES = [("Exemplary", "strength"), ("Secure", "strength"), ("Developing", "development"),
          ("Needs support", "intervention")]
LESSON_TEMPLATE = {
    "name": "Lesson observation (Teachers' Standards)", "kind": "lesson_observation", "academy_id": None,
    "notice_days": None, "criteria": [
        {"key": "progress", "label": "Promote good progress and outcomes by pupils", "standard": "TS2"},
        {"key": "planning", "label": "Plan and teach well structured lessons", "standard": "TS4"},
        {"key": "assessment", "label": "Make accurate and productive use of assessment", "standard": "TS6"},
        {"key": "behaviour", "label": "Manage behaviour effectively", "standard": "TS7"}]}
WALK_TEMPLATE = {
    "name": "Learning walk", "kind": "learning_walk", "academy_id": None, "notice_days": None, "criteria": [
        {"key": "climate", "label": "Climate for learning", "standard": "TS7"},
        {"key": "reading", "label": "Reading in lessons", "standard": "TS3"},
        {"key": "questioning", "label": "Questioning that checks understanding", "standard": "TS6"}]}


def seed_observation_templates(appraisal: ServiceContext) -> dict:
    """The two demo templates, each once (found by name, retired or not)."""
    from appraisal.service.observation_templates import create_template

    with appraisal.uow() as uow:
        have = {t.name: t.id for t in uow.templates.list(None, retired=True)}
    made = []
    for template in (LESSON_TEMPLATE, WALK_TEMPLATE):
        if template["name"] in have:
            continue
        data = {**template, "criteria": [
            {**c, "grades": [{"label": g, "band": b} for g, b in GRADES] if template is LESSON_TEMPLATE else []}
            for c in template["criteria"]]}
        have[template["name"]] = create_template(appraisal.uow(actor="demo-seed"), SEED_PRINCIPAL, data).id
        made.append(template["name"])
    return {"made": made, "lesson": have[LESSON_TEMPLATE["name"]]}


# The half terms of an English school year, as (name, first day, last day) from its September: each runs until the
# next starts (the holidays between them vary by local authority and Easter; the demo does not need them).
HALF_TERMS = [("Autumn 1", (0, 9, 1)), ("Autumn 2", (0, 11, 1)), ("Spring 1", (1, 1, 1)), ("Spring 2", (1, 2, 22)),
              ("Summer 1", (1, 4, 15)), ("Summer 2", (1, 6, 1))]


def half_terms(year: int) -> list[tuple[str, date, date]]:
    """The half terms of the school year that began in September `year`; the last ends on 31 July."""
    starts = [(name, date(year + dy, month, day)) for name, (dy, month, day) in HALF_TERMS]
    ends = [start - timedelta(days=1) for _, start in starts[1:]] + [date(year + 1, 7, 31)]
    return [(name, start, end) for (name, start), end in zip(starts, ends)]


def demo_qa_rounds(today: date) -> tuple[tuple[str, date, date], tuple[str, date, date]]:
    """(the round before, this half term's round): in August, the summer's last half term and the one before it."""
    year = school_year(today)
    terms = half_terms(year - 1) + half_terms(year)
    if today.month == 8:
        current = len(terms) - 1  # Summer 2 of the school year just ended (which began in September `year`)
    else:
        current = next(i for i, (_, start, end) in enumerate(terms) if start <= today <= end)

    def named(i: int) -> tuple[str, date, date]:
        name, start, end = terms[i]
        first = start.year if start.month >= 9 else start.year - 1
        return (f"{name} {first}/{(first + 1) % 100:02d} lesson observations", start, end)

    return named(current - 1), named(current)


def observation_days(first: date, last: date, n: int) -> list[date]:
    """n days spread from `first` to `last`, on weekdays where the span has one."""
    span = (last - first).days
    days = []
    for i in range(n):
        day = first + timedelta(days=(span * (i + 1)) // (n + 1) if span else 0)
        if day.weekday() >= 5:
            back, on = day - timedelta(days=day.weekday() - 4), day + timedelta(days=7 - day.weekday())
            day = back if back >= first else on if on <= last else day
        days.append(day)
    return days


def department_of(post: str, phase: str, n: int) -> str:
    """The department, subject or phase a teacher is observed in: the subject their post names, else one of the
    academy's phases or faculties in turn."""
    for subject in ("Maths", "English", "Science"):
        if subject in post:
            return subject
    faculties = ["Early years", "Key stage 1", "Key stage 2"] if phase == "primary" else ["Humanities", "Arts",
                                                                                          "Languages"]
    return faculties[n % len(faculties)]


# How a department's teachers were graded, by its profile: (band, its grade) for the i-th teacher observed in it. A
# strong department has at least two thirds secure or better; a developing one fewer; a department of concern has
# half or more needing support in one criterion (a third is enough to make an area of intervention).
PROFILES = ("strong", "developing", "concern")
WORDS = {"strength": ("Pupils were stretched and knew what they were learning and why.",
                      "Keep sharing this practice with the department."),
         "development": ("Warm relationships and a calm start to the lesson.",
                         "Check understanding before moving on: a hinge question at each transition."),
         "intervention": ("Clear planning, with resources ready.",
                          "Agree routines for the start of the lesson and follow them every time; coaching offered.")}


def demo_grade(profile: str, criterion: int, concern: int, i: int) -> str:
    if profile == "strong":
        return "Developing" if i % 4 == 3 else ("Exemplary" if i % 3 == 0 else "Secure")
    if profile == "concern" and criterion == concern:
        return "Needs support" if i % 2 == 0 else "Developing"
    return "Secure" if i % 2 == 1 else "Developing"


def seed_qa(directory: ServiceContext, appraisal: ServiceContext, *, today: date | None = None) -> dict:
    """Once (a run that finds any QA round leaves them alone): the observation templates, last half term's QA round
    and this half term's on the lesson template across the demo academies, and lesson observations of the teachers
    in this year's teachers cycle, recorded by their appraiser in their appraisal with their department. Departments
    lean differently (strong, developing, of concern in one criterion) and lean differently last round, so HR's map
    has strengths, development, an area of intervention and movement. The demo people are not observed: their line
    manager sees a map of their other reviewees and has the member of staff's observation left to record."""
    from appraisal.domain.model import StaffGroup
    from appraisal.domain.observations import ObservationKind
    from appraisal.service import appraisals as steps
    from appraisal.service.qa import create_round

    today = today or date.today()
    templates = seed_observation_templates(appraisal)
    with appraisal.uow() as uow:
        if uow.qa.rounds():
            return {"rounds": [], "observations": 0}
        names = uow.staff.academy_names()
    academies = [a for a in _academies(directory) if a[0] in names]
    phases = {a[0]: a[2] for a in academies}
    if not academies:
        return {"rounds": [], "observations": 0}
    keep = {p["staff_id"] for p in demo_people(directory)}
    rounds = [create_round(appraisal.uow(actor="demo-seed"), SEED_PRINCIPAL, {
        "name": name, "template_id": templates["lesson"], "academy_ids": [a[0] for a in academies],
        "starts_on": starts_on, "ends_on": ends_on}) for name, starts_on, ends_on in demo_qa_rounds(today)]
    with appraisal.uow() as uow:
        cycles = [c for c in uow.cycles.list() if c.template == StaffGroup.TEACHERS and c.academy_id is None]
        cycle = max(cycles, key=lambda c: c.starts_on, default=None)
        if cycle is None:
            return {"rounds": [r.name for r in rounds], "observations": 0}
        teachers = []
        for a in uow.appraisals.in_progress(cycle.id):
            person = uow.staff.person(a.reviewee_id)
            if a.appraiser_id is None or a.reviewee_id in keep or person is None or not person.in_post_on(today):
                continue
            teachers.append((person.full_name, a.id, a.appraiser_id, a.academy_id, person.post,
                             max(cycle.starts_on, person.start_date)))
    teachers.sort()
    latest = min(today, datetime.now(UK).date())  # the service takes no observation ahead
    recorded = 0
    for shift, qa_round in enumerate(rounds):
        departments: dict[tuple, list] = {}
        for n, (_name, appraisal_id, appraiser_id, academy_id, post, earliest) in enumerate(teachers):
            first, last = max(qa_round.starts_on, earliest), min(qa_round.ends_on, latest)
            if first <= last:
                department = department_of(post, phases.get(academy_id, ""), n)
                departments.setdefault((academy_id, department), []).append((appraisal_id, appraiser_id, first, last))
        by_academy: dict = {}
        for academy_id, department in sorted(departments, key=lambda k: (str(k[0]), k[1])):
            by_academy.setdefault(academy_id, []).append(department)
        for academy_index, academy_id in enumerate(sorted(by_academy, key=str)):
            for k, department in enumerate(by_academy[academy_id]):
                profile = PROFILES[(k + academy_index + 1 - shift) % len(PROFILES)]  # last round's lean was another
                concern = (k + academy_index) % len(LESSON_TEMPLATE["criteria"])
                observed = departments[(academy_id, department)]
                for i, (appraisal_id, appraiser_id, first, last) in enumerate(observed):
                    grades = {c["key"]: demo_grade(profile, j, concern, i)
                              for j, c in enumerate(LESSON_TEMPLATE["criteria"])}
                    worst = max((b for g, b in GRADES if g in grades.values()), key=("strength", "development",
                                                                                    "intervention").index)
                    strengths, next_steps = WORDS[worst]
                    observer = Principal(staff_id=appraiser_id, roles=frozenset({"staff"}), academy_id=academy_id,
                                         subject=str(appraiser_id))
                    steps.add_observation(appraisal.uow(actor=str(appraiser_id)), observer, appraisal_id, {
                        "kind": ObservationKind.LESSON_OBSERVATION, "template_id": templates["lesson"],
                        "observed_on": observation_days(first, last, len(observed))[i], "grades": grades,
                        "department": department, "qa_round_id": qa_round.id,
                        "focus": f"{qa_round.name.split(' lesson')[0]} QA round: {department}",
                        "strengths": strengths, "areas_to_develop": next_steps})
                    recorded += 1
    return {"rounds": [r.name for r in rounds], "observations": recorded}


# Recognition between colleagues: (giver, recipient, kind, words, value, Teachers' Standard, shared with the line
# manager, days ago, kept as evidence by the recipient). Givers and recipients are named by their part in the demo.
DEMO_RECOGNITION = [
    ("colleague", "member of staff", "recognition",
     "Thank you for covering my class at short notice on Tuesday: they told me how much they enjoyed your lesson.",
     "Together", None, True, 2, False),
    ("other academy", "reviewee", "recognition",
     "Your session on retrieval practice at the trust's INSET day changed how our department starts lessons.",
     "Excellence", "TS4", True, 9, True),
    ("reviewee", "line manager", "recognition",
     "Thank you for making time every week to talk through my planning; it has made a real difference.",
     "Kindness", None, False, 4, False),
    ("trust HR", "line manager", "feedback",
     "The department's moderation notes were clear and well evidenced. Keep them this way for the next round.",
     None, "TS6", True, 6, False),
    ("member of staff", "colleague", "recognition",
     "Thank you for lending me your reading scheme resources; my class loved them.", "Together", "TS3", False, 11, False),
]


def seed_recognition(directory: ServiceContext, appraisal: ServiceContext, *, today: date | None = None) -> dict:
    """Once (a run that finds any recognition leaves it alone): a handful between demo colleagues, given over the
    last fortnight (one each, so far within the daily limits): one shared with the member of staff's line manager
    (which the member of staff can try keeping as evidence), one kept as evidence by a reviewee of that line manager
    in their appraisal in progress, and others given and received by the demo people. The member of staff's own
    thanks go to a colleague, not their line manager: giving the line manager thanks is left for them to try."""
    from appraisal.domain.recognition import Recognition
    from appraisal.service import recognition

    today = today or date.today()
    with appraisal.uow() as uow:
        if uow.session.scalars(select(Recognition).limit(1)).first() is not None:
            return {"given": 0, "kept": 0}
    people = {p["as"]: p for p in demo_people(directory)}
    if "line manager" not in people:
        return {"given": 0, "kept": 0}
    manager = people["line manager"]["staff_id"]
    personas = {p["staff_id"] for p in people.values()}
    with appraisal.uow() as uow:
        staff = sorted((p.full_name, p.staff_id, p.academy_id, p.line_manager_id) for p in uow.staff.people()
                       if p.in_post_on(today) and p.staff_id not in personas)
        in_progress = {staff_id for _, staff_id, _, line_manager_id in staff
                       if line_manager_id == manager and uow.appraisals.of(staff_id, in_progress=True)}
    home = people["member of staff"]["academy_id"]
    reviewees = [p for p in staff if p[1] in in_progress]
    colleagues = [p for p in staff if p[2] == home and p[3] != manager]
    elsewhere = [p for p in staff if p[2] != home]
    if not (reviewees and colleagues and elsewhere):
        return {"given": 0, "kept": 0}
    who = {"member of staff": people["member of staff"], "line manager": people["line manager"],
           "trust HR": people["trust HR"], **{part: {"staff_id": found[0][1], "academy_id": found[0][2],
                                                     "roles": ["staff"]}
                                              for part, found in (("reviewee", reviewees), ("colleague", colleagues),
                                                                  ("other academy", elsewhere))}}
    given = kept = 0
    for giver, recipient, kind, words, value, standard, shared, days_ago, keep in DEMO_RECOGNITION:
        by, to = who[giver], who[recipient]
        at = datetime.combine(today - timedelta(days=days_ago), datetime.min.time().replace(hour=12),
                              UK).astimezone(timezone.utc)
        item = recognition.give(appraisal.uow(actor=str(by["staff_id"])), _principal(by), {
            "recipient_id": to["staff_id"], "kind": kind, "words": words, "value": value, "standard": standard,
            "visibility": "line_manager" if shared else "private"}, now=at)
        given += 1
        if keep:
            recognition.keep(appraisal.uow(actor=str(to["staff_id"])), _principal(to), item.id, True)
            kept += 1
    return {"given": given, "kept": kept}


def _principal(person: dict) -> Principal:
    return Principal(staff_id=person["staff_id"], roles=frozenset(person["roles"]), academy_id=person["academy_id"],
                     subject=str(person["staff_id"]))
