"""Survey runs and invitations: plain classes, mapped to tables in adapters (the domain imports no framework).

Anonymity is built into what these classes hold, not bolted on: an Invitation knows who was asked and
whether they have answered, never what; a response (adapters.orm.responses) knows what was answered and at most
the academy it came from (only where that academy's results are shown), never who, when or any finer group.
"""
from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from staffroom_shared.domain import Aggregate

from .events import ClosingSoonReminded, InvitationIssued, ResultsPublished, SurveyClosed, SurveyOpened
from .instruments import INSTRUMENTS, Questionnaire, custom_instrument

MIN_GROUP_SIZE = 5  # the smallest group any figure may describe; a run may raise it, never lower it
STAFF_TYPES = ("teaching", "support", "leadership")
LIFECYCLE = "lifecycle"  # created_by of a lifecycle survey's pool: nobody made it by hand
STAFF_TYPE_NAMES = {"teaching": "Teaching staff", "support": "Support staff", "leadership": "Leaders"}


class RunStatus(str, enum.Enum):
    DRAFT = "draft"          # HR is still building it; editable
    SCHEDULED = "scheduled"  # fixed; the daily job opens it on opens_on
    OPEN = "open"            # invitations sent, answers accepted
    CLOSED = "closed"        # no more answers; results worked out and published


class InvitationStatus(str, enum.Enum):
    INVITED = "invited"
    SUBMITTED = "submitted"


# Length of service is stored only as one of these bands, worked out when the invitation is made.
SERVICE_BANDS = (("under_2_years", 0, 2), ("2_to_5_years", 2, 5), ("5_to_10_years", 5, 10), ("10_years_plus", 10, None))
SERVICE_BAND_NAMES = {"under_2_years": "Under 2 years", "2_to_5_years": "2 to 5 years", "5_to_10_years": "5 to 10 years",
                      "10_years_plus": "10 years or more"}


def a_or_an(word: str) -> str:
    """"an open", "a closed": a status in a sentence."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def in_words(day: date) -> str:
    """A date as people write it: 27 December 2026."""
    return f"{day.day} {day:%B %Y}"


def staff_types_named(label: str) -> str:
    """A published staff-type group ("support+leadership") in words: "Support staff and leaders"."""
    names = [STAFF_TYPE_NAMES.get(t, t) for t in label.split("+")]
    return " and ".join([names[0], *(n.lower() for n in names[1:])])


def bands_named(label: str) -> str:
    """A published length-of-service range ("under_2_years+2_to_5_years") in words: "Under 5 years"."""
    parts = label.split("+")
    if len(parts) == 1:
        return SERVICE_BAND_NAMES.get(label, label)
    bounds = {name: (low, high) for name, low, high in SERVICE_BANDS}
    low, high = bounds[parts[0]][0], bounds[parts[-1]][1]
    if low == 0:
        return f"Under {high} years"
    return f"{low} years or more" if high is None else f"{low} to {high} years"


def service_band(start_date: date, on: date) -> str:
    years = on.year - start_date.year - ((on.month, on.day) < (start_date.month, start_date.day))
    for name, low, high in SERVICE_BANDS:
        if years >= low and (high is None or years < high):
            return name
    return SERVICE_BANDS[0][0]  # a start date after the survey opens (a joiner announced early)


def default_outcome(instruments: list[str], questions: list[dict]) -> str:
    """What the driver view explains: eNPS if asked, else the first measure that is not an HSE domain."""
    keys = [m.key for k in instruments if k in INSTRUMENTS for m in INSTRUMENTS[k].measures]
    keys += [f"custom.{q['key']}" for q in questions if q.get("scale") != "text"]
    if "enps" in keys:
        return "enps"
    return next((k for k in keys if not k.startswith("hse.")), keys[0] if keys else "")


class RunError(ValueError):
    """A step the run's status does not allow, or dates that make no sense (`field`: the setting at fault)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StaffMember:
    """A member of staff as the directory shared them: what decides whether a run invites them, and their group."""

    staff_id: uuid.UUID
    academy_id: uuid.UUID
    staff_type: str
    start_date: date
    leaving_date: date | None = None

    def in_post(self, on: date, *, starting_by: date) -> bool:
        """In post on `on`: not left before it, and started (or starting) by `starting_by`."""
        return self.start_date <= starting_by and (self.leaving_date is None or self.leaving_date >= on)


class SurveyRun(Aggregate):
    def __init__(self, *, title: str, instruments: list[str], questions: list[dict], academy_ids: list[uuid.UUID],
                 staff_types: list[str], opens_on: date, closes_on: date, min_group_size: int, outcome: str,
                 owner_academy_id: uuid.UUID | None, created_by: str, id: uuid.UUID | None = None):
        self.id = id or uuid.uuid4()
        self.title = title
        self.instruments = list(instruments)
        self.questions = list(questions)
        self.academy_ids = [str(a) for a in academy_ids]  # empty: every academy (in the owner's reach)
        self.staff_types = list(staff_types)              # empty: every staff type
        self.opens_on = opens_on
        self.closes_on = closes_on
        self.min_group_size = min_group_size
        self.outcome = outcome
        self.owner_academy_id = owner_academy_id  # None: a trust-wide run, trust HR's
        self.created_by = created_by
        self.status = RunStatus.DRAFT
        self.invited = 0
        self.answered = 0   # ballots in the box when the run closed
        self.set_aside = 0  # of those, how many the database could not hold (counted by nobody, said so to HR)
        self.closed_at: datetime | None = None  # when it closed (early, or after closes_on), for ordering runs
        self.reminded_on: date | None = None
        self.check()

    def check(self) -> None:
        if self.closes_on <= self.opens_on:
            raise RunError("closes_on must be after opens_on", "closes_on")
        if self.min_group_size < MIN_GROUP_SIZE:
            raise RunError(f"min_group_size can be raised from {MIN_GROUP_SIZE}, never lowered", "min_group_size")
        unknown = sorted(set(self.staff_types) - set(STAFF_TYPES))
        if unknown:
            raise RunError(f"unknown staff types: {', '.join(unknown)}", "staff_types")
        if self.owner_academy_id is not None and self.academy_ids != [str(self.owner_academy_id)]:
            raise RunError("an academy's survey covers that academy only", "academy_ids")

    def questionnaire(self) -> Questionnaire:
        """The questions this run asks: its instruments', then its own."""
        parts = [INSTRUMENTS[key] for key in self.instruments]
        if self.questions:
            parts.append(custom_instrument(self.questions))
        return Questionnaire(parts)

    @property
    def academy_uuids(self) -> list[uuid.UUID]:
        return [uuid.UUID(a) for a in self.academy_ids]

    def in_scope(self, academy_id: uuid.UUID, staff_type: str) -> bool:
        return ((not self.academy_ids or str(academy_id) in self.academy_ids)
                and (not self.staff_types or staff_type in self.staff_types))

    def covers_any(self, academy_ids) -> bool:
        """Whether the run asks staff of any of these academies (a run of every academy covers them all)."""
        return not self.academy_ids or any(str(a) in self.academy_ids for a in academy_ids)

    def invites(self, person: StaffMember, today: date) -> bool:
        """Who the run invites when it opens `today`: everyone in its scope in post today, or starting before it
        closes."""
        return self.in_scope(person.academy_id, person.staff_type) and person.in_post(today, starting_by=self.closes_on)

    @property
    def answered_in_staffroom(self) -> bool:
        """A lifecycle pool sends nobody a link: its invitees answer from Surveys in Staffroom ("Answer now"), which
        gives a link to their signed-in browser only. A pool waits for its few joiners or leavers, so whoever held
        the others' emailed links could answer for them all and single out the one real answer (outsider, issue
        23)."""
        return self.created_by == LIFECYCLE

    def invite(self, person: StaffMember, token_hash: str, sealed_link: str | None, today: date) -> Invitation:
        """Invite one person: their invitation (their length of service as the band it falls in on the day the run
        opens), and the news of it carrying their link, sealed so that only notifications can open it (None: a
        pool's, which carries none)."""
        invitation = Invitation(run_id=self.id, staff_id=person.staff_id, token_hash=token_hash,
                                academy_id=person.academy_id, staff_type=person.staff_type,
                                service_band=service_band(person.start_date, max(today, self.opens_on)))
        self._issued(person, sealed_link, reissued=False)
        return invitation

    def check_new_link(self, invitation: Invitation, today: date) -> None:
        """Whether someone who lost their link may have a new one: not once they have answered, nor once the run
        takes no answers."""
        if invitation.status is InvitationStatus.SUBMITTED:
            raise RunError("you have already answered this survey")
        if not self.accepting(today):
            raise RunError("this survey is not open")

    def replace_link(self, invitation: Invitation, person: StaffMember, token_hash: str, sealed_link: str | None, *,
                     reissued: bool) -> None:
        """A new link for an invitation (the old one, and what was saved with it, stop working); `reissued`: one
        the person asked for themselves."""
        invitation.token_hash = token_hash
        self._issued(person, sealed_link, reissued=reissued)

    def _issued(self, person: StaffMember, sealed_link: str | None, *, reissued: bool) -> None:
        in_staffroom = self.answered_in_staffroom
        self.record(InvitationIssued(run_id=self.id, staff_id=person.staff_id, academy_id=person.academy_id,
                                     title=self.title, closes_on=self.closes_on,
                                     sealed_link=None if in_staffroom else sealed_link, reissued=reissued,
                                     answer_in_staffroom=in_staffroom))

    def _named(self) -> dict:
        """The run as every event about it names it."""
        return {"run_id": self.id, "title": self.title, "opens_on": self.opens_on, "closes_on": self.closes_on,
                "academy_ids": tuple(self.academy_uuids), "staff_types": tuple(self.staff_types),
                "owner_academy_id": self.owner_academy_id}

    def outcome_following(self, changes: dict) -> dict:
        """`changes` to a draft, with a default outcome kept the default for what it will ask: taking eNPS out of a
        draft must not be refused because eNPS was the outcome nobody chose (nor leave eNPS as the outcome)."""
        if "outcome" in changes or not ({"instruments", "questions"} & changes.keys()):
            return changes
        if self.outcome != default_outcome(self.instruments, self.questions):
            keys = {m.key for k in changes.get("instruments", self.instruments) if k in INSTRUMENTS
                    for m in INSTRUMENTS[k].measures}
            keys |= {f"custom.{q['key']}" for q in changes.get("questions", self.questions)}
            if self.outcome in keys:  # an outcome HR chose, still asked
                return changes
        return {**changes, "outcome": default_outcome(changes.get("instruments", self.instruments),
                                                      changes.get("questions", self.questions))}

    def edit(self, **changes) -> None:
        if self.status is not RunStatus.DRAFT:
            raise RunError(f"{a_or_an(self.status.value)} run cannot be changed")
        for name, value in changes.items():
            setattr(self, name, [str(a) for a in value] if name == "academy_ids" else value)
        self.check()

    def schedule(self, today: date) -> None:
        if self.status is not RunStatus.DRAFT:
            raise RunError(f"{a_or_an(self.status.value)} run cannot be scheduled")
        if self.closes_on <= today:
            raise RunError("closes_on has passed; set new dates first", "closes_on")
        self.status = RunStatus.SCHEDULED

    def due_to_open(self, today: date) -> bool:
        return self.status is RunStatus.SCHEDULED and self.opens_on <= today

    def open(self, invited: int) -> None:
        if self.status is not RunStatus.SCHEDULED:
            raise RunError(f"{a_or_an(self.status.value)} run cannot open")
        self.status = RunStatus.OPEN
        self.invited = invited
        self.record(SurveyOpened(**self._named(), invited=invited))

    def accepting(self, today: date) -> bool:
        return self.status is RunStatus.OPEN and today <= self.closes_on

    def due_to_close(self, today: date) -> bool:
        return self.status is RunStatus.OPEN and today > self.closes_on

    def close(self, *, answered: int, set_aside: int = 0, at: datetime) -> None:
        if self.status is not RunStatus.OPEN:
            raise RunError(f"{a_or_an(self.status.value)} run cannot close")
        self.status = RunStatus.CLOSED
        self.answered = answered
        self.set_aside = set_aside
        self.closed_at = at
        self.record(SurveyClosed(**self._named(), invited=self.invited, responses=self.counted))

    def publish(self, rows: list[dict], changed: list[dict] = (), lifecycle: str | None = None) -> None:
        """Announce a closed run's results: the measure figures of the trust and each academy, shown groups only,
        each with its turnover against earlier runs (so a consumer comparing two runs can keep to the same rule as
        the trend). `rows`: the stored result rows; `changed`: the stored turnover rows; `lifecycle`: the kind of
        lifecycle survey whose pool this run is, if it is one."""
        if self.status is not RunStatus.CLOSED:
            raise RunError(f"{a_or_an(self.status.value)} run has no results")
        self.record(ResultsPublished(**self._named(), min_group_size=self.min_group_size,
                                     groups=tuple(published_groups(rows, changed)), lifecycle=lifecycle))

    @property
    def counted(self) -> int:
        """Answers in the results: none at all when fewer than the minimum group could be counted."""
        counted = self.answered - self.set_aside
        return counted if counted >= self.min_group_size else 0

    def due_reminder(self, today: date, days_before: int) -> bool:
        """The one 'closing soon' reminder, `days_before` the close (or at once, if it opened later than that)."""
        return (self.status is RunStatus.OPEN and self.reminded_on is None
                and (self.closes_on - today).days <= days_before and today <= self.closes_on)

    def remind(self, today: date, not_responded: list[uuid.UUID]) -> None:
        """The 'closing soon' reminder, to those invited who have not answered."""
        self.reminded_on = today
        self.record(ClosingSoonReminded(**self._named(), not_responded=tuple(not_responded)))


def published_groups(rows: list[dict], changed: list[dict] = ()) -> list[dict]:
    """The shown groups of the trust and each academy, as results_published carries them: responses, measure
    figures (by key) and turnover against earlier runs; the trust first."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        if row["cut"] not in ("trust", "academy") or row["suppressed"] or row["kind"] == "item":
            continue
        group = groups.setdefault((row["cut"], row["academy_id"]), {
            "cut": row["cut"], "academy_id": uuid.UUID(row["academy_id"]) if row["academy_id"] else None,
            "responses": 0, "figures": [],
            "turnover": [{"run_id": c["earlier_run_id"], "changed": c["changed"]} for c in changed
                         if c["academy_id"] == row["academy_id"]]})
        if row["kind"] == "responses":
            group["responses"] = row["n"]
        else:
            group["figures"].append({"figure": row["figure"], "n": row["n"], "mean": row["mean"],
                                     "favourable": row["favourable"]})
    shown = [g for g in groups.values() if g["responses"]]
    for g in shown:
        g["figures"].sort(key=lambda f: f["figure"])
    return sorted(shown, key=lambda g: (g["cut"] != "trust", str(g["academy_id"])))


@dataclass
class Invitation:
    """Who was asked, and whether they have answered: never what. The token itself is never stored."""

    run_id: uuid.UUID
    staff_id: uuid.UUID
    token_hash: str
    academy_id: uuid.UUID
    staff_type: str
    service_band: str
    status: InvitationStatus = InvitationStatus.INVITED
