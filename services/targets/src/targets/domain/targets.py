"""The trust's staff targets: what each one counts, its default threshold and window, and how a figure is judged."""
from __future__ import annotations

import calendar
import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from enum import StrEnum

from staffroom_shared.figures import ratio


class Status(StrEnum):
    MET = "met"              # at or above the threshold
    ON_TRACK = "on_track"    # below the threshold, at or above the at-risk line, deadline not passed
    AT_RISK = "at_risk"      # below the at-risk line, deadline not passed
    MISSED = "missed"        # below the threshold and the deadline has passed
    NO_DATA = "no_data"      # nobody (or no survey) to count yet


INDUCTION_KINDS = ("staff_induction", "ect_induction")
# Leadership development that counts as "offered external CPD" to a future leader, beside shadowing and secondment.
LEADERSHIP_KINDS = ("npq", "external_course", "middle_leadership")
STATISTICS = ("mean", "favourable")
PERIOD_MOST = {"weeks": 52, "months": 60}  # the longest allowance an early career target takes
MIN_GROUP_SIZE = 5  # wellbeing's smallest group, for survey figures kept before each run's own was


class DefinitionError(ValueError):
    """A target definition that makes no sense (HTTP 422); `field` names the setting to change, `fix` says how."""

    def __init__(self, message: str, field: str | None = None, fix: str | None = None):
        super().__init__(message)
        self.field, self.fix = field, fix


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), kept within the month: 31 January + 1 month is 28/29 February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def percent(numerator: int, denominator: int) -> float | None:
    return ratio(numerator, denominator, 1, 100)  # a half up, as a hand count gives


@dataclass
class Figure:
    """A target's figure for one scope: how many of how many count (engagement: benchmarks met of those found)."""

    academy_id: uuid.UUID | None  # None: trust-wide
    numerator: int = 0
    denominator: int = 0
    benchmarks: list[dict] = field(default_factory=list)  # engagement: each benchmark and the figure found
    investment: dict | None = None  # satisfaction_with_investment: the academies compared (domain/investment.py)

    @property
    def value(self) -> float | None:
        return percent(self.numerator, self.denominator)


def comparable(answered: int, answered_before: int, changed: int, min_group: int, skipped: int) -> bool:
    """Whether two surveys' figures for a group may be compared: not when the number answering, or the people
    answering (`changed`: who answered one survey and not the other), changed by fewer than the minimum group,
    since the difference would then be the answers of the few who came or went. Nor when those who came or went
    plus those who skipped the question in either survey (`skipped`) are fewer than the minimum group: two people
    swapping who skipped it keep both counts and change nobody, yet the difference is their two answers."""
    return all(difference == 0 or difference >= min_group
               for difference in (abs(answered - answered_before), changed, changed + skipped))


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
    period: int | None = None         # the early career targets' own allowance, in the target's `period_unit`

    def __post_init__(self):
        # In words HR read beside the form (issue 20); the field is named in the problem's pointer.
        for name, value in (("threshold", self.threshold), ("at_risk_below", self.at_risk_below)):
            if not 0 <= value <= 100:
                raise DefinitionError(f"a percentage runs from 0 to 100 (got {value:g})", name,
                                      "Enter a number from 0 to 100.")
        if self.at_risk_below > self.threshold:
            raise DefinitionError(f"the at-risk line ({self.at_risk_below:g}%) cannot be above the threshold "
                                  f"({self.threshold:g}%): lower the at-risk line or raise the threshold",
                                  "at_risk_below", f"Set it at or below the threshold ({self.threshold:g}%).")
        if not 1 <= self.window_months <= 120:
            raise DefinitionError(f"a target looks back between 1 and 120 months (got {self.window_months})",
                                  "window_months", "Enter a number of months from 1 to 120.")
        if self.benchmarks and not TARGETS[self.key].uses_benchmarks:
            raise DefinitionError(f"{self.key} counts people, not survey figures: it takes no benchmarks", "benchmarks")
        if TARGETS[self.key].uses_benchmarks and not self.benchmarks:
            raise DefinitionError(f"{self.key} needs at least one benchmark to compare survey figures with",
                                  "benchmarks")
        unit = TARGETS[self.key].period_unit
        if unit is None and self.period is not None:
            raise DefinitionError("this target has no period of weeks or months to set", "period",
                                  "Leave the period out for this target.")
        if unit is not None and not (isinstance(self.period, int) and 1 <= self.period <= PERIOD_MOST[unit]):
            raise DefinitionError(f"this target's period runs from 1 to {PERIOD_MOST[unit]} {unit} (got "
                                  f"{self.period})", "period", f"Enter a number of {unit} from 1 to {PERIOD_MOST[unit]}.")
        for b in self.benchmarks:
            if b.statistic not in STATISTICS:
                raise DefinitionError(f"benchmark statistic must be one of {', '.join(STATISTICS)} (got {b.statistic!r})",
                                      "benchmarks")

    def since(self, today: date) -> date:
        """The start of the window (exclusive): what happened on or before this day is out of it."""
        return add_months(today, -self.window_months)

    def status(self, numerator: int, denominator: int, today: date) -> Status:
        return judge(numerator, denominator, self.threshold, self.at_risk_below, self.deadline, today)

    def covers(self, academy_id: uuid.UUID | None) -> bool:
        return academy_id is None or not self.academy_ids or academy_id in self.academy_ids

    def against_benchmarks(self, academy_id: uuid.UUID | None, survey: dict) -> Figure:
        """Engagement for one scope: of the benchmarks its latest survey has a figure for, how many that figure
        meets. `survey` holds the survey's rows by figure key (each with its mean, favourable, n, run_id, title and
        closes_on); a benchmark the survey has no figure for is shown, and not counted."""
        figure = Figure(academy_id)
        for b in self.benchmarks:
            row = survey.get(b.figure)
            value = getattr(row, b.statistic) if row is not None else None
            met = b.met_by(value)
            if met is not None:
                figure.denominator += 1
                figure.numerator += int(met)
            any_row = row or next(iter(survey.values()))
            figure.benchmarks.append({
                "figure": b.figure, "statistic": b.statistic, "benchmark": b.value,
                "higher_is_better": b.higher_is_better, "source": b.source, "value": value, "met": met,
                "n": row.n if row is not None else None, "run_id": any_row.run_id, "run_title": any_row.title,
                "closes_on": any_row.closes_on})
        return figure

    def settings(self) -> dict:
        """What the trust set, as kept and audited (academies as strings, benchmarks as dicts)."""
        return {"threshold": self.threshold, "at_risk_below": self.at_risk_below, "window_months": self.window_months,
                "deadline": self.deadline, "academy_ids": [str(a) for a in self.academy_ids],
                "benchmarks": [asdict(b) for b in self.benchmarks], "period": self.period}

    def changed(self, data: dict, *, partial: bool) -> "Definition":
        """The definition as trust HR send it: PUT (`partial` False) what was sent, anything left out back to its
        default; PATCH what was sent changes and the rest stays as it is here. Raises DefinitionError."""
        return definition_from(self.key, {**self.settings(), **data} if partial else data)


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
    period_unit: str | None = None           # "weeks" or "months": the trust sets how many (Definition.period)

    def default(self) -> Definition:
        return Definition(key=self.key, **self.defaults)

    def explained(self, d: Definition) -> str:
        """The definition as HR read it, with the trust's period put in ("within 2 weeks of starting")."""
        if self.period_unit is None:
            return self.definition
        unit = self.period_unit[:-1] if d.period == 1 else self.period_unit
        return self.definition.replace("{period}", f"{d.period} {unit}")


# DfE's statutory guidance ([S1], April 2024: docs/research/induction-guidance.md) has the headteacher "identify a
# person to act as the ECT's induction tutor" and "mentor" (2.42, 2.43) and ensure both can do the role (5.3); the
# appropriate body checks the ECT receives "a designated induction tutor and mentor" (5.8). It sets no number of
# days: they are part of the programme from its start. Appropriate bodies' own deadlines run to "within 10 working
# days of the induction start date" (Manchester's, in the research notes); two weeks is that allowance.
ASSIGN_WITHIN_WEEKS = 2
# Retention one year on, as DfE's School Workforce in England counts teachers "still teaching one year after
# qualification": 87.5% of those who qualified in 2020 (DfE, answer to parliamentary question 86460, 21 November
# 2022). Nationally that is leaving teaching in a state school; here leaving the trust, a year after passing. The
# starting line: met at 90%, at risk below the national 87.5%. The trust changes all three.
RETAINED_AFTER_MONTHS = 12

# Benchmarks the engagement target starts with. ONS's UK mean life satisfaction (April 2022 to March 2023,
# published 7 November 2023, the figure the wellbeing service reports beside ONS4); no national eNPS is
# published, so the starting line is a score of 0 or more: at least as many promoters as detractors (a benchmark is
# met at its value; outsider 7, issue 20: "more promoters than detractors" was shown beside a met 0).
DEFAULT_BENCHMARKS = (
    Benchmark("enps", "mean", 0.0, True, "the trust's own line: at least as many promoters as detractors"),
    Benchmark("ons.life_satisfaction", "mean", 7.45, True,
              "ONS, Personal well-being in the UK, April 2022 to March 2023"),
)

# Each definition is what HR read beside the figure, in words a head would count by hand from the other pages
# (issue 20: "Reviews done on time" explained itself with event names and window_months). How far back each looks
# is shown beside it ("Looks back 12 months"), so the definitions say "in the period it looks back over". Why a
# person is listed: {due_on} is the date it refers to, {about} what it is about (a post, a programme, a review).
TARGETS: dict[str, Target] = {t.key: t for t in (
    Target(
        "development_programme_within_12_months",
        "Every colleague on a personalised development programme within 12 months of joining",
        "Staff in post whose first year ended in the period this target looks back over: the share who had a "
        "confirmed place on a development programme (any kind but induction) by the end of their first year. "
        "Listed: those in their tenth month or later with no place yet, and those whose first year ended "
        "without one.",
        states={"due_soon": "no development programme yet; their first year ends on {due_on}",
                "missed": "their first year ended on {due_on} with no development programme"}),
    Target(
        "induction_for_new_starters",
        "An induction programme for every new starter",
        "Staff in post who started in the period this target looks back over: the share with a confirmed place "
        "on an induction programme (the trust's induction, or the early career induction). A suggestion in "
        "their development plan is not enough: a place on a course shows the induction is happening. Listed: "
        "new starters with no place on an induction programme.",
        states={"no_induction": "started on {due_on}; no place on an induction programme"}),
    Target(
        "objectives_agreed_on_time",
        "Objectives agreed on time for every member of staff",
        "Appraisals whose objectives were due in the period this target looks back over, up to today: the "
        "share whose objectives were agreed (by both people) on or before the due date, each person's own (a "
        "starter's counts from their first day). Appraisals not yet due are not counted; those of people who "
        "left first are not counted. Listed: people whose objectives are overdue or were agreed late.",
        states={"overdue": "objectives were due to be agreed by {due_on} and are not",
                "late": "objectives were agreed after their due date, {due_on}"}),
    Target(
        "reviews_on_time",
        "Reviews done for every member of staff in each appraisal cycle, on time",
        "Mid-year and end-of-year reviews due in the period this target looks back over, up to today: the share "
        "completed on or before their due date. A review not yet due counts once it is done (on time, as it was "
        "done early) and not before, so early in the year there may be little or nothing to count; a review past "
        "its due date and not done counts as not on time. Reviews of "
        "people who left before them are not counted. Listed: people whose review is overdue or was late.",
        states={"overdue": "the {about} was due on {due_on} and is not done",
                "late": "the {about} was done after its due date, {due_on}"}),
    Target(
        "appraisers_trained",
        "Line managers trained to run appraisals before they run them",
        "Appraisers who held a mid-year or end-of-year review in the period this target looks back over: the "
        "share who had completed appraisal training before every review they held. Listed: appraisers who held a "
        "review without the training, and when they have trained since, if they have.",
        states={"untrained": "held a review without appraisal training, the latest on {due_on}, and has not "
                             "trained since",
                "trained_since": "held a review without appraisal training, the latest on {due_on}; trained "
                                 "since, on {about}"}),
    Target(
        "promoted_have_plan",
        "Every promoted colleague has a development plan",
        "Promotions taking effect in the period this target looks back over (or later), of staff still in "
        "post: the share followed by a development plan for the new role, made on or after the day the "
        "promotion was recorded. Listed: promoted colleagues with no plan for their new role.",
        states={"no_plan": "promoted to {about} from {due_on}; no development plan for the new role"}),
    Target(
        "training_agreements_in_place",
        "Training agreements in place for significant development programmes",
        "Training agreements needed in the period this target looks back over (for programmes costing at least "
        "the trust's agreement threshold): the share signed. One not yet signed counts two weeks after it was "
        "needed, so there is time to read and sign it. Listed: people whose agreement is two weeks old or more and "
        "not signed.",
        states={"unsigned": "training agreement for {about}, needed since {due_on}, not signed"}),
    Target(
        "future_leaders_offered",
        "Future leaders identified, told, and offered shadowing, secondments or external CPD",
        "Staff in post first nominated as future leaders in the period this target looks back over: the share "
        "offered, since their nomination, shadowing, a secondment, or a place on leadership development (an "
        "NPQ, an external course or the middle leadership programme). Listed: nominees with no offer yet.",
        states={"not_offered": "nominated on {due_on}; no shadowing, secondment or leadership course offered "
                               "since"}),
    Target(
        "engagement_vs_benchmark",
        "Staff engagement and wellbeing at or above national benchmarks",
        "The latest staff survey that closed in the period this target looks back over and asked every staff "
        "type: for the whole trust, the latest that asked every academy; for an academy, the latest whose "
        "results show it (results of groups below the minimum size are never shown). The share of the "
        "benchmarks below that the survey's figures meet or beat. Anonymous: nobody is listed.",
        lists_people=False, uses_benchmarks=True,
        defaults={"at_risk_below": 50.0, "window_months": 18, "benchmarks": DEFAULT_BENCHMARKS}),
    Target(
        "satisfaction_with_investment",
        "Job satisfaction rising in line with investment in staff development",
        "The latest two staff surveys that closed in the period this target looks back over and asked every "
        "academy, every staff type and \"I am satisfied with my job\". For each academy whose results both surveys "
        "show: CPD spend per member of staff (the cost of places confirmed after the earlier survey closed, up to "
        "the day the later one closed, divided by the staff in post that day) and learning hours per member of "
        "staff (counted the same way, from programmes that say their hours), beside the change in the share "
        "satisfied with their job, and in the share who had useful development this year where both surveys "
        "asked it. Each pair of academies whose spend per head differs is in line when the one that spent more "
        "saw satisfaction rise more or fall less than the other (and useful development too, where both show "
        "it). The figure is the share of pairs in line: for the trust every pair, for an academy the pairs it "
        "is in. Too little data with fewer than three academies compared. An academy is not compared where the "
        "people answering changed by fewer than the minimum group between the surveys (the difference would be "
        "those few people's answers). It shows whether investment and satisfaction move together, not that one "
        "causes the other. Anonymous: nobody is listed.",
        lists_people=False, defaults={"threshold": 75.0, "at_risk_below": 50.0, "window_months": 24}),
    Target(
        "training_linked_to_appraisal",
        "Training linked to appraisal",
        "CPD completed this school year (from 1 September), within the period this target looks back over: the "
        "share of completions the participant linked, when recording what they will change in their practice, to "
        "a development need from their appraisal. Each completion counts once, as each place should serve a need: "
        "someone who completed two programmes, or one programme in two cohorts, counts twice. A completion with "
        "nothing recorded yet counts as not linked. Listed: each completion not linked to a development need, "
        "under its participant's name.",
        defaults={"threshold": 75.0, "at_risk_below": 50.0},
        states={"not_linked": "completed {about} on {due_on}; not linked to a development need from an appraisal"}),
    Target(
        "teaching_good_within_three_years",
        "Within three years of joining, teaching judged consistently good or better",
        "Teachers in post who reached three years since joining in the period this target looks back over: "
        "the share with at least one end-of-year review in those three years judging their teaching, and every "
        "such judgement good or better. Listed: those who reached three years without it, and teachers not "
        "there yet with a judgement below good.",
        states={"missed": "reached three years on {due_on} without teaching judged consistently good or better",
                "at_risk": "a teaching judgement below good; three years on {due_on}"}),
    Target(
        "ect_tutor_and_mentor",
        "Every early career teacher with an induction tutor and a mentor soon after starting induction",
        "Early career teachers whose statutory induction started at the academy, and whose first {period} of it "
        "ended in the period this target looks back over: the share who had both an induction tutor and a mentor "
        "named by then (the last day of the {period} still counts). Someone given both early counts once they "
        "have them, and not before; someone whose induction here ended before the {period} were up, without "
        "both, is not counted. Listed: early career teachers who were still without a tutor or a mentor at the "
        "end of their first {period}.",
        states={"no_people": "still without an induction tutor or a mentor; both were due by {due_on}",
                "late": "both an induction tutor and a mentor were due by {due_on}; the second was named on "
                        "{about}"},
        period_unit="weeks", defaults={"period": ASSIGN_WITHIN_WEEKS}),
    Target(
        "ect_reviews_on_time",
        "Early career teachers' progress reviews and formal assessments held on time",
        "Progress reviews and formal assessments of early career teachers due in the period this target looks "
        "back over: the share held on or before their due date. One not yet due counts once it is held (on "
        "time, as it was early); one past its due date and not held counts as not on time, unless the "
        "induction has ended here. Listed: the reviews and assessments overdue or held late.",
        states={"overdue": "the {about} was due on {due_on} and has not been held",
                "late": "the {about} was held after its due date, {due_on}"}),
    Target(
        "ect_timetable_reduction",
        "Early career teachers given their reduced timetable",
        "Terms of early career teachers' timetables recorded in the period this target looks back over: the "
        "share in which the teacher taught no more than the most allowed (90% of a main pay range teacher's "
        "timetable in the first year of induction, 95% in the second, in proportion for part-time teachers). "
        "A term counts once its timetable is recorded: a term nobody recorded is not counted. Listed: terms "
        "taught above the most allowed.",
        states={"over_cap": "taught more than the most allowed in {about}; recorded on {due_on}"}),
    Target(
        "ects_retained",
        "Early career teachers staying with the trust after induction",
        "Early career teachers who passed statutory induction at the academy and reached {period} since then in "
        "the period this target looks back over: the share still in post at the trust on that day. Someone who "
        "left before then is counted as soon as they have gone. Those still serving induction (an extension "
        "among them) and those who did not pass are not counted. Listed: those who passed and left within "
        "{period}.",
        states={"left": "passed induction on {due_on}; left on {about}"},
        period_unit="months", defaults={"period": RETAINED_AFTER_MONTHS, "threshold": 90.0, "at_risk_below": 87.5}),
)}

FIRST_YEAR_MONTHS = 12        # "within 12 months of joining"
THIRD_ANNIVERSARY_MONTHS = 36  # "within three years of joining"


def milestones(start: date) -> dict[str, date]:
    """The days a person's targets count from, by their start date: the end of their first year, their third
    anniversary."""
    return {"first_year_ends_on": add_months(start, FIRST_YEAR_MONTHS),
            "third_anniversary_on": add_months(start, THIRD_ANNIVERSARY_MONTHS)}


def school_year_start(today: date) -> date:
    """1 September of the school year `today` is in."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def offered_to_future_leader(programme_kind: str) -> bool:
    """A place on leadership development counts as an offer to a future leader (beside shadowing, a secondment)."""
    return programme_kind in LEADERSHIP_KINDS
# A new starter with no development programme after this many months is listed as due soon.
DEVELOPMENT_DUE_SOON_AFTER_MONTHS = 9


def definition_from(key: str, values: dict) -> Definition:
    """A definition from stored or submitted values, anything missing taken from the target's default."""
    base = TARGETS[key].default()
    benchmarks = values.get("benchmarks")
    changes = {name: values[name] for name in ("threshold", "at_risk_below", "window_months", "deadline", "period")
               if name in values}
    if "academy_ids" in values:
        changes["academy_ids"] = tuple(sorted(uuid.UUID(str(a)) for a in values["academy_ids"] or ()))
    if benchmarks is not None:
        changes["benchmarks"] = tuple(Benchmark(**b) for b in benchmarks)
    return replace(base, **changes)
