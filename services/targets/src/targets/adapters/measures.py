"""The SQL that counts each target, and lists the people who are not (yet) counted.

Each counted target is a query of its units (a person, a review, an agreement) with the academy they belong
to and whether they count (1) or not (0); one GROUP BY turns it into numerator and denominator per academy,
and the trust's figure is the sum of its academies'. Engagement compares published survey figures instead, and
satisfaction_with_investment each academy's change in satisfaction between the latest two surveys with its CPD
spend per head (domain/investment.py).
Dates that depend on a person (the end of their first year) are worked out when the fact is stored, so the
SQL only compares dates and runs the same on SQLite and PostgreSQL.
"""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import String, and_, case, cast, exists, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from staffroom_shared.uow import Repository

from .orm import (
    academies, agreements, appraisal_training, appraisals, completions, ect_inductions, ect_reviews, ect_terms,
    enrolments, nominations, offers, plans, promotions, reviews, staff, survey_figures,
)
from ..domain import ects
from ..domain.investment import SATISFACTION_FIGURE, USEFUL_FIGURE, Change, Group
from ..domain.investment import figures as investment_figures
from ..domain.targets import (
    DEVELOPMENT_DUE_SOON_AFTER_MONTHS, INDUCTION_KINDS, MIN_GROUP_SIZE, TARGETS, Definition, Figure, add_months,
    comparable, school_year_start,
)

ENGAGEMENT = "engagement_vs_benchmark"
SATISFACTION = "satisfaction_with_investment"
SURVEYED = {ENGAGEMENT, SATISFACTION}  # anonymous survey targets: no units, nobody listed
AGREEMENT_GRACE = timedelta(days=14)  # time to read and sign a training agreement before it counts as not signed


def in_post(today: date):
    return or_(staff.c.leaving_date.is_(None), staff.c.leaving_date >= today)


def counted(condition):
    return case((condition, 1), else_=0).label("counted")


# -- the units of each target ---------------------------------------------------------------------------

def _development_programme():
    """A confirmed place on a non-induction programme, confirmed by the end of the person's first year."""
    return exists().where(enrolments.c.staff_id == staff.c.staff_id,
                          enrolments.c.programme_kind.not_in(INDUCTION_KINDS),
                          enrolments.c.enrolled_on <= staff.c.first_year_ends_on)


def development_programme_units(d: Definition, today: date):
    return select(staff.c.academy_id, counted(_development_programme())).where(
        in_post(today), staff.c.first_year_ends_on > d.since(today), staff.c.first_year_ends_on <= today)


def _inducted():
    return exists().where(enrolments.c.staff_id == staff.c.staff_id, enrolments.c.programme_kind.in_(INDUCTION_KINDS))


def induction_units(d: Definition, today: date):
    return select(staff.c.academy_id, counted(_inducted())).where(
        in_post(today), staff.c.start_date > d.since(today), staff.c.start_date <= today)


REVIEWS, OBJECTIVES = ("mid_year", "end_of_year"), ("objectives",)  # the key steps each target counts


def _owed(d: Definition, today: date, stages: tuple[str, ...]):
    """Key steps (of these stages) that are decided: done, or past due and still owed (the appraisal not
    closed). A step not yet due counts only once done (on time): in December no end-of-year review is late."""
    return and_(reviews.c.stage.in_(stages), reviews.c.due_on > d.since(today),
                or_(reviews.c.completed_on.is_not(None),
                    and_(reviews.c.due_on < today, appraisals.c.closed_status.is_(None))))


def _on_time_units(stages: tuple[str, ...]):
    def units(d: Definition, today: date):
        return (select(appraisals.c.academy_id, counted(reviews.c.on_time.is_(True)))
                .select_from(reviews.join(appraisals, appraisals.c.appraisal_id == reviews.c.appraisal_id))
                .where(_owed(d, today, stages)))
    return units


reviews_on_time_units, objectives_agreed_on_time_units = _on_time_units(REVIEWS), _on_time_units(OBJECTIVES)


def _completed_in_window(d: Definition, today: date):
    """Reviews (not objectives) completed in the window."""
    return and_(reviews.c.stage.in_(REVIEWS), reviews.c.completed_on > d.since(today), reviews.c.completed_on <= today)


def appraisers_trained_units(d: Definition, today: date):
    """Each appraiser who held a review in the window (in each academy they held one), counted if they had
    trained before every one of them: people, as the title says and as the list names them (issue 20: it counted
    reviews, "0 of 30" beside five people to follow up)."""
    held = (select(appraisals.c.academy_id, reviews.c.appraiser_id,
                   func.max(case((reviews.c.appraiser_untrained.is_(False), 0), else_=1)).label("untrained"))
            .select_from(reviews.join(appraisals, appraisals.c.appraisal_id == reviews.c.appraisal_id))
            .where(_completed_in_window(d, today), reviews.c.appraiser_id.is_not(None))
            .group_by(appraisals.c.academy_id, reviews.c.appraiser_id).subquery("appraisers"))
    return select(held.c.academy_id, counted(held.c.untrained == 0))


def _planned():
    return exists().where(plans.c.staff_id == promotions.c.staff_id, plans.c.reason == "promoted",
                          plans.c.created_on >= promotions.c.recorded_on)


def promoted_have_plan_units(d: Definition, today: date):
    return (select(staff.c.academy_id, counted(_planned()))
            .select_from(promotions.join(staff, staff.c.staff_id == promotions.c.staff_id))
            .where(in_post(today), promotions.c.effective_date > d.since(today)))


def _required_on():
    return func.coalesce(agreements.c.required_on, agreements.c.signed_on)


def _agreement_due(d: Definition, today: date):
    """Agreements needed in the window that count yet: signed, or left unsigned for AGREEMENT_GRACE (one
    issued minutes ago put the target "at risk" and emailed HR, then "met" 20 seconds later, outsider, issue 20)."""
    return and_(_required_on() > d.since(today), or_(agreements.c.signed_on.is_not(None),
                                                      agreements.c.required_on <= today - AGREEMENT_GRACE))


def training_agreements_units(d: Definition, today: date):
    return select(agreements.c.academy_id, counted(agreements.c.signed_on.is_not(None))).where(_agreement_due(d, today))


def _nominees(d: Definition, today: date):
    """Each person's first nomination in the window."""
    return (select(nominations.c.staff_id, func.min(nominations.c.nominated_on).label("nominated_on"))
            .where(nominations.c.nominated_on > d.since(today), nominations.c.nominated_on <= today)
            .group_by(nominations.c.staff_id).subquery("nominees"))


def future_leaders_units(d: Definition, today: date):
    nominees = _nominees(d, today)
    offered = exists().where(offers.c.staff_id == nominees.c.staff_id, offers.c.offered_on >= nominees.c.nominated_on)
    return (select(staff.c.academy_id, counted(offered))
            .select_from(nominees.join(staff, staff.c.staff_id == nominees.c.staff_id)).where(in_post(today)))


def _judgements(*conditions):
    """End-of-year teaching judgements made in the person's first three years."""
    return exists().select_from(reviews.join(appraisals, appraisals.c.appraisal_id == reviews.c.appraisal_id)).where(
        appraisals.c.reviewee_id == staff.c.staff_id, reviews.c.stage == "end_of_year",
        reviews.c.teaching_judgement.is_not(None), reviews.c.completed_on <= staff.c.third_anniversary_on,
        *conditions)


def _consistently_good():
    return and_(_judgements(), ~_judgements(reviews.c.teaching_judgement != "good_or_better"))


def teaching_good_units(d: Definition, today: date):
    return select(staff.c.academy_id, counted(_consistently_good())).where(
        staff.c.staff_type == "teaching", in_post(today), staff.c.third_anniversary_on > d.since(today),
        staff.c.third_anniversary_on <= today)


def _completed_this_school_year(d: Definition, today: date):
    """Completions this school year (from 1 September), within the target's window, up to today."""
    return and_(completions.c.completed_on >= school_year_start(today), completions.c.completed_on > d.since(today),
                completions.c.completed_on <= today)


def training_linked_units(d: Definition, today: date):
    return select(completions.c.academy_id, counted(completions.c.development_need_id.is_not(None))).where(
        _completed_this_school_year(d, today))


UNITS = {
    "development_programme_within_12_months": development_programme_units,
    "induction_for_new_starters": induction_units,
    "reviews_on_time": reviews_on_time_units,
    "objectives_agreed_on_time": objectives_agreed_on_time_units,
    "appraisers_trained": appraisers_trained_units,
    "promoted_have_plan": promoted_have_plan_units,
    "training_agreements_in_place": training_agreements_units,
    "future_leaders_offered": future_leaders_units,
    "teaching_good_within_three_years": teaching_good_units,
    "training_linked_to_appraisal": training_linked_units,
}


# -- early career teachers: the rows read here, each judged by its rule in domain/ects.py ---------------------

def _inductions(session: Session, *conditions) -> list[ects.Induction]:
    i = ect_inductions.c
    query = select(i.induction_id, i.staff_id, i.academy_id, i.starts_on, i.both_named_on, i.ended_on, i.outcome).where(
        i.starts_on.is_not(None), *conditions)
    return [ects.Induction(**row._mapping) for row in session.execute(query)]


def tutor_and_mentor_units(session: Session, d: Definition, today: date) -> list[ects.Unit]:
    since = d.since(today)
    return [u for i in _inductions(session) if (u := ects.tutor_and_mentor(i, d.period, since, today))]


def ect_reviews_units(session: Session, d: Definition, today: date) -> list[ects.Unit]:
    since, r = d.since(today), ect_reviews.c
    query = (select(r.induction_id, r.staff_id, r.academy_id, r.kind, r.due_on, r.held_on,
                    ect_inductions.c.outcome.is_not(None).label("ended"))
             .select_from(ect_reviews.outerjoin(ect_inductions, ect_inductions.c.induction_id == r.induction_id))
             .where(r.due_on > since))
    units = []
    for row in session.execute(query):
        review = ects.ReviewDue(row.induction_id, row.staff_id, row.academy_id, row.kind, row.due_on, row.held_on)
        if unit := ects.held_on_time(review, bool(row.ended), since, today):
            units.append(unit)
    return units


def ect_timetable_units(session: Session, d: Definition, today: date) -> list[ects.Unit]:
    since, t = d.since(today), ect_terms.c
    query = select(t.induction_id, t.staff_id, t.academy_id, t.school_year, t.term_number, t.percent, t.cap_percent,
                   t.recorded_on).where(t.recorded_on > since, t.recorded_on <= today)
    return [u for row in session.execute(query)
            if (u := ects.reduction_given(ects.TermTaught(**row._mapping), since, today))]


def ects_retained_units(session: Session, d: Definition, today: date) -> list[ects.Unit]:
    since = d.since(today)
    passed = _inductions(session, ect_inductions.c.outcome == "passed")
    leaving = dict(session.execute(select(staff.c.staff_id, staff.c.leaving_date)
                                   .where(staff.c.staff_id.in_({i.staff_id for i in passed}))).all()) if passed else {}
    return [u for i in passed if (u := ects.retained(i, leaving.get(i.staff_id), d.period, since, today))]


EARLY_CAREER = {
    "ect_tutor_and_mentor": tutor_and_mentor_units,
    "ect_reviews_on_time": ect_reviews_units,
    "ect_timetable_reduction": ect_timetable_units,
    "ects_retained": ects_retained_units,
}


def early_career_figures(session: Session, d: Definition, today: date) -> dict[uuid.UUID | None, Figure]:
    found: dict[uuid.UUID | None, Figure] = {}
    for unit in EARLY_CAREER[d.key](session, d, today):
        if d.academy_ids and unit.academy_id not in d.academy_ids:
            continue
        figure = found.setdefault(unit.academy_id, Figure(unit.academy_id))
        figure.denominator += 1
        figure.numerator += int(unit.counted)
    found[None] = Figure(None, sum(f.numerator for f in found.values()), sum(f.denominator for f in found.values()))
    return found


def early_career_people(session: Session, d: Definition, today: date,
                        academy_ids: list[uuid.UUID] | None) -> list[dict]:
    listed = [u for u in EARLY_CAREER[d.key](session, d, today) if u.state is not None
              and (not d.academy_ids or u.academy_id in d.academy_ids)
              and (academy_ids is None or u.academy_id in academy_ids)]
    people = {row.staff_id: row for row in session.execute(
        select(staff.c.staff_id, staff.c.first_name, staff.c.last_name, staff.c.post)
        .where(staff.c.staff_id.in_({u.staff_id for u in listed})))} if listed else {}
    names = academy_names(session)
    rows = [{"staff_id": u.staff_id, "academy_id": u.academy_id, "state": u.state, "due_on": u.due_on,
             "about": u.about, "first_name": getattr(people.get(u.staff_id), "first_name", None),
             "last_name": getattr(people.get(u.staff_id), "last_name", None),
             "post": getattr(people.get(u.staff_id), "post", None), "academy_name": names.get(u.academy_id)}
            for u in listed]
    return sorted(rows, key=lambda p: (p["due_on"], p["last_name"] or "", p["first_name"] or "", str(p["staff_id"]),
                                       p["about"] or ""))


def figures(session: Session, d: Definition, today: date) -> dict[uuid.UUID | None, Figure]:
    """The target's figure for each academy with anyone to count, and for the trust (key None)."""
    if d.key in EARLY_CAREER:
        return early_career_figures(session, d, today)
    if d.key == ENGAGEMENT:
        return engagement(session, d, today)
    if d.key == SATISFACTION:
        return satisfaction_with_investment(session, d, today)
    units = UNITS[d.key](d, today).subquery("units")
    query = (select(units.c.academy_id, func.count(), func.coalesce(func.sum(units.c.counted), 0))
             .group_by(units.c.academy_id))
    if d.academy_ids:
        query = query.where(units.c.academy_id.in_(d.academy_ids))
    found = {row[0]: Figure(row[0], int(row[2]), int(row[1])) for row in session.execute(query)}
    found[None] = Figure(None, sum(f.numerator for f in found.values()), sum(f.denominator for f in found.values()))
    return found


# -- engagement: the latest published survey figures against the benchmarks ----------------------------

def latest_runs(d: Definition, today: date, latest: int, *conditions):
    """Survey rows of the runs that count, per scope (academy_id None: the trust), newest run first: runs that closed
    in the window and covered every staff type; the trust's only from runs covering every academy. `rank` 1 is
    the latest run for the scope, 2 the one before, up to `latest`."""
    f = survey_figures
    latest_first = func.rank().over(partition_by=f.c.academy_id, order_by=(f.c.closes_on.desc(),
                                                                           f.c.published_at.desc(), f.c.run_id))
    ranked = (select(f, latest_first.label("rank"))
              .where(f.c.every_staff_type.is_(True), f.c.closes_on > d.since(today), f.c.closes_on <= today,
                     or_(f.c.academy_id.is_not(None), f.c.every_academy.is_(True)), *conditions)
              .subquery("ranked"))
    query = select(ranked).where(ranked.c.rank <= latest)
    if d.academy_ids:
        query = query.where(or_(ranked.c.academy_id.is_(None), ranked.c.academy_id.in_(d.academy_ids)))
    return query


def engagement(session: Session, d: Definition, today: date) -> dict[uuid.UUID | None, Figure]:
    query = latest_runs(d, today, 1)
    latest: dict[uuid.UUID | None, dict[str, object]] = {}
    for row in session.execute(query):
        latest.setdefault(row.academy_id, {})[row.figure] = row
    return {academy_id: d.against_benchmarks(academy_id, rows) for academy_id, rows in latest.items()}


# -- satisfaction rising in line with investment in development --------------------------------------

def investment(session: Session, academy_ids: list[uuid.UUID] | None, after: date, until: date) -> dict:
    """{academy: (CPD spend, learning hours, staff in post on `until`)}: places confirmed after `after` up to
    `until`, by the academy they were confirmed for; academies None: all."""
    spend = (select(enrolments.c.academy_id, func.coalesce(func.sum(enrolments.c.cost), 0),
                    func.coalesce(func.sum(enrolments.c.hours), 0))
             .where(enrolments.c.enrolled_on > after, enrolments.c.enrolled_on <= until)
             .group_by(enrolments.c.academy_id))
    heads = (select(staff.c.academy_id, func.count()).where(staff.c.start_date <= until, in_post(until))
             .group_by(staff.c.academy_id))
    if academy_ids is not None:
        spend = spend.where(enrolments.c.academy_id.in_(academy_ids))
        heads = heads.where(staff.c.academy_id.in_(academy_ids))
    spent = {row[0]: (Decimal(str(row[1])), Decimal(str(row[2]))) for row in session.execute(spend)}
    return {academy_id: (*spent.get(academy_id, (Decimal(0), Decimal(0))), count)
            for academy_id, count in session.execute(heads)}


def investment_by_staff_type(session: Session, academy_ids: list[uuid.UUID], after: date, until: date) -> dict:
    """{staff type: (CPD spend, learning hours, staff in post on `until`)} at these academies, as `investment` counts
    them; a place goes by the staff type its holder has in the staff copy (a place of someone never in it: none)."""
    spend = (select(staff.c.staff_type, func.coalesce(func.sum(enrolments.c.cost), 0),
                    func.coalesce(func.sum(enrolments.c.hours), 0))
             .select_from(enrolments.join(staff, staff.c.staff_id == enrolments.c.staff_id))
             .where(enrolments.c.academy_id.in_(academy_ids), enrolments.c.enrolled_on > after,
                    enrolments.c.enrolled_on <= until)
             .group_by(staff.c.staff_type))
    heads = (select(staff.c.staff_type, func.count())
             .where(staff.c.academy_id.in_(academy_ids), staff.c.start_date <= until, in_post(until))
             .group_by(staff.c.staff_type))
    spent = {row[0]: (Decimal(str(row[1])), Decimal(str(row[2]))) for row in session.execute(spend)}
    return {kind: (*spent.get(kind, (Decimal(0), Decimal(0))), count) for kind, count in session.execute(heads)}


def _latest_two_surveys(session: Session, d: Definition, today: date) -> list:
    """The latest two runs that closed in the window, asked every academy and staff type and published the trust's
    job satisfaction: newest first."""
    f = survey_figures
    runs = (select(f.c.run_id, f.c.title, f.c.closes_on, f.c.published_at).distinct()
            .where(f.c.every_academy.is_(True), f.c.every_staff_type.is_(True), f.c.academy_id.is_(None),
                   f.c.figure == SATISFACTION_FIGURE, f.c.favourable.is_not(None),
                   f.c.closes_on > d.since(today), f.c.closes_on <= today)
            .order_by(f.c.closes_on.desc(), f.c.published_at.desc(), f.c.run_id).limit(2))
    return session.execute(runs).all()


def _not_compared(latest, previous) -> str | None:
    """Why wellbeing's comparability rule would not show a figure's change for one academy: "hidden" (its figure
    was hidden, or not there, in either survey) or "changed" (a pair nobody counted, or the people answering changed
    by fewer than the minimum group, issue 19); None: it would."""
    if latest is None or previous is None or latest.favourable is None or previous.favourable is None:
        return "hidden"
    # kept by whichever run closed second, which need not be the later in date; never counted: not compared
    changed = (latest.turnover or {}).get(str(previous.run_id), (previous.turnover or {}).get(str(latest.run_id)))
    skipped = (latest.responses - latest.n) + (previous.responses - previous.n)
    smallest = max(latest.min_group_size or MIN_GROUP_SIZE, previous.min_group_size or MIN_GROUP_SIZE)
    if changed is None or not comparable(latest.n, previous.n, changed, smallest, skipped):
        return "changed"
    return None


def _change(latest, previous) -> Change | None:
    """A figure's change for one academy, or None where it may not be shown (`_not_compared`)."""
    if _not_compared(latest, previous):
        return None
    return Change(previous.favourable, latest.favourable, previous.n, latest.n)


def satisfaction_with_investment(session: Session, d: Definition, today: date) -> dict[uuid.UUID | None, Figure]:
    """Each academy compared between the latest two surveys, judged pair by pair (domain/investment.py)."""
    surveys = _latest_two_surveys(session, d, today)
    if len(surveys) < 2:
        return {}
    latest, previous = surveys
    f = survey_figures
    rows: dict[tuple, object] = {}
    query = select(f).where(f.c.run_id.in_([latest.run_id, previous.run_id]), f.c.academy_id.is_not(None),
                            f.c.figure.in_([SATISFACTION_FIGURE, USEFUL_FIGURE]))
    if d.academy_ids:
        query = query.where(f.c.academy_id.in_(d.academy_ids))
    for row in session.execute(query):
        rows[row.run_id, row.academy_id, row.figure] = row
    money = investment(session, list(d.academy_ids) or None, previous.closes_on, latest.closes_on)
    groups, left_out = [], []
    # every academy with a figure in either survey or staff in post: one not compared is named, with why (outsider,
    # issue 23: Riverside was left out and nothing said so)
    for academy_id in sorted({a for _, a, _ in rows} | set(money), key=str):
        def pair(figure):
            return rows.get((latest.run_id, academy_id, figure)), rows.get((previous.run_id, academy_id, figure))
        (spent, hours, heads), why = money.get(academy_id, (0, 0, 0)), _not_compared(*pair(SATISFACTION_FIGURE))
        if why is None and heads:
            groups.append(Group(academy_id, spent, hours, heads, _change(*pair(SATISFACTION_FIGURE)),
                                _change(*pair(USEFUL_FIGURE))))
        else:
            left_out.append({"academy_id": academy_id, "reason": why or "no_staff"})
    compared = [g.academy_id for g in groups]
    found = investment_figures(groups, investment_by_staff_type(session, compared, previous.closes_on, latest.closes_on)
                               if compared else {})
    for academy_id in {a for _, a, _ in rows} - set(found):  # shown in a survey, not compared: says so, no figure
        found[academy_id] = Figure(academy_id, investment=found[None].investment)
    for figure in found.values():
        figure.investment = {**figure.investment, "left_out": left_out, "surveys": [
            {"title": run.title, "closes_on": run.closes_on} for run in (previous, latest)]}
    return found


# -- who is not counted -----------------------------------------------------------------------------------

def development_programme_people(d: Definition, today: date):
    return select(staff.c.staff_id, staff.c.academy_id,
                  case((staff.c.first_year_ends_on <= today, "missed"), else_="due_soon").label("state"),
                  staff.c.first_year_ends_on.label("due_on"), null().label("about")).where(
        in_post(today), ~_development_programme(), staff.c.first_year_ends_on > d.since(today),
        staff.c.start_date <= add_months(today, -DEVELOPMENT_DUE_SOON_AFTER_MONTHS))


def induction_people(d: Definition, today: date):
    return select(staff.c.staff_id, staff.c.academy_id, literal("no_induction").label("state"),
                  staff.c.start_date.label("due_on"), null().label("about")).where(
        in_post(today), staff.c.start_date > d.since(today), staff.c.start_date <= today, ~_inducted())


def _on_time_people(stages: tuple[str, ...]):
    def people(d: Definition, today: date):
        return (select(appraisals.c.reviewee_id.label("staff_id"), appraisals.c.academy_id,
                       case((reviews.c.completed_on.is_(None), "overdue"), else_="late").label("state"),
                       reviews.c.due_on, reviews.c.stage.label("about"))
                .select_from(reviews.join(appraisals, appraisals.c.appraisal_id == reviews.c.appraisal_id))
                .where(_owed(d, today, stages), reviews.c.on_time.is_not(True)))
    return people


reviews_on_time_people, objectives_agreed_on_time_people = _on_time_people(REVIEWS), _on_time_people(OBJECTIVES)


def appraisers_trained_people(d: Definition, today: date):
    untrained = (select(reviews.c.appraiser_id.label("staff_id"), appraisals.c.academy_id,
                        func.max(reviews.c.completed_on).label("due_on"))
                 .select_from(reviews.join(appraisals, appraisals.c.appraisal_id == reviews.c.appraisal_id))
                 .where(_completed_in_window(d, today), reviews.c.appraiser_untrained.is_(True),
                        reviews.c.appraiser_id.is_not(None))
                 .group_by(reviews.c.appraiser_id, appraisals.c.academy_id).subquery("untrained"))
    trained = appraisal_training.c.trained_on
    return (select(untrained.c.staff_id, untrained.c.academy_id,
                   case((trained >= untrained.c.due_on, "trained_since"), else_="untrained").label("state"),
                   untrained.c.due_on, cast(trained, String).label("about"))
            .select_from(untrained.outerjoin(appraisal_training, appraisal_training.c.staff_id == untrained.c.staff_id)))


def promoted_have_plan_people(d: Definition, today: date):
    return (select(promotions.c.staff_id, staff.c.academy_id, literal("no_plan").label("state"),
                   promotions.c.effective_date.label("due_on"), promotions.c.post.label("about"))
            .select_from(promotions.join(staff, staff.c.staff_id == promotions.c.staff_id))
            .where(in_post(today), promotions.c.effective_date > d.since(today), ~_planned()))


def training_agreements_people(d: Definition, today: date):
    return select(agreements.c.staff_id, agreements.c.academy_id, literal("unsigned").label("state"),
                  agreements.c.required_on.label("due_on"), agreements.c.programme_title.label("about")).where(
        _agreement_due(d, today), agreements.c.signed_on.is_(None))


def future_leaders_people(d: Definition, today: date):
    nominees = _nominees(d, today)
    offered = exists().where(offers.c.staff_id == nominees.c.staff_id, offers.c.offered_on >= nominees.c.nominated_on)
    return (select(staff.c.staff_id, staff.c.academy_id, literal("not_offered").label("state"),
                   nominees.c.nominated_on.label("due_on"), null().label("about"))
            .select_from(nominees.join(staff, staff.c.staff_id == nominees.c.staff_id))
            .where(in_post(today), ~offered))


def teaching_good_people(d: Definition, today: date):
    missed = select(staff.c.staff_id, staff.c.academy_id, literal("missed").label("state"),
                    staff.c.third_anniversary_on.label("due_on"), null().label("about")).where(
        staff.c.staff_type == "teaching", in_post(today), staff.c.third_anniversary_on > d.since(today),
        staff.c.third_anniversary_on <= today, ~_consistently_good())
    at_risk = select(staff.c.staff_id, staff.c.academy_id, literal("at_risk").label("state"),
                     staff.c.third_anniversary_on.label("due_on"), null().label("about")).where(
        staff.c.staff_type == "teaching", in_post(today), staff.c.third_anniversary_on > today,
        _judgements(reviews.c.teaching_judgement != "good_or_better"))
    return union_all(missed, at_risk)


def training_linked_people(d: Definition, today: date):
    return select(completions.c.staff_id, completions.c.academy_id, literal("not_linked").label("state"),
                  completions.c.completed_on.label("due_on"), completions.c.programme_title.label("about")).where(
        _completed_this_school_year(d, today), completions.c.development_need_id.is_(None))


PEOPLE = {
    "development_programme_within_12_months": development_programme_people,
    "induction_for_new_starters": induction_people,
    "reviews_on_time": reviews_on_time_people,
    "objectives_agreed_on_time": objectives_agreed_on_time_people,
    "appraisers_trained": appraisers_trained_people,
    "promoted_have_plan": promoted_have_plan_people,
    "training_agreements_in_place": training_agreements_people,
    "future_leaders_offered": future_leaders_people,
    "teaching_good_within_three_years": teaching_good_people,
    "training_linked_to_appraisal": training_linked_people,
}
if not set(UNITS) | SURVEYED | set(EARLY_CAREER) == set(TARGETS) == set(PEOPLE) | SURVEYED | set(EARLY_CAREER):
    raise RuntimeError("UNITS and PEOPLE (or EARLY_CAREER) must cover exactly the targets in TARGETS (surveyed ones "
                       "apart)")  # a check that `python -O` keeps


def people(session: Session, d: Definition, today: date, academy_ids: list[uuid.UUID] | None) -> list[dict]:
    """Who is not counted (or soon will not be), with their names from the staff copy; academy_ids None: all."""
    if d.key in EARLY_CAREER:
        return early_career_people(session, d, today, academy_ids)
    listed = PEOPLE[d.key](d, today).subquery("listed")
    query = (select(listed, staff.c.first_name, staff.c.last_name, staff.c.post, academies.c.name.label("academy_name"))
             .select_from(listed.outerjoin(staff, staff.c.staff_id == listed.c.staff_id)
                          .outerjoin(academies, academies.c.academy_id == listed.c.academy_id))
             .order_by(listed.c.due_on, staff.c.last_name, staff.c.first_name, listed.c.staff_id, listed.c.about))
    if d.academy_ids:
        query = query.where(listed.c.academy_id.in_(d.academy_ids))
    if academy_ids is not None:
        query = query.where(listed.c.academy_id.in_(academy_ids))
    return [dict(row._mapping) for row in session.execute(query)]


def known_academies(session: Session) -> list[uuid.UUID]:
    """Every academy the read model has heard of: by name, or as someone's academy."""
    named = select(academies.c.academy_id)
    staffed = select(staff.c.academy_id).distinct()
    return sorted({row[0] for row in session.execute(union_all(named, staffed))}, key=str)


def academy_names(session: Session) -> dict[uuid.UUID, str]:
    return {row.academy_id: row.name for row in session.execute(select(academies))}


class Measures(Repository):
    """The figures and the people behind them, read from the read model (the functions above, looked up when
    called)."""

    def figures(self, d: Definition, today: date) -> dict[uuid.UUID | None, Figure]:
        return figures(self.session, d, today)

    def people(self, d: Definition, today: date, academy_ids: list[uuid.UUID] | None) -> list[dict]:
        return people(self.session, d, today, academy_ids)

    def known_academies(self) -> list[uuid.UUID]:
        return known_academies(self.session)

    def academy_names(self) -> dict[uuid.UUID, str]:
        return academy_names(self.session)
