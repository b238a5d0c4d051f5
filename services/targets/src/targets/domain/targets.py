"""The trust's staff targets: what each one counts, its default threshold and window, and how a figure is judged."""
from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Status(StrEnum):
    MET = "met"              # at or above the threshold
    ON_TRACK = "on_track"    # below the threshold, at or above the at-risk line, deadline not passed
    AT_RISK = "at_risk"      # below the at-risk line, deadline not passed
    MISSED = "missed"        # below the threshold and the deadline has passed
    NO_DATA = "no_data"      # nobody (or no survey) to count yet


ANNOUNCED = {Status.MET: "targets.met", Status.AT_RISK: "targets.at_risk", Status.MISSED: "targets.at_risk"}

INDUCTION_KINDS = ("staff_induction", "ect_induction")
# Leadership development that counts as "offered external CPD" to a future leader, beside shadowing and secondment.
LEADERSHIP_KINDS = ("npq", "external_course", "middle_leadership")
STATISTICS = ("mean", "favourable")
# The survey figure for "I am satisfied with my job" (wellbeing's trust.satisfied); its % favourable is compared.
SATISFACTION_FIGURE = "trust.satisfied"
# Satisfaction keeps in line when its % favourable changes by at least this many points between two surveys.
SATISFACTION_RISE_POINTS = 0.0
MIN_GROUP_SIZE = 5  # wellbeing's smallest group, for survey figures kept before each run's own was


class DefinitionError(ValueError):
    """A target definition that makes no sense (HTTP 422)."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), kept within the month: 31 January + 1 month is 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def percent(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(100 * numerator / denominator, 1)


def comparable(answered: int, answered_before: int, changed: int, min_group: int, skipped: int) -> bool:
    """Whether two surveys' figures for a group may be compared: not when the number answering, or the people
    answering (`changed`: who answered one survey and not the other), changed by fewer than the minimum group,
    since the difference would then be the answers of the few who came or went. Nor when those who came or went
    plus those who skipped the question in either survey (`skipped`) are fewer than the minimum group: two people
    swapping who skipped it keep both counts and change nobody, yet the difference is their two answers."""
    return all(difference == 0 or difference >= min_group
               for difference in (abs(answered - answered_before), changed, changed + skipped))


def in_line(spent: Decimal, heads: int, spent_before: Decimal, heads_before: int, satisfied: float,
            satisfied_before: float) -> bool | None:
    """satisfaction_with_investment for one scope: CPD spend per head rose or held (compared exactly) and
    satisfaction % favourable did not fall by more than SATISFACTION_RISE_POINTS allows. None: nobody in post."""
    if heads == 0 or heads_before == 0:
        return None
    spend_held = spent * heads_before >= spent_before * heads  # spent / heads >= spent_before / heads_before
    return spend_held and satisfied - satisfied_before >= SATISFACTION_RISE_POINTS


@dataclass(frozen=True)
class Benchmark:
    """One survey figure the trust compares with a benchmark (engagement target only)."""

    figure: str                   # a wellbeing measure key, e.g. "enps", "ons.life_satisfaction"
    statistic: str                # "mean" (the measure's score) or "favourable" (% answering favourably)
    value: float
    higher_is_better: bool = True
    source: str = ""

    def met_by(self, found: float | None) -> bool | None:
        if found is None:
            return None
        return found >= self.value if self.higher_is_better else found <= self.value


@dataclass(frozen=True)
class Definition:
    """What the trust sets for a target (PUT /targets/<key>); every field has a default from the strategic plan."""

    key: str
    threshold: float = 100.0          # % at or above which the target is met
    at_risk_below: float = 90.0       # % below which it is at risk (between the two: on track)
    window_months: int = 12           # how far back the target looks (see each target's definition)
    deadline: date | None = None      # after this day, a target not met is missed; none: a rolling target
    academy_ids: tuple[uuid.UUID, ...] = ()   # the academies it covers; empty: every academy
    benchmarks: tuple[Benchmark, ...] = ()

    def __post_init__(self):
        if not 0 <= self.at_risk_below <= self.threshold <= 100:
            raise DefinitionError(f"need 0 <= at_risk_below <= threshold <= 100 (got at_risk_below "
                                  f"{self.at_risk_below}, threshold {self.threshold})")
        if not 1 <= self.window_months <= 120:
            raise DefinitionError(f"window_months must be between 1 and 120 (got {self.window_months})")
        if self.benchmarks and not TARGETS[self.key].uses_benchmarks:
            raise DefinitionError(f"{self.key} counts people, not survey figures: it takes no benchmarks")
        if TARGETS[self.key].uses_benchmarks and not self.benchmarks:
            raise DefinitionError(f"{self.key} needs at least one benchmark to compare survey figures with")
        for b in self.benchmarks:
            if b.statistic not in STATISTICS:
                raise DefinitionError(f"benchmark statistic must be one of {', '.join(STATISTICS)} (got {b.statistic!r})")

    def since(self, today: date) -> date:
        """The start of the window (exclusive): what happened on or before this day is out of it."""
        return add_months(today, -self.window_months)

    def status(self, numerator: int, denominator: int, today: date) -> Status:
        return judge(numerator, denominator, self.threshold, self.at_risk_below, self.deadline, today)

    def covers(self, academy_id: uuid.UUID | None) -> bool:
        return academy_id is None or not self.academy_ids or academy_id in self.academy_ids


def judge(numerator: int, denominator: int, threshold: float, at_risk_below: float, deadline: date | None,
          today: date) -> Status:
    """Compared exactly (99.96 % is not 100 %); the deadline day itself still counts as in time."""
    if denominator == 0:
        return Status.NO_DATA
    share = 100 * numerator
    if share >= threshold * denominator:
        return Status.MET
    if deadline is not None and today > deadline:
        return Status.MISSED
    if share >= at_risk_below * denominator:
        return Status.ON_TRACK
    return Status.AT_RISK


@dataclass(frozen=True)
class Target:
    key: str
    title: str
    definition: str                          # exactly what is counted, shown to HR beside the figure
    lists_people: bool = True                # whose absence from the count HR can see (never for surveys)
    uses_benchmarks: bool = False
    defaults: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)  # why someone is listed, by state; due_on is the date it refers to

    def default(self) -> Definition:
        return Definition(key=self.key, **self.defaults)


# Benchmarks the engagement target starts with. ONS's UK mean life satisfaction (April 2022 to March 2023,
# published 7 November 2023, the figure the wellbeing service reports beside ONS4); no national eNPS is
# published, so the starting line is a positive score (more promoters than detractors).
DEFAULT_BENCHMARKS = (
    Benchmark("enps", "mean", 0.0, True, "the trust's own line: more promoters than detractors"),
    Benchmark("ons.life_satisfaction", "mean", 7.45, True,
              "ONS, Personal well-being in the UK, April 2022 to March 2023"),
)

TARGETS: dict[str, Target] = {t.key: t for t in (
    Target(
        "development_programme_within_12_months",
        "Every colleague on a personalised development programme within 12 months of joining",
        "Staff in post whose first year ended in the window (start date + 12 months falls in the last "
        "window_months, up to today): the share with a confirmed place (cpd.enrolled) on a development "
        "programme of any kind except induction, confirmed on or before the first anniversary of their start "
        "date. People listed: staff in post for 9 months or more with no such place yet (due_soon), and those "
        "whose first year ended without one (missed).",
        states={"due_soon": "no development programme yet; the first year ends on due_on",
                "missed": "the first year ended on due_on with no development programme"}),
    Target(
        "induction_for_new_starters",
        "An induction programme for every new starter",
        "Staff in post who started in the window (start date in the last window_months, up to today): the share "
        "with a confirmed place (cpd.enrolled) on a staff_induction or ect_induction programme, at any time. A "
        "confirmed place is counted rather than cpd.plan_created's induction_suggested or a plan item: those "
        "are suggestions, a place on a cohort shows the induction is really happening. People listed: new "
        "starters with no induction place.",
        states={"no_induction": "started on due_on; no place on an induction programme"}),
    Target(
        "reviews_on_time",
        "Reviews done for every member of staff in each appraisal cycle, on time",
        "Mid-year and end-of-year reviews of every appraisal opened (appraisal.appraisal_opened) whose due date "
        "is in the window (after today minus window_months) and which are decided: completed "
        "(appraisal.review_completed), or past their due date and not completed. Reviews of appraisals closed "
        "or withdrawn before completion (appraisal.closed: the reviewee left) are not counted. The share "
        "completed on time (the review's on_time). People listed: reviewees whose review is overdue or was "
        "late.",
        states={"overdue": "the review (about: its stage) was due on due_on and is not done",
                "late": "the review (about: its stage) was done after its due date, due_on"}),
    Target(
        "appraisers_trained",
        "Line managers trained to run appraisals before they run them",
        "Reviews completed (appraisal.review_completed) in the window (completed in the last window_months): "
        "the share whose appraiser had completed appraisal training (appraiser_untrained false). People "
        "listed: appraisers who ran a review untrained, with the date they have trained since (cpd.completed "
        "of appraisal training), if they have.",
        states={"untrained": "ran a review untrained, the latest on due_on, and has not trained since",
                "trained_since": "ran a review untrained, the latest on due_on; trained since (about: the date)"}),
    Target(
        "promoted_have_plan",
        "Every promoted colleague has a development plan",
        "Promotions (staff.promoted) effective in the window (effective date after today minus window_months, "
        "future dates included) of staff still in post: the share followed by a development plan for the new "
        "role, i.e. cpd.plan_created with reason 'promoted' for that person, made on or after the day the "
        "promotion was recorded. People listed: promoted colleagues with no such plan.",
        states={"no_plan": "promoted (about: the new post) effective due_on; no development plan for the role"}),
    Target(
        "training_agreements_in_place",
        "Training agreements in place for significant development programmes",
        "Training agreements required (cpd.agreement_required, for programmes costing at or above the trust's "
        "agreement threshold) in the window (required in the last window_months): the share signed "
        "(cpd.agreement_signed). People listed: those whose agreement is not signed.",
        states={"unsigned": "training agreement for the programme in about, required on due_on, not signed"}),
    Target(
        "future_leaders_offered",
        "Future leaders identified, told, and offered shadowing, secondments or external CPD",
        "Staff in post nominated as future leaders (cpd.future_leader_nominated) in the window (first nomination "
        "in the last window_months): the share offered, on or after that nomination, shadowing "
        "(cpd.shadowing_arranged), a secondment (cpd.secondment_started) or a place on leadership CPD "
        "(cpd.enrolled on an NPQ, external course or middle leadership programme). People listed: nominees "
        "with no offer yet.",
        states={"not_offered": "nominated on due_on; no shadowing, secondment or leadership CPD offered since"}),
    Target(
        "engagement_vs_benchmark",
        "Staff engagement and wellbeing at or above national benchmarks",
        "The latest published survey results (wellbeing.results_published) of a run that closed in the window "
        "and covered every staff type: trust-wide from the latest run covering every academy, per academy from "
        "the latest run showing that academy (groups below the minimum size are never published). The share of "
        "the configured benchmarks met (each: a measure's mean or % favourable, at or above the benchmark, or "
        "at or below it where lower is better). Anonymous: nobody is listed.",
        lists_people=False, uses_benchmarks=True,
        defaults={"at_risk_below": 50.0, "window_months": 18, "benchmarks": DEFAULT_BENCHMARKS}),
    Target(
        "satisfaction_with_investment",
        "Job satisfaction rising in line with investment in staff development",
        "The latest two published surveys (wellbeing.results_published) that closed in the window and covered "
        "every staff type, with a % favourable for trust.satisfied ('I am satisfied with my job'): trust-wide "
        "from runs covering every academy, per academy from runs showing that academy (as engagement chooses "
        "runs). Investment is CPD spend per head: the cost of confirmed places (cpd.enrolled) at the academy "
        "(trust-wide: every academy covered), dated by the day the place was confirmed (the event's occurred_at, "
        "not starts_on), divided by the staff in post on the period's last day (staff copy). The latest period "
        "runs from the day after the previous survey closed to the day the latest closed; it is compared with "
        "the period of the same length just before. Each scope counts 1 of 1 (100 %, met) when spend per head "
        "rose or held AND satisfaction % favourable did not fall (a change of at least 0.0 points), else 0 of 1 "
        "(0 %, at risk): satisfaction fell, or spend per head fell. No data with fewer than two such surveys, "
        "nobody in post, or when the number or the people answering the satisfaction question changed by fewer "
        "than the surveys' minimum group between them (the difference would be those few people's answers). "
        "Anonymous: nobody is listed.",
        lists_people=False, defaults={"window_months": 24}),
    Target(
        "teaching_good_within_three_years",
        "Within three years of joining, teaching judged consistently good or better",
        "Teaching staff in post whose third anniversary of joining fell in the window (start date + 36 months "
        "in the last window_months, up to today): the share with at least one end-of-year review in their "
        "first three years (completed on or before the anniversary) giving a teaching judgement, and every "
        "such judgement good_or_better. People listed: those who missed it, and teachers not yet at their "
        "third anniversary with a judgement below good (at_risk).",
        states={"missed": "third anniversary on due_on without teaching judged consistently good or better",
                "at_risk": "a teaching judgement below good; third anniversary on due_on"}),
)}

FIRST_YEAR_MONTHS = 12        # "within 12 months of joining"
THIRD_ANNIVERSARY_MONTHS = 36  # "within three years of joining"
# A new starter with no development programme after this many months is listed as due soon.
DEVELOPMENT_DUE_SOON_AFTER_MONTHS = 9


def definition_from(key: str, values: dict) -> Definition:
    """A definition from stored or submitted values, anything missing taken from the target's default."""
    base = TARGETS[key].default()
    benchmarks = values.get("benchmarks")
    changes = {name: values[name] for name in ("threshold", "at_risk_below", "window_months", "deadline")
               if name in values}
    if "academy_ids" in values:
        changes["academy_ids"] = tuple(sorted(uuid.UUID(str(a)) for a in values["academy_ids"] or ()))
    if benchmarks is not None:
        changes["benchmarks"] = tuple(Benchmark(**b) for b in benchmarks)
    return replace(base, **changes)
