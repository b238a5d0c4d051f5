"""What happens to a survey run, as the run records it (service.unit_of_work maps each to its wellbeing.* contract).

None holds an answer or anything that joins one to a person: an invitation and a reminder name people (so
notifications can reach them) and say nothing of what anyone answered; the published results hold only figures for
groups at or above the run's minimum size.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from staffroom_shared.domain import DomainEvent


@dataclass(frozen=True)
class RunEvent(DomainEvent):
    """The run as every event about it names it; `owner_academy_id` is the academy it concerns (None: trust HR's)."""

    run_id: uuid.UUID
    title: str
    opens_on: date
    closes_on: date
    academy_ids: tuple[uuid.UUID, ...]
    staff_types: tuple[str, ...]
    owner_academy_id: uuid.UUID | None


@dataclass(frozen=True)
class SurveyOpened(RunEvent):
    invited: int


@dataclass(frozen=True)
class InvitationIssued(DomainEvent):
    """One person's invitation, or a new link they asked for (`reissued`); the link sealed to notifications' key,
    or none (`answer_in_staffroom`: a lifecycle pool's, answered from Staffroom only)."""

    run_id: uuid.UUID
    staff_id: uuid.UUID
    academy_id: uuid.UUID
    title: str
    closes_on: date
    sealed_link: str | None
    reissued: bool
    answer_in_staffroom: bool = False


@dataclass(frozen=True)
class FeedbackInvitationIssued(InvitationIssued):
    """A rater's link to a feedback request (`run_id`: the request), sent as a survey's is, in the same contract;
    `about`: whom the feedback is about; `sealed_address`: someone outside the trust's email address, sealed to
    notifications' key as the link is (`staff_id` is then an id made for this one invitation)."""

    feedback: bool = True
    about: str | None = None
    sealed_address: str | None = None


@dataclass(frozen=True)
class FeedbackRequestClosed(DomainEvent):
    """A request for feedback closed: an email asking for feedback on it that has not gone yet never should."""

    request_id: uuid.UUID
    academy_id: uuid.UUID


@dataclass(frozen=True)
class ClosingSoonReminded(RunEvent):
    not_responded: tuple[uuid.UUID, ...]  # invited and not yet submitted (never what anyone answered)


@dataclass(frozen=True)
class SurveyClosed(RunEvent):
    invited: int
    responses: int  # the answers counted in the results


@dataclass(frozen=True)
class ResultsPublished(RunEvent):
    min_group_size: int
    groups: tuple[dict, ...]  # the shown groups of the trust and each academy, with their figures and turnover
    lifecycle: str | None = None  # a lifecycle survey's pool ("onboarding", "exit"), not a survey of all staff


@dataclass(frozen=True)
class AnswersReleased(RunEvent):
    """Authors' answers to HR's replies, passed on together (never one author's alone, never when each was written)."""

    answers: int
    academies: tuple[uuid.UUID, ...]  # the academies whose comments were answered; none for the trust's own pool
    released_on: date
    academy_answers: tuple[dict, ...] = ()  # {academy_id, answers}: how many of them under each academy's comments


@dataclass(frozen=True)
class ActionPublished(DomainEvent):
    """An action plan HR or a head published for a group (`academy_id` None: the trust; `staff_type` None: all):
    notifications tells the staff in that group from its own copy of the directory."""

    action_id: uuid.UUID
    title: str
    measure: str
    measure_title: str
    academy_id: uuid.UUID | None
    staff_type: str | None
    owner_id: uuid.UUID
    due_on: date


@dataclass(frozen=True)
class LeavingReasonsPublished(DomainEvent):
    """A closed exit pool's reasons for leaving: how many in each shown group gave each (never who)."""

    run_id: uuid.UUID
    opens_on: date
    closes_on: date
    min_group_size: int
    groups: tuple[dict, ...]
