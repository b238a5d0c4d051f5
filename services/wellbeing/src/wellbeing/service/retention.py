"""What the wellbeing service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it.

A survey's published figures (results, drivers, turnover) are aggregates about groups of at least the minimum
size and are kept. What is about single people goes after its window: who was invited to a closed run and
whether they answered, and the free-text comments. (Answers themselves are never kept past the close.)
"""
from __future__ import annotations

from datetime import date

from staffroom_shared.retention import LIMITATION, Period, Record, platform_records, start_of
from staffroom_shared.uow import UnitOfWork

from ..adapters.orm import metadata

OWN = ("Staffroom's own: long enough to compare a survey with the next year's (who answered both is counted, "
       "never shown) and for HR to act on what staff wrote; the published figures stay")


def _invitations(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    """The invitations of runs closed before the cutoff."""
    return uow.invitations.forget_of_runs_closed_before(start_of(cutoff))


def _comments(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    """The comments of runs closed before the cutoff, the replies and answers under them first (they go together,
    whatever the period is set to)."""
    gone = uow.replies.forget_of_runs_closed_before(start_of(cutoff))
    return gone + uow.results.forget_comments_of_runs_closed_before(start_of(cutoff))


ASKED = ("Staffroom's own, as a survey's invitations: who was asked in a closed request, and whether they "
         "answered, goes after two years; the request's report stays (below)")


def _feedback_invitations(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    return uow.feedback.forget_invitations_closed_before(start_of(cutoff))


def _feedback_reports(uow: UnitOfWork, cutoff: date, _today: date) -> int:
    return uow.feedback.forget_requests_closed_before(start_of(cutoff))


RECORDS = (
    *platform_records(metadata),
    Record("invitations", "who was invited to a closed survey, and whether they answered (never what)",
           Period(2, "year"), "the day the survey closed", OWN, _invitations),
    Record("comments", "the free-text comments of a closed survey, with the replies and answers under them",
           Period(2, "year"), "the day the survey closed", OWN, _comments),
    Record("feedback_invitations", "who was asked for 360 or upward feedback in a closed request, in which group, "
           "and whether they answered (never what)", Period(2, "year"), "the day the request closed", ASKED,
           _feedback_invitations),
    Record("feedback_reports", "360 and upward feedback requests and their reports, about the person they asked "
           "about", Period(6, "year"), "the day the request closed", LIMITATION, _feedback_reports),
)
