"""Academies and members of staff, and the rules about them."""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Callable

from staffroom_shared.domain import Aggregate

from .events import (
    AcademyRegistered, AcademyUpdated, StaffErased, StaffJoined, StaffLeft, StaffPromoted, StaffUpdated,
)

STAFF_TYPES = ("teaching", "support", "leadership")
PHASES = ("primary", "secondary", "all-through", "special", "alternative provision")
# What trust HR may give a member of staff beyond being one, in words (issue 21): who may see and change whose records
# when they sign in with Google Workspace (adapters.google). Line managers are known from line management.
ROLE_NAMES = {"academy_hr": "HR for their academy", "trust_hr": "trust HR", "dpo": "data protection officer"}
MAX_CHAIN = 50  # no real line-management chain is this deep; a longer walk means a cycle


class DirectoryError(Exception):
    """A rule of the directory was broken; the message says what and how to fix it."""


class LineManagementCycle(DirectoryError):
    pass


class AlreadyLeft(DirectoryError):
    pass


class Taken(DirectoryError):
    """A name, URN, email address or code that must be one record's alone already belongs to another."""


@dataclass(eq=False)
class Academy(Aggregate):
    name: str
    urn: str
    phase: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        if not re.fullmatch(r"\d{6}", self.urn or ""):
            raise DirectoryError(f"an academy's URN is six digits (got {self.urn!r})")
        if self.phase not in PHASES:
            raise DirectoryError(f"phase must be one of {', '.join(PHASES)} (got {self.phase!r})")

    @classmethod
    def register(cls, **data) -> "Academy":
        """A new academy in the trust."""
        academy = cls(**data)
        academy.record(AcademyRegistered(**academy.facts()))
        return academy

    def change(self, changes: dict) -> None:
        """Rename it, or correct its URN or phase; refused, it is left as it was."""
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        try:
            self.validate()
        except DirectoryError:
            for name, value in before.items():
                setattr(self, name, value)
            raise
        if any(getattr(self, name) != value for name, value in before.items()):  # the same again is no news
            self.record(AcademyUpdated(**self.facts()))

    def announce_as_is(self) -> None:
        """Announced again unchanged (a republish, for a service that starts consuming late)."""
        self.record(AcademyUpdated(**self.facts()))

    def facts(self) -> dict:
        return {"academy_id": self.id, "name": self.name, "urn": self.urn, "phase": self.phase}


def refuse_taken_academy(academies: list[Academy], data: dict, own_id: uuid.UUID | None = None) -> None:
    """An academy's URN and name (in any case) are its alone."""
    for academy in academies:
        if academy.id == own_id:
            continue
        if data.get("urn") == academy.urn:
            raise Taken(f"URN {academy.urn} already belongs to {academy.name}")
        if data.get("name", "").lower() == academy.name.lower():
            raise Taken(f"there is already an academy called {academy.name}")


# Fields that make up the event-carried copy of a member of staff other services keep.
SNAPSHOT_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "post", "fte",
                   "start_date", "leaving_date", "line_manager_id")
# What an erased record says instead of a name and address (.invalid never delivers: RFC 2606).
ERASED_NAME = ("Former member of staff", "")  # as a first name too ("Agreed by …"; outsider 8, issue 21)
ERASED_DOMAIN = "staffroom.invalid"
# Why someone left, when it was the trust's identity provider (SCIM) that disabled or deleted them: only it may bring
# them back (outsider 21).
LEFT_BY_IDENTITY_PROVIDER = "Disabled in the identity provider"
EDITABLE_FIELDS = ("academy_id", "first_name", "last_name", "email", "staff_type", "post", "fte",
                   "start_date", "line_manager_id", "staff_code")


@dataclass(eq=False)
class StaffMember(Aggregate):
    staff_code: str  # the MIS/HR system's own id: how re-imports find the same person
    academy_id: uuid.UUID
    first_name: str
    last_name: str
    email: str
    staff_type: str
    post: str
    start_date: date
    fte: Decimal = Decimal("1.00")
    line_manager_id: uuid.UUID | None = None
    leaving_date: date | None = None
    leaving_reason: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    erased_on: date | None = None  # the day the personnel file's retention ended and the record was anonymised

    def __post_init__(self) -> None:
        self.email = self.email.strip().lower()
        self.fte = Decimal(self.fte).quantize(Decimal("0.01"))
        self.validate()

    def validate(self) -> None:
        if self.staff_type not in STAFF_TYPES:
            raise DirectoryError(f"staff type must be one of {', '.join(STAFF_TYPES)} (got {self.staff_type!r})")
        if not (Decimal("0.01") <= Decimal(self.fte) <= Decimal("1.00")):
            raise DirectoryError(f"FTE must be between 0.01 and 1.00 (got {self.fte})")
        if self.leaving_date is not None and self.leaving_date < self.start_date:
            raise DirectoryError(f"the leaving date {self.leaving_date} is before the start date {self.start_date}")
        if self.line_manager_id == self.id:
            raise LineManagementCycle(f"{self.full_name} cannot be their own line manager")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def has_left(self) -> bool:
        return self.leaving_date is not None and self.leaving_date <= date.today()

    def signs_in(self, today: date) -> bool:
        """Whether they may still sign in: until the end of their leaving day (a future starter already may, to
        see their induction), and never once their record is anonymised."""
        return self.erased_on is None and (self.leaving_date is None or self.leaving_date >= today)

    def snapshot(self) -> dict:
        return {"staff_id": self.id, **{name: getattr(self, name) for name in SNAPSHOT_FIELDS}}

    def erase(self, today: date) -> None:
        """The personnel file's retention has ended (issue 21): keep what reports count (academy, staff type,
        post, FTE, dates), not who it was. The placeholders stay unique, as the directory's keys need."""
        if self.leaving_date is None or self.leaving_date > today:
            raise DirectoryError(f"{self.full_name} has not left, so their record is still needed")
        self.first_name, self.last_name = ERASED_NAME
        self.email = f"erased-{self.id}@{ERASED_DOMAIN}"
        self.staff_code = f"erased-{self.id}"
        self.line_manager_id = None
        self.leaving_reason = None
        self.erased_on = today
        self.record(StaffErased(**self.snapshot(), erased_on=today))

    def _refuse_if_erased(self) -> None:
        if self.erased_on is not None:
            raise AlreadyLeft(f"this person's record was anonymised on {self.erased_on}, when its retention ended, "
                              "and cannot be changed")

    @classmethod
    def join(cls, **data) -> "StaffMember":
        """A joiner. One an import already knows to be leaving (a leaving date and reason given) is announced as
        joining and then leaving, both with the record as it is."""
        member = cls(**data)
        member.record(StaffJoined(**member.snapshot()))
        if member.leaving_date is not None:
            member.record(StaffLeft(**member.snapshot(), reason=member.leaving_reason))
        return member

    def apply(self, changes: dict) -> list[str]:
        """Change the given fields; returns the names of those whose value really changed (announced, if any)."""
        changed = self._change(changes)
        if changed:
            self.record(StaffUpdated(**self.snapshot(), changed=list(changed)))
        return changed

    def _change(self, changes: dict) -> list[str]:
        self._refuse_if_erased()
        unknown = set(changes) - set(EDITABLE_FIELDS)
        if unknown:
            raise DirectoryError(f"these fields cannot be changed this way: {', '.join(sorted(unknown))}")
        before = {name: getattr(self, name) for name in changes}
        for name, value in changes.items():
            setattr(self, name, value)
        self.email = self.email.strip().lower()
        self.fte = Decimal(self.fte).quantize(Decimal("0.01"))
        self.validate()
        return [name for name in changes if getattr(self, name) != before[name]]

    def promote(self, *, post: str, staff_type: str, effective_date: date, fte: Decimal | None = None) -> dict:
        if self.leaving_date is not None:
            raise AlreadyLeft(f"{self.full_name} left on {self.leaving_date} and cannot be promoted")
        if effective_date < self.start_date:
            raise DirectoryError(f"the promotion's effective date {effective_date} is before {self.full_name} "
                                 f"started ({self.start_date})")
        if post == self.post and staff_type == self.staff_type:
            raise DirectoryError(f"{self.full_name} is already {post} ({staff_type}); a promotion changes the post")
        previous = {"previous_post": self.post, "previous_staff_type": self.staff_type}
        self.post, self.staff_type = post, staff_type
        if fte is not None:
            self.fte = Decimal(fte).quantize(Decimal("0.01"))
        self.validate()
        self.record(StaffPromoted(**self.snapshot(), **previous, effective_date=effective_date))
        return previous

    def leave(self, on: date, reason: str | None) -> None:
        self._leave(on, reason)
        self.record(StaffLeft(**self.snapshot(), reason=reason))

    def _leave(self, on: date, reason: str | None) -> None:
        if self.leaving_date is not None:
            raise AlreadyLeft(f"{self.full_name} already has a leaving date ({self.leaving_date})")
        if on < self.start_date:
            raise DirectoryError(f"the leaving date {on} is before the start date {self.start_date}")
        self.leaving_date, self.leaving_reason = on, reason

    def bring_leaving_forward(self, on: date, reason: str) -> date | None:
        """Someone already leaving, leaving sooner (the identity provider removed them); returns the date it was,
        or None if they were not leaving later than `on` (nothing changes)."""
        if self.leaving_date is None or self.leaving_date <= on:
            return None
        before = self.leaving_date
        self.leaving_date, self.leaving_reason = on, reason
        self.record(StaffUpdated(**self.snapshot(), changed=["leaving_date"]))
        return before

    def take_import_row(self, values: dict, leaving_date: date | None, *, reason: str, erased_after: date,
                        by_trust_hr: bool, before_leaving: Callable[[], None],
                        removed_by_identity_provider: Callable[[], bool]) -> tuple[list[str], bool]:
        """A staff file's row for someone already in the directory: its fields, then its leaving date, recorded
        if they had none (`before_leaving()` may refuse it) or moved if they had another. Announced once the row
        is applied, with the record as the row leaves it: leaving first, then the change. Returns the fields that
        changed and whether they are now leaving."""
        changed = self._change(values)
        left = False
        if leaving_date and self.leaving_date != leaving_date:
            if self.leaving_date is None:
                if leaving_date < erased_after:  # as the API refuses it (outsider 21)
                    raise DirectoryError(f"a leaving date before {erased_after:%-d %B %Y} is past the record's "
                                         "retention, so the record would be anonymised at once: check the year")
                before_leaving()
                self._leave(leaving_date, reason)
                left = True
            else:
                self._move_leaving_date(leaving_date, by_trust_hr=by_trust_hr, erased_after=erased_after,
                                        removed_by_identity_provider=removed_by_identity_provider)
                changed.append("leaving_date")
        if left:
            self.record(StaffLeft(**self.snapshot(), reason=reason))
        if changed:
            self.record(StaffUpdated(**self.snapshot(), changed=list(changed)))
        return changed, left

    def _move_leaving_date(self, on: date, *, by_trust_hr: bool, erased_after: date,
                           removed_by_identity_provider: Callable[[], bool]) -> None:
        """A leaving date already recorded, moved: it can bring a leaver back, with the access they held, so it is
        trust HR's decision, with the checks recording one has; and never for someone the identity provider
        deleted, who would then be out of its sight (outsider 20)."""
        if not by_trust_hr:
            raise DirectoryError(f"only trust HR can change the leaving date already recorded for {self.full_name} "
                                 f"({self.leaving_date:%-d %B %Y})")
        if removed_by_identity_provider() or self.leaving_reason == LEFT_BY_IDENTITY_PROVIDER:
            raise DirectoryError(f"the trust's identity provider disabled or deleted {self.full_name}: restore them "
                                 "there, not here")
        if on < self.start_date or on < erased_after:
            raise DirectoryError(f"the leaving date {on:%-d %B %Y} is before {self.full_name} started, or so long "
                                 "ago that their record would be anonymised at once: check the year")
        self.leaving_date = on

    def announce_as_is(self) -> None:
        """Announced again unchanged (a republish, for a service that starts consuming late)."""
        self.record(StaffUpdated(**self.snapshot(), changed=[]))

    def is_active(self, today: date) -> bool:
        """As the identity provider sees them: in post, or yet to leave; not a joiner withdrawn before they started
        (leaving the day they were to start)."""
        return self.leaving_date is None or (self.leaving_date > today and self.leaving_date > self.start_date)

    def leaving_day_if_removed(self, today: date) -> date:
        """The day they leave when the identity provider disables or deletes them: today, or, for a joiner who has
        not started, the day they were to start (outsider 15: such a one could not be disabled or deleted)."""
        return max(today, self.start_date)


def check_line_management(staff_id: uuid.UUID, manager_id: uuid.UUID | None,
                          manager_of: Callable[[uuid.UUID], uuid.UUID | None],
                          name_of: Callable[[uuid.UUID], str] = str) -> None:
    """Refuse a line manager who is (directly or not) managed by this person."""
    if manager_id is None:
        return
    chain = [staff_id]
    current: uuid.UUID | None = manager_id
    for _ in range(MAX_CHAIN):
        if current is None:
            return
        chain.append(current)
        if current == staff_id:
            path = " → ".join(name_of(s) for s in chain)
            raise LineManagementCycle(f"this line manager would make a cycle: {path}")
        current = manager_of(current)
    raise LineManagementCycle(f"the line-management chain above {name_of(staff_id)} is longer than {MAX_CHAIN}")


def find_cycles(managers: dict[uuid.UUID, uuid.UUID | None]) -> list[list[uuid.UUID]]:
    """Every cycle in a whole staff → manager map (used by imports, which change many at once)."""
    state: dict[uuid.UUID, int] = {}  # 1 = on the current path, 2 = done
    cycles: list[list[uuid.UUID]] = []
    for start in managers:
        path: list[uuid.UUID] = []
        node: uuid.UUID | None = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = managers.get(node)
        if node is not None and state.get(node) == 1:
            cycles.append(path[path.index(node):] + [node])
        for n in path:
            state[n] = 2
    return cycles
