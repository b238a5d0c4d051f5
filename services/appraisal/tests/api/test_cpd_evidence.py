"""CPD impact as appraisal evidence (issue 24): cpd.intent_recorded and cpd.impact_recorded, handled as the consumer
hands them over, show in the reviewee's appraisal for the cycle the programme was completed in, on the page and on
the printable record; the newest of two events wins; erasure takes them."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

from appraisal.service.handlers import HANDLERS
from staffroom_shared.events import new_event, parse_event

from .conftest import TODAY


def _deliver(app, event_type: str, payload: dict, at: datetime | None = None) -> None:
    event = parse_event(new_event(event_type, payload, producer="cpd", correlation_id="test",
                                  academy_id=payload["academy_id"], occurred_at=at).to_dict())
    uow = app.extensions["staffroom"].uow()
    with uow:
        HANDLERS[event_type](uow, event)
        uow.commit()


def _about(trust, completed_on: date, enrolment_id=None) -> dict:
    return {"enrolment_id": enrolment_id or uuid.uuid4(), "staff_id": uuid.UUID(trust.teacher.id),
            "academy_id": uuid.UUID(trust.teacher.academy_id), "programme_id": uuid.uuid4(),
            "programme_title": "Questioning that makes pupils think", "completed_on": completed_on}


def _intent(about: dict, intent: str, need=None) -> dict:
    return {**about, "intent": intent, "satisfaction": 4, "development_need_id": need, "appraisal_id": None,
            "recorded_on": TODAY}


def test_intent_and_impact_show_in_the_appraisal_and_the_printed_record(app, client, trust, steps):
    a = steps.started()  # the cycle began 60 days ago
    about = _about(trust, TODAY - timedelta(days=30))
    _deliver(app, "cpd.intent_recorded", _intent(about, "Wait <b>five</b> seconds", need=uuid.uuid4()))
    _deliver(app, "cpd.impact_recorded", {**about, "rating": 4, "seen": "More pupils answer",
                                          "recorded_by": uuid.UUID(trust.hod.id), "recorded_on": TODAY})
    _deliver(app, "cpd.intent_recorded", _intent(_about(trust, TODAY - timedelta(days=400)), "Last year's"))

    (shown,) = client.get(f"/appraisals/{a['id']}/cpd-evidence", headers=trust.hod.headers).json
    assert (shown["intent"], shown["satisfaction_words"], shown["impact_words"], shown["impact_seen"]) == (
        "Wait <b>five</b> seconds", "Satisfied", "Clear change", "More pupils answer")
    assert shown["linked_to_development_need"] is True
    record = client.get(f"/appraisals/{a['id']}/record", headers=trust.teacher.headers).get_data(as_text=True)
    assert "CPD and its impact" in record and "Wait &lt;b&gt;five&lt;/b&gt; seconds" in record
    assert "Clear change: More pupils answer" in record and "Last year" not in record
    assert (TODAY - timedelta(days=30)).strftime("%-d %B %Y") in record


def test_an_older_intent_arriving_late_does_not_replace_a_newer_one(app, client, trust, steps):
    a = steps.started()
    about = _about(trust, TODAY - timedelta(days=10))
    now = datetime.now(timezone.utc)
    _deliver(app, "cpd.intent_recorded", _intent(about, "The edit"), at=now)
    _deliver(app, "cpd.intent_recorded", _intent(about, "The first version"), at=now - timedelta(hours=1))
    shown = client.get(f"/appraisals/{a['id']}/cpd-evidence", headers=trust.teacher.headers).json
    assert [c["intent"] for c in shown] == ["The edit"]


def test_others_see_no_cpd_evidence_of_someone_elses_appraisal(app, client, trust, steps, problem):
    a = steps.started()
    _deliver(app, "cpd.intent_recorded", _intent(_about(trust, TODAY - timedelta(days=10)), "Mine"))
    problem(client.get(f"/appraisals/{a['id']}/cpd-evidence", headers=trust.other_teacher.headers), 404)
