"""cpd.impact_check_due: the participant's line manager is asked, in words, to record the impact seen."""
from __future__ import annotations

import uuid

from notifications.domain.rules import drafts_for

from .test_rules import MANAGER, TEACHER, people


def _due(**extra) -> dict:
    return {"enrolment_id": str(uuid.uuid4()), "staff_id": str(TEACHER), "academy_id": str(uuid.uuid4()),
            "line_manager_id": str(MANAGER), "programme_title": "Adaptive teaching", "completed_on": "2027-02-01",
            "due_on": "2027-03-15", **extra}


def test_the_line_manager_is_asked_to_record_the_impact_seen():
    payload = _due()
    (draft,) = drafts_for("cpd.impact_check_due", payload, people)
    assert (draft.recipient_id, draft.category) == (MANAGER, "cpd_approvals")
    assert draft.subject.startswith("Impact check due: Tom") and draft.subject.endswith("Adaptive teaching")
    assert "completed Adaptive teaching on 1 February 2027" in draft.body and "2027-" not in draft.body
    assert draft.link == f"/cpd/impact/{payload['enrolment_id']}"


def test_nobody_is_told_about_someone_not_in_the_staff_copy():
    assert drafts_for("cpd.impact_check_due", _due(staff_id=str(uuid.uuid4())), people) == []
