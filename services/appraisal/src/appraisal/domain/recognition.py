"""Recognition and continuous feedback between colleagues (issue 24): who may give what to whom, how often, and what
the giver, the recipient and HR may then do with it (withdraw, keep as appraisal evidence, hide, report to HR,
remove, dismiss a report)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from staffroom_shared.domain import Aggregate

from .events import RecognitionGiven, RecognitionReported, SubjectAccessWithdrawn
from .model import AppraisalError, IllegalTransition, NotAllowed, StaffRecord


class Kind(StrEnum):
    RECOGNITION = "recognition"  # "thank you", "well done"
    FEEDBACK = "feedback"  # something to keep doing, or to consider

    @property
    def label(self) -> str:
        return {"recognition": "Recognition", "feedback": "Feedback"}[self.value]


class Visibility(StrEnum):
    PRIVATE = "private"  # the recipient only (and, once they keep it as evidence, their appraiser and HR)
    LINE_MANAGER = "line_manager"  # the recipient and their line manager


WITHDRAW_WITHIN = timedelta(hours=24)  # the giver's second thoughts; long enough to notice a slip, not to rewrite
RATE_WINDOW = timedelta(hours=24)
MOST_IN_WINDOW = 20  # a generous day's thanks; a script or a grudge campaign is stopped well before it floods
MOST_TO_ONE_IN_WINDOW = 3  # to the same colleague in a day


def next_allowed(given: list[tuple[datetime, uuid.UUID]], recipient_id: uuid.UUID, now: datetime) -> datetime | None:
    """When the giver may give again (None: now). `given`: (when, to whom) of what they gave in the last day."""
    recent = sorted(at for at, _ in given if now - at < RATE_WINDOW)
    to_them = sorted(at for at, whom in given if whom == recipient_id and now - at < RATE_WINDOW)
    waits = []
    if len(recent) >= MOST_IN_WINDOW:
        waits.append(recent[len(recent) - MOST_IN_WINDOW] + RATE_WINDOW)
    if len(to_them) >= MOST_TO_ONE_IN_WINDOW:
        waits.append(to_them[len(to_them) - MOST_TO_ONE_IN_WINDOW] + RATE_WINDOW)
    return max(waits) if waits else None


def cannot_receive(giver_id: uuid.UUID, recipient: StaffRecord | None, today: date) -> str | None:
    """Why this person cannot be given recognition or feedback today (None: they can): a colleague anywhere in the
    trust, in post, and not the giver."""
    if recipient is None:
        return "there is no member of staff with that id in the trust"
    if recipient.staff_id == giver_id:
        return "recognition and feedback are for colleagues: you cannot give them to yourself"
    if not recipient.in_post_on(today) or recipient.start_date > today:
        return f"{recipient.full_name} is not in post"
    return None


@dataclass(eq=False)
class Recognition(Aggregate):
    giver_id: uuid.UUID
    recipient_id: uuid.UUID
    academy_id: uuid.UUID  # the recipient's when it was given: whose HR may remove it
    kind: Kind
    words: str
    visibility: Visibility
    given_at: datetime
    value: str | None = None  # one of the trust's values, as the giver names it
    standard: str | None = None  # a Teachers' Standard (TS1-TS8, PART2)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    evidence_for: uuid.UUID | None = None  # the appraisal it is kept in as evidence
    hidden: bool = False
    removed_at: datetime | None = None
    removed_because: str | None = None
    removed_by: uuid.UUID | None = None
    # the recipient's report to HR (once; never shown to the giver), and HR's decision to leave it as it is
    reported_at: datetime | None = None
    reported_because: str | None = None  # in the recipient's words, for HR; optional
    report_dismissed_at: datetime | None = None
    report_dismissed_by: uuid.UUID | None = None

    @classmethod
    def give(cls, giver_id: uuid.UUID, recipient: StaffRecord | None, kind: Kind, words: str,
             visibility: Visibility, now: datetime, *, value: str | None = None,
             standard: str | None = None) -> "Recognition":
        why = cannot_receive(giver_id, recipient, now.date())
        if why:
            raise AppraisalError(why)
        item = cls(giver_id=giver_id, recipient_id=recipient.staff_id, academy_id=recipient.academy_id,
                   kind=Kind(kind), words=words, visibility=Visibility(visibility), given_at=now, value=value,
                   standard=standard)
        item.record(RecognitionGiven(recognition_id=item.id, giver_id=giver_id, recipient_id=item.recipient_id,
                                     academy_id=item.academy_id, kind=item.kind.value,
                                     shared_with_line_manager=item.visibility is Visibility.LINE_MANAGER))
        return item

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @property
    def kept(self) -> bool:
        return self.evidence_for is not None

    def withdrawable_until(self) -> datetime:
        return self.given_at + WITHDRAW_WITHIN

    def may_withdraw(self, now: datetime) -> bool:
        return not self.kept and not self.removed and now < self.withdrawable_until()

    def check_withdrawal(self, by: uuid.UUID | None, now: datetime) -> None:
        """The giver may take it back within a day of giving it, unless the recipient has kept it as evidence."""
        if by != self.giver_id:
            raise NotAllowed("only the colleague who gave it can withdraw it")
        if self.removed:
            raise IllegalTransition("HR have already removed it")
        if self.kept:
            raise IllegalTransition("the recipient has kept it as evidence in their appraisal, so it can no longer "
                                    "be withdrawn")
        if now >= self.withdrawable_until():
            raise IllegalTransition(f"it can be withdrawn only within {WITHDRAW_WITHIN.total_seconds() // 3600:.0f} "
                                    "hours of giving it")

    def withdraw(self, by: uuid.UUID | None, now: datetime) -> None:
        """The giver takes it back (the service deletes it): a subject access copy either of them asked for in the
        meantime held the words (outsider O6, issue 24), so appraisal's answers about them are withdrawn too."""
        self.check_withdrawal(by, now)
        self._words_gone()

    def keep(self, by: uuid.UUID | None, appraisal_id: uuid.UUID | None) -> None:
        """The recipient keeps it as evidence in their appraisal in progress (`appraisal_id`; None: they have none)."""
        self._recipients(by, "keep it as evidence")
        if appraisal_id is None:
            raise IllegalTransition("you have no appraisal in progress to keep it in; you can keep it once your "
                                    "appraisal for this year has started")
        if self.kept:
            raise IllegalTransition("it is already kept as evidence in your appraisal")
        self.evidence_for, self.hidden = appraisal_id, False

    def unkeep(self, by: uuid.UUID | None, appraisal_in_progress: bool) -> None:
        """The recipient takes it out of their appraisal again, while that appraisal is in progress."""
        self._recipients(by, "stop keeping it as evidence")
        if not self.kept:
            raise IllegalTransition("it is not kept as evidence")
        if not appraisal_in_progress:
            raise IllegalTransition("the appraisal it is kept in has finished, so it stays in that appraisal's record")
        self.evidence_for = None

    def hide(self, by: uuid.UUID | None, hidden: bool) -> None:
        """The recipient hides it from their own list (or shows it again); it is not deleted."""
        self._recipients(by, "hide it")
        if hidden and self.kept:
            raise IllegalTransition("it is kept as evidence in your appraisal: stop keeping it first, then hide it")
        self.hidden = hidden

    def remove(self, by: uuid.UUID | None, because: str, now: datetime) -> None:
        """HR remove an abusive one: the words are erased for good, the reason is kept, and it is no longer evidence.
        Never HR who gave it or were given it (outsider, issue 24: a giver in HR removed what the recipient reported,
        kept evidence included, and the recipient read that it broke the code of conduct)."""
        self._not_a_party(by, "remove it")
        if self.removed:
            raise IllegalTransition("it has already been removed")
        self.words, self.value, self.standard = "", None, None
        self.evidence_for = None
        self.removed_at, self.removed_because, self.removed_by = now, because, by
        self._words_gone()  # a subject access copy either of them asked for before held the words (outsider O5)

    def _words_gone(self) -> None:
        self.record(SubjectAccessWithdrawn(staff_ids=(self.giver_id, self.recipient_id), academy_id=self.academy_id))

    @property
    def reported(self) -> bool:
        return self.reported_at is not None

    @property
    def awaiting_hr(self) -> bool:
        """Reported, and HR have neither removed it nor dismissed the report: it is on HR's list."""
        return self.reported and not self.removed and self.report_dismissed_at is None

    def report(self, by: uuid.UUID | None, because: str | None, now: datetime) -> None:
        """The recipient reports it to their academy's HR, once, optionally saying why. HR's contacts are told
        (never the giver: only the recipient can report, so telling the giver would say who)."""
        self._recipients(by, "report it to HR")
        if self.reported:
            raise IllegalTransition("you have already reported it to HR" + (
                ", and they decided to leave it as it is" if self.report_dismissed_at else
                "; they will look at it"))
        self.reported_at, self.reported_because = now, (because or "").strip() or None
        self.record(RecognitionReported(recognition_id=self.id, giver_id=self.giver_id,
                                        recipient_id=self.recipient_id, academy_id=self.academy_id,
                                        kind=self.kind.value))

    def dismiss_report(self, by: uuid.UUID | None, now: datetime) -> None:
        """HR looked at a reported item and leave it as it is: the report is kept, with who dismissed it and when."""
        self._not_a_party(by, "decide on the report")
        if not self.reported:
            raise IllegalTransition("it has not been reported to HR")
        if self.removed:
            raise IllegalTransition("it has already been removed")
        if self.report_dismissed_at is not None:
            raise IllegalTransition("the report has already been dismissed")
        self.report_dismissed_at, self.report_dismissed_by = now, by

    def _not_a_party(self, by: uuid.UUID | None, doing: str) -> None:
        if by is not None and by == self.giver_id:
            raise NotAllowed(f"you gave it, so another member of HR must {doing}")
        if by is not None and by == self.recipient_id:
            raise NotAllowed(f"it was given to you, so another member of HR must {doing}")

    def _recipients(self, by: uuid.UUID | None, doing: str) -> None:
        if by != self.recipient_id:
            raise NotAllowed(f"only the colleague it was given to can {doing}")
        if self.removed:
            raise IllegalTransition("HR have removed it")
