"""Event handlers: keep every event consumed, turn it into the read model's facts (adapters.facts), and mark the
targets it moves to be judged again (evaluation.judge_pending, once per burst of events). Each runs in the
consumer's unit of work (with the inbox row), so a redelivered event changes nothing and a mark is never lost or
left by a failed event.

The facts are written so that the order events arrive in does not matter, which is what lets a rebuild replay the
stored events and get the same figures. Nothing here changes a target's standing, so no handler publishes.
"""
from __future__ import annotations

from staffroom_shared.events import Event
from staffroom_shared.retention import forget_pages_after, forget_sent_events

from ..adapters.facts import APPLY
from . import evaluation
from .subject_access import on_subject_access_requested
from .unit_of_work import TargetsUnitOfWork

_PEOPLE = ("development_programme_within_12_months", "induction_for_new_starters", "promoted_have_plan",
           "future_leaders_offered", "teaching_good_within_three_years", "ects_retained")
_STAFFED = (*_PEOPLE, "satisfaction_with_investment")  # staff in post: spend per head
MOVES = {  # the targets whose figures an event can change: marked pending, judged within about a second
    "staff.joined": _STAFFED, "staff.updated": _STAFFED, "staff.left": _STAFFED, "staff.promoted": _STAFFED,
    "staff.erased": (),  # a leaver's name and address: no figure counts them
    "academy.registered": (), "academy.updated": (),
    "cpd.enrolled": ("development_programme_within_12_months", "induction_for_new_starters",
                     "future_leaders_offered", "satisfaction_with_investment"),
    "cpd.completed": ("training_linked_to_appraisal",),  # and who has trained since (appraisers_trained counts
    # the reviews as they were run)
    "cpd.intent_recorded": ("training_linked_to_appraisal",),
    "cpd.plan_created": ("promoted_have_plan",),
    "cpd.agreement_required": ("training_agreements_in_place",),
    "cpd.agreement_signed": ("training_agreements_in_place",),
    "cpd.future_leader_nominated": ("future_leaders_offered",),
    "cpd.shadowing_arranged": ("future_leaders_offered",),
    "cpd.secondment_started": ("future_leaders_offered",),
    "cpd.induction_started": ("ect_tutor_and_mentor",),
    "cpd.induction_people_assigned": ("ect_tutor_and_mentor",),
    "cpd.induction_ended": ("ect_tutor_and_mentor", "ect_reviews_on_time", "ects_retained"),
    "cpd.induction_review_held": ("ect_reviews_on_time",),
    "cpd.induction_item_due": ("ect_reviews_on_time",),
    "cpd.induction_timetable_recorded": ("ect_timetable_reduction",),
    "appraisal.appraisal_opened": ("reviews_on_time", "objectives_agreed_on_time"),
    "appraisal.objectives_agreed": ("objectives_agreed_on_time",),
    "appraisal.review_completed": ("reviews_on_time", "appraisers_trained", "teaching_good_within_three_years"),
    "appraisal.closed": ("reviews_on_time", "objectives_agreed_on_time"),
    "wellbeing.results_published": ("engagement_vs_benchmark", "satisfaction_with_investment"),
}


def handle(uow: TargetsUnitOfWork, event: Event) -> None:
    """Keep the event, apply its facts, and mark the targets it moves for the next judgement (judge_pending):
    judging here would read every member of staff once per event."""
    uow.event_store.remember(event)
    uow.facts.apply(event)
    evaluation.mark_pending(uow, MOVES[event.type])


def on_erased(uow: TargetsUnitOfWork, event: Event) -> None:
    """staff.erased as any staff event, and then, as every service does at erasure, the outbox's sent events that
    named the person go: its answers to their subject access requests among them (outsider 13, issue 21)."""
    handle(uow, event)
    forget_sent_events(uow, event.payload["staff_id"])
    forget_pages_after(uow)


# A subject access request is answered, not kept: it changes no figure, and a rebuild must not answer it again.
HANDLERS = {**{event_type: handle for event_type in APPLY}, "staff.erased": on_erased,
            "subject_access.requested": on_subject_access_requested}
