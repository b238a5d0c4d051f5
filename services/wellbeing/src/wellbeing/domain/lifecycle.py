"""Lifecycle surveys: an onboarding survey some weeks after someone starts and an exit survey before they leave, each
answered into a pool (an ordinary survey run, left open for a window) that closes only once the minimum group has
answered, so every anonymity rule of a run holds for it unchanged."""
from __future__ import annotations

from datetime import date, timedelta

from staffroom_shared.domain import Aggregate

from .events import LeavingReasonsPublished
from .instruments import SCALES
from .model import LIFECYCLE, MIN_GROUP_SIZE, RunError, StaffMember, SurveyRun, default_outcome, in_words

KINDS = {"onboarding": "Onboarding survey", "exit": "Exit survey"}
CATCH_UP_DAYS = 28  # an onboarding invitation the daily job missed (it did not run) is still sent this long after
MIN_ANSWER_DAYS = 7
_FIELDS = ("kind", "instruments", "questions", "delay_days", "answer_days", "window_days", "min_group_size", "since",
           "updated_by", "enabled")


class LifecycleSeries(Aggregate):
    """Trust HR's standing series of one kind: what it asks, when someone becomes due, and its pools' window.

    `delay_days`: onboarding, days after the start date; exit, days before the leaving date (or at once if the
    leaving date is announced later). `answer_days`: the least time anyone is given to answer. `window_days`: how
    long a pool takes people in before it closes (and how far it rolls on while fewer than the minimum answered).
    `since`: the day it was switched on; nobody due before then is invited (a trust's long-serving staff are not
    'new')."""

    def __init__(self, *, kind: str, instruments: list[str], questions: list[dict], delay_days: int, answer_days: int,
                 window_days: int, min_group_size: int, since: date, updated_by: str, enabled: bool = True):
        self.kind = kind
        self.instruments = list(instruments)
        self.questions = list(questions)
        self.delay_days = delay_days
        self.answer_days = answer_days
        self.window_days = window_days
        self.min_group_size = min_group_size
        self.since = since
        self.updated_by = updated_by
        self.enabled = enabled
        self.check()

    def check(self) -> None:
        if self.kind not in KINDS:
            raise RunError(f"a lifecycle survey is one of: {', '.join(KINDS)}", "kind")
        if self.answer_days < MIN_ANSWER_DAYS:
            raise RunError(f"give people at least {MIN_ANSWER_DAYS} days to answer", "answer_days")
        if self.window_days < 2 * self.answer_days:
            raise RunError("a pool's window must be at least twice the days given to answer, or most people "
                           "invited would go into the next pool", "window_days")
        if self.min_group_size < MIN_GROUP_SIZE:
            raise RunError(f"min_group_size can be raised from {MIN_GROUP_SIZE}, never lowered", "min_group_size")

    def change(self, today: date, **changes) -> None:
        """New settings (for pools opened from now on: an open pool keeps the questions it was opened with);
        switching it on again starts from today, so nobody who became due while it was off is invited late.
        Refused settings change nothing."""
        if changes.get("enabled") and not self.enabled:
            changes = {**changes, "since": today}
        LifecycleSeries(**{**{name: getattr(self, name) for name in _FIELDS}, **changes})  # raises on a bad one
        for name, value in changes.items():
            setattr(self, name, value)

    def due_on(self, person: StaffMember) -> date | None:
        if self.kind == "onboarding":
            return person.start_date + timedelta(days=self.delay_days)
        if person.leaving_date is None:
            return None
        return person.leaving_date - timedelta(days=self.delay_days)

    def due(self, person: StaffMember, today: date) -> bool:
        """Whether the daily job invites this person today (once per series: the caller knows who was invited).
        Onboarding: from `delay_days` after they start, while still in post, for CATCH_UP_DAYS. Exit: from
        `delay_days` before their leaving date (or as soon as it is announced) until the day they go."""
        due_on = self.due_on(person)
        if not self.enabled or due_on is None:
            return False
        if self.kind == "onboarding":
            in_post = person.leaving_date is None or person.leaving_date >= today
            return in_post and self.since <= due_on <= today <= due_on + timedelta(days=CATCH_UP_DAYS)
        return due_on <= today <= person.leaving_date and person.leaving_date >= self.since

    def fits(self, pool: SurveyRun, today: date) -> bool:
        """Whether someone invited today can go into this pool: it is open and gives them `answer_days` at least;
        someone invited near the end of a window goes into the next pool."""
        return pool.accepting(today) and (pool.closes_on - today).days >= self.answer_days

    def new_pool(self, today: date) -> SurveyRun:
        """The next pool, open from today for one window: a trust-wide run of every academy and staff type."""
        pool = SurveyRun(title=f"{KINDS[self.kind]} from {in_words(today)}", instruments=self.instruments,
                         questions=self.questions, academy_ids=[], staff_types=[], opens_on=today,
                         closes_on=today + timedelta(days=self.window_days), min_group_size=self.min_group_size,
                         outcome=default_outcome(self.instruments, self.questions), owner_academy_id=None,
                         created_by=LIFECYCLE)
        pool.schedule(today)
        pool.open(0)
        return pool

    def roll(self, pool: SurveyRun, answered: int, today: date) -> bool:
        """At its window's end a pool closes only if at least the minimum group answered; otherwise it stays open
        one more window (and again, until enough have). True when it rolled on."""
        if not pool.due_to_close(today) or answered >= pool.min_group_size:
            return False
        while pool.closes_on < today:
            pool.closes_on += timedelta(days=self.window_days)
        pool.reminded_on = None  # the 'closing soon' reminder is for the window's real end
        return True

    def reasons_published(self, pool: SurveyRun, groups: list[dict]) -> None:
        """Announce a closed exit pool's reasons for leaving (shown groups only), for the trust's retention view."""
        self.record(LeavingReasonsPublished(run_id=pool.id, opens_on=pool.opens_on, closes_on=pool.closes_on,
                                            min_group_size=pool.min_group_size, groups=tuple(groups)))


def reasons(pool: SurveyRun, rows: list[dict]) -> list[dict]:
    """From a closed pool's stored result rows, each shown group of the trust and its academies with how many gave
    each reason to each choice question (every reason listed, with 0 where nobody gave it); the trust first.
    Hidden groups are left out: their rows hold no values."""
    choices = {key: item for key, item in pool.questionnaire().items.items() if SCALES[item.scale].choice}
    out = []
    for row in rows:
        item = choices.get(row["figure"])
        if item is None or row["kind"] != "item" or row["cut"] not in ("trust", "academy") or row["suppressed"]:
            continue
        scale = SCALES[item.scale]
        given = row["distribution"] or {}
        out.append({"cut": row["cut"], "academy_id": row["academy_id"] or None, "question": item.text,
                    "answered": row["n"],
                    "reasons": [{"reason": label, "count": given.get(str(value), 0)} for value, label in
                                enumerate(scale.labels, scale.minimum)]})
    return sorted(out, key=lambda g: (g["cut"] != "trust", str(g["academy_id"]), g["question"]))


def admitted(pool: SurveyRun) -> None:
    """One more person invited into an open pool (a run counts who it invited)."""
    pool.invited += 1
