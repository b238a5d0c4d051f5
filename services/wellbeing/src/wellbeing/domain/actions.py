"""Action plans: what HR or a head will do about a measure a survey showed, for whom, by when, and how it goes.

An action is about a group (the trust, one academy, optionally one staff type in either), never about a person's
answers; its before and after are figures the survey reports already show (service.actions reads them through the
trend's rules)."""
from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from staffroom_shared.domain import Aggregate

from .events import ActionPublished
from .model import STAFF_TYPE_NAMES, STAFF_TYPES, a_or_an

MOST_UPDATES = 100  # a page of progress, not a diary


class ActionStatus(str, enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


STATUS_NAMES = {ActionStatus.PLANNED: "Planned", ActionStatus.IN_PROGRESS: "In progress",
                ActionStatus.DONE: "Done", ActionStatus.DROPPED: "Dropped"}
# what each status may move to: done and dropped are the end (a new action is made to start again)
NEXT = {ActionStatus.PLANNED: {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.DROPPED},
        ActionStatus.IN_PROGRESS: {ActionStatus.DONE, ActionStatus.DROPPED},
        ActionStatus.DONE: set(), ActionStatus.DROPPED: set()}
FIXED_ONCE_PUBLISHED = ("measure", "run_id", "academy_id", "staff_type")  # what staff were told, and before/after
EDITABLE = ("title", "description", "owner_id", "due_on", *FIXED_ONCE_PUBLISHED)


class ActionError(ValueError):
    """A change the action refuses: `field` names the setting at fault (a 422); none means its stage (a 409)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_due(due_on: date, today: date) -> None:
    """An action is due today or later: one due in the past was overdue the moment it was planned (outsider,
    issue 23)."""
    if due_on < today:
        raise ActionError("the due date must be today or later: an action due in the past would be overdue as soon "
                          "as it is planned", "due_on")


class Action(Aggregate):
    def __init__(self, *, title: str, description: str, measure: str, measure_title: str, academy_id: uuid.UUID | None,
                 staff_type: str | None, owner_id: uuid.UUID, due_on: date, created_by: str, created_at: datetime,
                 run_id: uuid.UUID | None = None, id: uuid.UUID | None = None):
        self.id = id or uuid.uuid4()
        self.title = title
        self.description = description
        self.measure = measure
        self.measure_title = measure_title
        self.run_id = run_id
        self.academy_id = academy_id  # None: the trust
        self.staff_type = staff_type  # None: every staff type
        self.owner_id = owner_id
        self.due_on = due_on
        self.status = ActionStatus.PLANNED
        self.updates: list[dict] = []  # {"on": ISO date, "text": ...}, oldest first (who wrote each: the audit log)
        self.created_by = created_by
        self.created_at = created_at
        self.published_at: datetime | None = None
        self.check()
        check_due(due_on, created_at.date())

    def check(self) -> None:
        if self.staff_type is not None and self.staff_type not in STAFF_TYPES:
            raise ActionError(f"staff_type must be one of {', '.join(STAFF_TYPES)}", "staff_type")

    @property
    def published(self) -> bool:
        return self.published_at is not None

    @property
    def scope_in_words(self) -> str:
        """Whom the action is for, without the academy's name (the page adds it): "Teaching staff", "Everyone"."""
        return STAFF_TYPE_NAMES[self.staff_type] if self.staff_type else "Everyone"

    def edit(self, today: date, **changes) -> None:
        """Change what the action says; once published, not whom it is for or what it measures (staff were told).
        A new due date is today or later; one already passed may stay while other things change."""
        if self.status in (ActionStatus.DONE, ActionStatus.DROPPED):
            raise ActionError(f"{a_or_an(STATUS_NAMES[self.status].lower())} action cannot be changed")
        if changes.get("due_on", self.due_on) != self.due_on:
            check_due(changes["due_on"], today)
        fixed = [name for name in FIXED_ONCE_PUBLISHED if name in changes and changes[name] != getattr(self, name)]
        if self.published and fixed:
            raise ActionError(f"a published action's {', '.join(fixed)} cannot change: staff were told of it; "
                              "drop it and plan a new one instead")
        for name, value in changes.items():
            setattr(self, name, value)
        self.check()

    def publish(self, at: datetime) -> None:
        if self.published:
            raise ActionError("this action is published already")
        if self.status is ActionStatus.DROPPED:
            raise ActionError("a dropped action cannot be published")
        self.published_at = at
        self.record(ActionPublished(action_id=self.id, title=self.title, measure=self.measure,
                                    measure_title=self.measure_title, academy_id=self.academy_id,
                                    staff_type=self.staff_type, owner_id=self.owner_id, due_on=self.due_on))

    def move_to(self, status: ActionStatus) -> None:
        if status is self.status:
            return
        if status not in NEXT[self.status]:
            raise ActionError(f"{a_or_an(STATUS_NAMES[self.status].lower())} action cannot become "
                              f"{STATUS_NAMES[status].lower()}")
        self.status = status

    def post_update(self, text: str, on: date) -> None:
        if len(self.updates) >= MOST_UPDATES:
            raise ActionError(f"an action keeps at most {MOST_UPDATES} updates")
        self.updates = [*self.updates, {"on": on.isoformat(), "text": text}]  # a new list: JSON is saved


def before_and_after(points: list[dict], before_run: uuid.UUID | None, after_run: uuid.UUID | None,
                     before_shown: dict | None = None) -> dict:
    """The action's before and after, from its scope's series in the trend (each point: run_id, mean, favourable,
    withheld); a pair is shown only where the trend shows both points, else it says plainly why not. Until the
    after, the before alone as its survey's report shows it (`before_shown`, None where the report hides it)."""
    if before_run is None:
        return {"status": "no_before", "note": "no survey measured this before the action was planned"}
    if after_run is None:
        if before_shown is None:
            return {"status": "waiting", "note": "the survey before it had too few answers from this group to show "
                                                 "its figure; the next survey that asks about this may show it"}
        return {"status": "waiting", "before": before_shown,
                "note": "the next survey that asks about this will show the change"}
    found = {p["run_id"]: p for p in points}
    before, after = found.get(before_run), found.get(after_run)
    if before is None or after is None:
        return {"status": "hidden", "note": "hidden: too few answered to show this group's figure in one of the surveys"}
    if before["withheld"] or after["withheld"]:
        return {"status": "not_compared",
                "note": "not compared: too few people changed between the two surveys, so the difference could "
                        "reveal their answers"}
    return {"status": "shown", "before": before, "after": after, "note": None}
