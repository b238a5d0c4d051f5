"""cpd.intent_recorded and cpd.impact_recorded on the fakes: kept as evidence, the newer event winning; the
evidence belongs to the cycle the programme was completed in."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

from appraisal.domain.cpd_evidence import CpdEvidence
from appraisal.service import handlers
from staffroom_shared.events import new_event, parse_event

from .fakes import FakeAppraisalUnitOfWork

TEACHER, ACADEMY = uuid.uuid4(), uuid.uuid4()
NOON = datetime(2027, 3, 1, 12, tzinfo=timezone.utc)


def _event(event_type: str, payload: dict, at: datetime):
    return parse_event(new_event(event_type, payload, producer="cpd", correlation_id="test", academy_id=ACADEMY,
                                 occurred_at=at).to_dict())


def _about(enrolment_id) -> dict:
    return {"enrolment_id": enrolment_id, "staff_id": TEACHER, "academy_id": ACADEMY, "programme_id": uuid.uuid4(),
            "programme_title": "Adaptive teaching", "completed_on": date(2027, 2, 1)}


def _intent(enrolment_id, words: str) -> dict:
    return {**_about(enrolment_id), "intent": words, "satisfaction": 4, "development_need_id": None,
            "appraisal_id": None, "recorded_on": date(2027, 2, 2)}


def test_intent_and_impact_are_kept_and_the_newer_intent_wins():
    uow, e = FakeAppraisalUnitOfWork(), uuid.uuid4()
    handlers.on_cpd_intent_recorded(uow, _event("cpd.intent_recorded", _intent(e, "The edit"), NOON))
    handlers.on_cpd_intent_recorded(uow, _event("cpd.intent_recorded", _intent(e, "The first"),
                                                NOON - timedelta(hours=1)))
    handlers.on_cpd_impact_recorded(uow, _event("cpd.impact_recorded", {
        **_about(e), "rating": 5, "seen": "Transformed", "recorded_by": uuid.uuid4(), "recorded_on": date(2027, 3, 20)},
        NOON))
    (kept,) = uow.cpd_evidence.of_reviewee(TEACHER)
    assert (kept.intent, kept.satisfaction_words, kept.impact_words) == ("The edit", "Satisfied", "Transformed practice")
    uow.cpd_evidence.forget(TEACHER)
    assert uow.cpd_evidence.of_reviewee(TEACHER) == []


def test_evidence_belongs_to_the_cycle_it_was_completed_in():
    evidence = CpdEvidence(uuid.uuid4(), TEACHER, "Adaptive teaching", date(2027, 2, 1))
    assert evidence.belongs_to_cycle(date(2026, 9, 1), date(2027, 8, 31))
    assert not evidence.belongs_to_cycle(date(2027, 9, 1), date(2028, 8, 31))
