"""Who hears about what: each event the rules know, turned into messages for the right people only."""
from __future__ import annotations

import uuid

import pytest

from notifications.domain.rules import CATEGORIES, RULES, Person, SurveyLink

TEACHER, MANAGER, LEFT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
PEOPLE = {TEACHER: Person(TEACHER, "Tom", "tom@oak.example", MANAGER),
          MANAGER: Person(MANAGER, "Priya", "priya@oak.example", None)}


class Lookup:
    def __call__(self, staff_id):
        return PEOPLE.get(staff_id)

    def hr(self, academy_id, fallback=True):
        return [PEOPLE[MANAGER]]  # the manager doubles as the HR contact here


people = Lookup()


def ref(**extra):
    return {"enrolment_id": str(uuid.uuid4()), "staff_id": str(TEACHER), "academy_id": str(uuid.uuid4()),
            "programme_id": str(uuid.uuid4()), "programme_title": "NPQ in Senior Leadership",
            "cohort_id": str(uuid.uuid4()), "cost": "2450.00", **extra}


APPRAISAL = {"appraisal_id": str(uuid.uuid4()), "cycle_id": str(uuid.uuid4()), "reviewee_id": str(TEACHER),
             "appraiser_id": str(MANAGER), "academy_id": str(uuid.uuid4())}
CASES = [
    ("appraisal.appraisal_opened", {**APPRAISAL, "template": "teachers", "objectives_due": "2026-10-31",
                                    "mid_year_due": "2027-02-28", "end_of_year_due": "2027-07-15"},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.overdue", {**APPRAISAL, "milestone": "objectives", "due_on": "2026-10-31", "days_overdue": 7},
     {(MANAGER, "appraisal")}),
    ("cpd.enrolment_requested", ref(line_manager_id=str(MANAGER), needs_hr_approval=True), {(MANAGER, "cpd_approvals")}),
    ("cpd.enrolment_approved", ref(approved_by=str(MANAGER), stage="line_manager", status="confirmed"),
     {(TEACHER, "cpd_updates")}),
    ("cpd.enrolment_declined", ref(declined_by=str(MANAGER), note="Budget is spent"), {(TEACHER, "cpd_updates")}),
    ("cpd.enrolled", ref(starts_on="2027-01-10", from_waiting_list=True, programme_kind="npq"),
     {(TEACHER, "cpd_updates")}),
    ("cpd.agreement_required", ref(agreement_id=str(uuid.uuid4())), {(TEACHER, "cpd_updates")}),
    ("cpd.future_leader_nominated", {"nomination_id": str(uuid.uuid4()), "staff_id": str(TEACHER),
                                     "academy_id": str(uuid.uuid4()), "nominated_by": str(MANAGER),
                                     "nominated_on": "2026-11-01"}, {(TEACHER, "future_leaders")}),
    ("wellbeing.invitation_issued", {"run_id": str(uuid.uuid4()), "staff_id": str(TEACHER),
                                     "academy_id": str(uuid.uuid4()), "title": "Autumn pulse",
                                     "closes_on": "2026-12-14", "sealed_link": "c2VhbGVk"},
     {(TEACHER, "surveys")}),
    ("wellbeing.survey_closing_soon", {"run_id": str(uuid.uuid4()), "title": "Autumn pulse", "opens_on": "2026-11-23",
                                       "closes_on": "2026-12-14", "academy_ids": [], "staff_types": [],
                                       "not_responded": [str(TEACHER), str(MANAGER), str(LEFT)]},
     {(TEACHER, "surveys"), (MANAGER, "surveys")}),
]


TARGET = {"target_key": "induction_for_new_starters", "title": "An induction for every new starter",
          "academy_id": None, "value": 80.0, "numerator": 8, "denominator": 10, "threshold": 100.0,
          "at_risk_below": 90.0, "deadline": None, "previous_status": "on_track", "as_of": "2026-11-23"}
CASES += [
    ("targets.at_risk", {**TARGET, "status": "at_risk"}, {(MANAGER, "targets")}),
    ("targets.met", {**TARGET, "value": 100.0, "numerator": 10, "status": "met"}, {(MANAGER, "targets")}),
]


@pytest.mark.parametrize("event_type, payload, expected", CASES, ids=[c[0] for c in CASES])
def test_each_event_reaches_exactly_the_people_it_concerns(event_type, payload, expected):
    drafts = RULES[event_type](payload, people)
    assert {(d.recipient_id, d.category) for d in drafts} == expected
    for draft in drafts:
        assert draft.category in CATEGORIES
        assert draft.body.startswith(f"Dear {PEOPLE[draft.recipient_id].first_name},")
        assert draft.subject and len(draft.subject) <= 300
        assert draft.link is None or draft.link.startswith(("/", "https://"))


def test_a_survey_reminder_names_nobody_else():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.survey_closing_soon"]
    for draft in RULES["wellbeing.survey_closing_soon"](payload, people):
        others = [p for p in PEOPLE.values() if p.staff_id != draft.recipient_id]
        assert not any(o.first_name in draft.body or o.first_name in draft.subject for o in others)


def test_an_invitation_says_the_link_was_emailed_and_keeps_it_sealed_for_the_email_alone():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    [draft] = RULES["wellbeing.invitation_issued"](payload, people)
    assert draft.link == "/surveys"
    assert "Staffroom emails it to you and keeps no copy" in draft.body and "I've lost my link" in draft.body
    assert draft.survey_link == SurveyLink(uuid.UUID(payload["run_id"]), "c2VhbGVk")
    assert "c2VhbGVk" not in draft.body + draft.subject + draft.link


def test_a_v1_invitations_clear_link_is_kept_nowhere():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    clear = {**{k: v for k, v in payload.items() if k != "sealed_link"},
             "link": "https://s.example/surveys/respond#token=clear-token"}
    [draft] = RULES["wellbeing.invitation_issued"](clear, people)
    assert "clear-token" not in repr(draft)
    assert draft.survey_link == SurveyLink(uuid.UUID(payload["run_id"]), None)  # its email says how to get a new one


def test_an_automatic_approval_is_not_news():
    assert RULES["cpd.enrolment_approved"](ref(approved_by=None, stage="automatic", status="confirmed"), people) == []


def test_nobody_to_tell_gives_no_message():
    assert RULES["cpd.enrolment_requested"](ref(staff_id=str(LEFT), line_manager_id=str(MANAGER),
                                                needs_hr_approval=False), people) == []
    assert RULES["cpd.enrolment_requested"](ref(line_manager_id=None, needs_hr_approval=True), people) == []


def test_appraisals_and_approvals_cannot_be_switched_off_but_updates_can():
    assert CATEGORIES["appraisal"].statutory and CATEGORIES["cpd_approvals"].statutory
    assert not CATEGORIES["surveys"].statutory and not CATEGORIES["cpd_updates"].statutory


def test_every_appraisal_milestone_has_words():
    from notifications.domain.rules import _MILESTONES
    from staffroom_shared.contracts.appraisal import MILESTONES

    assert set(_MILESTONES) == set(MILESTONES)
