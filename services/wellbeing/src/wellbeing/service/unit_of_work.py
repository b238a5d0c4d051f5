"""Wellbeing's unit of work: its repositories, and the one table from its domain events to their contracts."""
from __future__ import annotations

from staffroom_shared.uow import Contract, UnitOfWork

from ..adapters.actions import ActionRepository
from ..adapters.benchmarks import BenchmarkRepository
from ..adapters.feedback import FeedbackRepository
from ..adapters.repository import (
    AcademyRepository, BallotRepository, DraftRepository, InvitationRepository, RunRepository, StaffRepository,
)
from ..adapters.lifecycle import LifecycleRepository
from ..adapters.pulses import SeriesRepository
from ..adapters.replies import ReplyRepository
from ..adapters.results import ResultRepository
from ..domain.events import (
    ActionPublished, AnswersReleased, ClosingSoonReminded, FeedbackInvitationIssued, FeedbackRequestClosed,
    InvitationIssued,
    LeavingReasonsPublished, ResultsPublished,
    RunEvent, SurveyClosed, SurveyOpened,
)

_RUN = ("run_id", "title", "opens_on", "closes_on", "academy_ids", "staff_types")


def _about_run(*extra: str):
    """A payload of the run as wellbeing.* names it (RunRef), then these fields of the event."""
    def payload(event: RunEvent) -> dict:
        values = {name: getattr(event, name) for name in (*_RUN, *extra)}
        return {name: list(value) if isinstance(value, tuple) else value for name, value in values.items()}
    return payload


def _owner(event: RunEvent):
    return event.owner_academy_id


CONTRACTS = {
    SurveyOpened: Contract("wellbeing.survey_opened", payload=_about_run("invited"), academy=_owner),
    InvitationIssued: Contract("wellbeing.invitation_issued", version=2),
    FeedbackInvitationIssued: Contract("wellbeing.invitation_issued", version=2),
    FeedbackRequestClosed: Contract("wellbeing.feedback_request_closed",
                                   payload=lambda event: {"request_id": event.request_id}),
    ClosingSoonReminded: Contract("wellbeing.survey_closing_soon", payload=_about_run("not_responded"),
                                  academy=_owner),
    SurveyClosed: Contract("wellbeing.survey_closed", payload=_about_run("invited", "responses"), academy=_owner),
    ResultsPublished: Contract("wellbeing.results_published", payload=_about_run("min_group_size", "groups", "lifecycle"),
                               academy=_owner),
    AnswersReleased: Contract("wellbeing.answers_released", payload=_about_run("answers", "academies", "released_on",
                                                                             "academy_answers"),
                              academy=_owner),
    ActionPublished: Contract("wellbeing.action_published"),
    LeavingReasonsPublished: Contract("wellbeing.leaving_reasons_published"),
}


class WellbeingUnitOfWork(UnitOfWork):
    contracts = CONTRACTS
    repositories = {"runs": RunRepository, "invitations": InvitationRepository, "staff": StaffRepository,
                    "academies": AcademyRepository, "drafts": DraftRepository, "ballots": BallotRepository,
                    "results": ResultRepository, "replies": ReplyRepository, "actions": ActionRepository,
                    "benchmarks": BenchmarkRepository, "series": SeriesRepository,
                    "lifecycle": LifecycleRepository, "feedback": FeedbackRepository}
