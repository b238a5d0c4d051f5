"""What the appraisal service keeps, and for how long (issue 21; docs/privacy.md). The daily job expires it."""
from __future__ import annotations

from datetime import date

from staffroom_shared.retention import LIMITATION, Period, Record, platform_records, start_of

from ..adapters.orm import metadata
from .unit_of_work import AppraisalUnitOfWork


def _appraisals_of_cycles_ended_before(uow: AppraisalUnitOfWork, cutoff: date, _today: date) -> int:
    """An appraisal goes with everything in it; the cycle itself holds nobody's data."""
    return uow.appraisals.delete_of_cycles_ended_before(cutoff)


def _recognition_given_before(uow: AppraisalUnitOfWork, cutoff: date, _today: date) -> int:
    """Recognition and feedback not kept as evidence; what is kept goes with its appraisal, above."""
    return uow.recognition.delete_given_before(cutoff)


def _coaching_before(uow: AppraisalUnitOfWork, cutoff: date, _today: date) -> int:
    return uow.qa.delete_coaching_before(start_of(cutoff))


COACHING = ("Staffroom's own: a coaching pair from the QA map runs for a term or two, and the map's next rounds show "
            "whether its cell moved within a year; the rounds and their actions, which name no teacher, stay")

RECORDS = (
    *platform_records(metadata),
    Record("appraisals", "appraisals: objectives, reviews, observations, meetings, sign-off and any support plan",
           Period(6, "year"), "the end of the appraisal cycle", LIMITATION, 
           _appraisals_of_cycles_ended_before),
    Record("recognition", "recognition and feedback between colleagues not kept as appraisal evidence (kept ones go "
           "with their appraisal)", Period(6, "year"), "the day it was given", LIMITATION, _recognition_given_before),
    Record("coaching", "who asked for coaching in a criterion, and the coaching pairs made from the QA map",
           Period(2, "year"), "the day it was asked for or made", COACHING, _coaching_before),
)
