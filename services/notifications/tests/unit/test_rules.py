"""Who hears about what: each event the rules know, turned into messages for the right people only."""
from __future__ import annotations

import uuid

import pytest

from notifications.domain.rules import CATEGORIES, RULES, Person, SurveyLink, drafts_for, outside_feedback

TEACHER, MANAGER, LEFT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
PEOPLE = {TEACHER: Person(TEACHER, "Tom", "tom@oak.example", MANAGER),
          MANAGER: Person(MANAGER, "Priya", "priya@oak.example", None)}


class Lookup:
    def __call__(self, staff_id):
        return PEOPLE.get(staff_id)

    def hr(self, academy_id, fallback=True):
        return [PEOPLE[MANAGER]]  # the manager doubles as the HR contact here

    def in_group(self, academy_id, staff_type):
        return [PEOPLE[TEACHER]]  # the teacher is the group an action is for here


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
     {(MANAGER, "appraisal"), (TEACHER, "appraisal")}),  # objectives are agreed together (outsider, issue 20)
    ("appraisal.overdue", {**APPRAISAL, "milestone": "mid_year_review", "due_on": "2027-02-28", "days_overdue": 7},
     {(MANAGER, "appraisal")}),
    ("appraisal.objectives_agreed", {**APPRAISAL, "agreed_on": "2026-10-20", "due_on": "2026-10-31",
                                      "on_time": True, "objective_count": 3},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.review_completed", {**APPRAISAL, "stage": "end_of_year", "overall_outcome": "met",
                                    "teaching_judgement": None, "pay_recommendation": None,
                                    "completed_on": "2027-07-01", "due_on": "2027-07-15", "on_time": True,
                                    "appraiser_untrained": False},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.signed_off", {**APPRAISAL, "signed_off_on": "2027-07-03"},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.recognition_given", {"recognition_id": str(uuid.uuid4()), "giver_id": str(MANAGER),
                                     "recipient_id": str(TEACHER), "academy_id": str(uuid.uuid4()),
                                     "kind": "recognition", "shared_with_line_manager": False},
     {(TEACHER, "recognition")}),
    ("appraisal.recognition_reported", {"recognition_id": str(uuid.uuid4()), "giver_id": str(uuid.uuid4()),
                                        "recipient_id": str(TEACHER), "academy_id": str(uuid.uuid4()),
                                        "kind": "feedback"},
     {(MANAGER, "recognition_reports")}),  # the HR contact; never the recipient
    ("appraisal.recognition_reported", {"recognition_id": str(uuid.uuid4()), "giver_id": str(MANAGER),
                                        "recipient_id": str(TEACHER), "academy_id": str(uuid.uuid4()),
                                        "kind": "recognition"},
     set()),  # the HR contact gave it: not told who reported it
    ("appraisal.reminder_sent", {**APPRAISAL, "milestone": "objectives", "due_on": "2026-10-31", "days_overdue": 9,
                                 "sent_by_id": str(MANAGER), "note": None},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.reminder_sent", {**APPRAISAL, "milestone": "mid_year_review", "due_on": "2027-02-28",
                                 "days_overdue": 3, "sent_by_id": None, "note": "Please book it this week"},
     {(MANAGER, "appraisal")}),
    ("appraisal.reminder_sent", {**APPRAISAL, "milestone": "sign_off", "due_on": "2027-07-31", "days_overdue": 2,
                                 "sent_by_id": str(MANAGER), "note": None},
     {(TEACHER, "appraisal")}),
    ("appraisal.appraiser_assigned", {**APPRAISAL, "previous_appraiser_id": None, "by_hr": True},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.appraiser_assigned", {**APPRAISAL, "previous_appraiser_id": str(MANAGER), "by_hr": True},
     set()),  # the same appraiser again: nothing has changed
    ("appraisal.closed", {**APPRAISAL, "status": "withdrawn", "reason": "Long-term absence"},
     {(TEACHER, "appraisal"), (MANAGER, "appraisal")}),
    ("appraisal.closed", {**APPRAISAL, "status": "closed", "reason": "the cycle closed"}, set()),
    ("cpd.enrolment_requested", ref(line_manager_id=str(MANAGER), needs_hr_approval=True), {(MANAGER, "cpd_approvals")}),
    ("cpd.enrolment_approved", ref(approved_by=str(MANAGER), stage="line_manager", status="confirmed"),
     set()),  # the place (cpd.enrolled, naming who approved) says it: one message, not two (outsider 4, issue 20)
    ("cpd.enrolment_approved", ref(approved_by=str(MANAGER), stage="hr", status="waiting"),
     {(TEACHER, "cpd_updates")}),
    ("cpd.enrolment_approved", ref(approved_by=str(MANAGER), stage="line_manager", status="awaiting_hr"),
     {(TEACHER, "cpd_updates"), (MANAGER, "cpd_approvals")}),  # HR (the manager here) approves next
    ("cpd.enrolment_approved", ref(approved_by=str(MANAGER), stage="hr", status="awaiting_agreement"),
     set()),  # cpd.agreement_required's message says it: one message, not two (outsider, issue 20)
    ("cpd.enrolment_declined", ref(declined_by=str(MANAGER), note="Budget is spent"), {(TEACHER, "cpd_updates")}),
    ("cpd.enrolled", ref(starts_on="2027-01-10", from_waiting_list=True, programme_kind="npq"),
     {(TEACHER, "cpd_updates")}),
    ("cpd.enrolled", ref(starts_on="2027-01-10", from_waiting_list=False, programme_kind="npq",
                         approved_by=str(MANAGER), approval_stage="hr"), {(TEACHER, "cpd_updates")}),
    ("cpd.agreement_required", ref(agreement_id=str(uuid.uuid4())), {(TEACHER, "cpd_updates")}),
    ("cpd.future_leader_nominated", {"nomination_id": str(uuid.uuid4()), "staff_id": str(TEACHER),
                                     "academy_id": str(uuid.uuid4()), "nominated_by": str(MANAGER),
                                     "nominated_on": "2026-11-01"}, {(TEACHER, "future_leaders")}),
    ("cpd.impact_check_due", {"enrolment_id": str(uuid.uuid4()), "staff_id": str(TEACHER),
                              "academy_id": str(uuid.uuid4()), "line_manager_id": str(MANAGER),
                              "programme_title": "Adaptive teaching", "completed_on": "2027-02-01",
                              "due_on": "2027-03-15"}, {(MANAGER, "cpd_approvals")}),
    ("wellbeing.invitation_issued", {"run_id": str(uuid.uuid4()), "staff_id": str(TEACHER),
                                     "academy_id": str(uuid.uuid4()), "title": "Autumn pulse",
                                     "closes_on": "2099-12-14", "sealed_link": "c2VhbGVk"},
     {(TEACHER, "surveys")}),
    ("wellbeing.survey_closing_soon", {"run_id": str(uuid.uuid4()), "title": "Autumn pulse", "opens_on": "2026-11-23",
                                       "closes_on": "2026-12-14", "academy_ids": [], "staff_types": [],
                                       "not_responded": [str(TEACHER), str(MANAGER), str(LEFT)]},
     {(TEACHER, "surveys"), (MANAGER, "surveys")}),
    ("wellbeing.answers_released", {"run_id": str(uuid.uuid4()), "title": "Autumn pulse", "opens_on": "2026-11-23",
                                     "closes_on": "2026-12-14", "academy_ids": [], "staff_types": [], "answers": 5,
                                     "academies": [str(uuid.uuid4())], "released_on": "2027-01-04"},
     {(MANAGER, "surveys")}),  # HR only, once each, never "the author"
    ("wellbeing.action_published", {"action_id": str(uuid.uuid4()), "title": "Quieter Wednesdays",
                                    "measure": "enps", "measure_title": "eNPS", "academy_id": str(uuid.uuid4()),
                                    "staff_type": None, "owner_id": str(MANAGER), "due_on": "2027-07-01"},
     {(TEACHER, "survey_actions")}),
]


TARGET = {"target_key": "induction_for_new_starters", "title": "An induction for every new starter",
          "academy_id": None, "value": 80.0, "numerator": 8, "denominator": 10, "threshold": 100.0,
          "at_risk_below": 90.0, "deadline": None, "previous_status": "on_track", "as_of": "2026-11-23"}
INDUCTION = {"induction_id": str(uuid.uuid4()), "staff_id": str(TEACHER), "academy_id": str(uuid.uuid4())}
CASES += [  # issue 25: the tutor always; a formal assessment the ECT and HR too; a support plan all three
    ("cpd.induction_item_due", {**INDUCTION, "kind": "progress_review", "stage": "due_soon", "due_on": "2026-12-18",
                                "school_year": 2026, "term_number": 1, "tutor_id": str(MANAGER)},
     {(MANAGER, "induction")}),
    ("cpd.induction_item_due", {**INDUCTION, "kind": "final_formal_assessment", "stage": "overdue",
                                "due_on": "2027-07-21", "school_year": 2026, "term_number": 3, "tutor_id": None},
     {(TEACHER, "induction"), (MANAGER, "induction")}),  # the manager as HR contact here; no tutor named
    ("cpd.induction_support_plan_started", {**INDUCTION, "support_plan_id": str(uuid.uuid4()), "tutor_id": None,
                                            "review_held_on": "2026-12-10", "started_on": "2026-12-11"},
     {(TEACHER, "induction"), (MANAGER, "induction")}),
]
CASES += [
    ("targets.at_risk", {**TARGET, "status": "at_risk"}, {(MANAGER, "targets")}),
    ("targets.met", {**TARGET, "value": 100.0, "numerator": 10, "status": "met"}, {(MANAGER, "targets")}),
]


@pytest.mark.parametrize("event_type, payload, expected", CASES,
                         ids=[f"{c[0]}-{c[1].get('stage', '')}-{c[1].get('status', '')}" for c in CASES])
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
    assert "Staffroom emails it to you and keeps no copy" in draft.body and '"Answer now"' in draft.body
    assert draft.survey_link == SurveyLink(uuid.UUID(payload["run_id"]), "c2VhbGVk")
    assert "c2VhbGVk" not in draft.body + draft.subject + draft.link


def test_a_feedback_invitation_points_to_feedback_and_keeps_its_link_sealed_for_the_email_alone():
    """Issue 24: a rater's link to 360 or upward feedback travels as a survey's; F5: it reads as a request for
    feedback about a named colleague, filed under its own category, not as a survey."""
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    [draft] = RULES["wellbeing.invitation_issued"]({**payload, "title": "Feedback for Ada Lovelace", "feedback": True,
                                                    "about": "Ada Lovelace"}, people)
    assert draft.link == "/feedback" and draft.subject == "Would you give feedback about Ada Lovelace?"
    assert draft.category == "feedback_requests" and "survey" not in (draft.subject + draft.body).lower()
    assert "your feedback about Ada Lovelace, by 14 December 2099" in draft.body
    assert "shown to Ada Lovelace only together with those of others" in draft.body
    assert '"Answer now"' not in draft.body
    assert draft.survey_link == SurveyLink(uuid.UUID(payload["run_id"]), "c2VhbGVk")
    assert "c2VhbGVk" not in draft.body + draft.subject + draft.link


def test_a_staff_raters_feedback_invitation_carries_no_link_and_says_to_answer_in_staffroom():
    """Outside tester, issue 24: whoever held the mail spool answered with two peers' links and read the third's
    answers off the report. A member of staff's invitation now carries no link; they choose "Answer now"."""
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    [draft] = RULES["wellbeing.invitation_issued"]({**payload, "title": "Feedback for Ada Lovelace", "feedback": True,
                                                    "about": "Ada Lovelace", "sealed_link": None,
                                                    "answer_in_staffroom": True}, people)
    assert draft.link == "/feedback" and draft.subject == "Would you give feedback about Ada Lovelace?"
    assert draft.category == "feedback_requests" and draft.survey_link is None
    assert 'open Feedback in Staffroom and choose "Answer now"' in draft.body and "survey" not in draft.body.lower()
    assert "sends no link by email" in draft.body and "Staffroom emails it to you" not in draft.body
    # "Answer now" published before outsider O8: its news named who answered each request; none is sent now
    assert RULES["wellbeing.invitation_issued"]({**payload, "title": "Feedback for Ada Lovelace", "feedback": True,
                                                 "about": "Ada Lovelace", "sealed_link": None,
                                                 "answer_in_staffroom": True, "reissued": True}, people) == []


def test_an_upward_feedback_invitation_says_it_is_about_your_line_manager():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    [draft] = RULES["wellbeing.invitation_issued"]({**payload, "title": "Upward feedback for Mo Head", "feedback": True,
                                                    "about": "Mo Head"}, people)
    assert "your feedback about your line manager, Mo Head," in draft.body


def test_a_feedback_invitation_from_before_it_named_anyone_still_says_what_it_is_about():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    [draft] = RULES["wellbeing.invitation_issued"]({**payload, "title": "Feedback for Ada Lovelace", "feedback": True},
                                                   people)
    assert draft.subject == "Would you give feedback? Feedback for Ada Lovelace"


def test_someone_outside_the_trust_gets_no_inbox_message_but_one_plain_email_naming_whom_it_is_about():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    rater = uuid.uuid4()
    outside = {**payload, "staff_id": str(rater), "title": "Feedback for Ada Lovelace", "feedback": True,
               "about": "Ada Lovelace", "sealed_address": "YWRkcmVzcw"}
    assert RULES["wellbeing.invitation_issued"](outside, people) == []
    email = outside_feedback(outside, people)
    assert email.sealed_address == "YWRkcmVzcw" and email.draft.recipient_id == rater
    assert email.draft.category == "feedback_requests" and email.draft.link is None
    assert email.draft.subject == "Would you give feedback about Ada Lovelace?"
    assert email.draft.body.startswith("Hello,\n\nYou are asked for your feedback about Ada Lovelace")
    assert "only together with those of the other people outside the trust" in email.draft.body
    assert "never fewer than three" in email.draft.body and "keep no copy of it" in email.draft.body
    assert "unsubscribe" not in email.draft.body.lower() and "YWRkcmVzcw" not in email.draft.body
    assert email.draft.survey_link == SurveyLink(uuid.UUID(payload["run_id"]), "c2VhbGVk")


def test_no_outside_email_for_a_survey_or_a_request_already_closed():
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    outside = {**payload, "feedback": True, "about": "Ada Lovelace", "sealed_address": "YWRkcmVzcw"}
    assert outside_feedback({**outside, "feedback": False}, people) is None
    assert outside_feedback({**outside, "closes_on": "2020-01-01"}, people) is None
    assert outside_feedback({**outside, "sealed_address": None}, people) is None


def test_a_new_link_asked_for_in_staffroom_is_not_a_second_invitation():
    """Outsider, issue 20: "Answer now" in Staffroom emailed "Your invitation" a second time. The new link still
    goes by email (it is the only copy), saying what happened to the old one."""
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    [draft] = RULES["wellbeing.invitation_issued"]({**payload, "reissued": True}, people)
    assert draft.subject == "Your new link: Autumn pulse" and "invit" not in (draft.subject + draft.body).lower()
    assert "You asked Staffroom for a new link to Autumn pulse, which is open until 14 December 2099." in draft.body
    assert "The link you had before no longer works" in draft.body
    assert draft.survey_link == SurveyLink(uuid.UUID(payload["run_id"]), "c2VhbGVk")


def test_a_lifecycle_pools_invitation_asks_the_person_to_answer_in_staffroom_and_carries_no_link():
    """Outsider, issue 23: whoever held a pool's emailed links could answer for all but one invitee. Its invitations
    carry none; the message says where to answer, and the email says nothing of a missing link."""
    [payload] = [c[1] for c in CASES if c[0] == "wellbeing.invitation_issued"]
    pool = {**payload, "sealed_link": None, "answer_in_staffroom": True}
    [draft] = RULES["wellbeing.invitation_issued"](pool, people)
    assert draft.subject == "Your invitation: Autumn pulse" and draft.link == "/surveys" and draft.survey_link is None
    assert 'open Surveys in Staffroom and choose "Answer now"' in draft.body and "sends no link by email" in draft.body
    [asked] = RULES["wellbeing.invitation_issued"]({**pool, "reissued": True}, people)
    assert asked.survey_link is None and "If it was not you, tell your HR team." in asked.body
    [reminder] = [c[1] for c in CASES if c[0] == "wellbeing.survey_closing_soon"]  # a pool's too: no link to point to
    assert all('choose "Answer now"' in d.body for d in RULES["wellbeing.survey_closing_soon"](reminder, people))


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


def test_every_rule_in_the_cases():
    assert {c[0] for c in CASES} == set(RULES)


class OnePerson:
    """Everyone the rules look up is one person: reviewee, appraiser, line manager and HR contact at once."""

    def __init__(self):
        self.me = Person(TEACHER, "Tom", "tom@oak.example", TEACHER, "Hughes")

    def __call__(self, staff_id):
        return self.me if staff_id is not None else None

    def hr(self, academy_id, fallback=True):
        return [self.me]

    def in_group(self, academy_id, staff_type):
        return [self.me]


@pytest.mark.parametrize("event_type, payload, expected", CASES,
                         ids=[f"{c[0]}-{c[1].get('stage', '')}-{c[1].get('status', '')}" for c in CASES])
def test_one_event_never_gives_one_person_two_messages(event_type, payload, expected):
    """Issue 20: a second identical message followed the first. Whatever parts one person plays in an event, they
    hear of it once."""
    drafts = drafts_for(event_type, payload, OnePerson())
    assert len(drafts) <= 1, [d.subject for d in drafts]


def test_a_line_manager_s_approval_says_hr_approves_next_and_hr_s_says_it_is_done():
    """Issue 20: "Your request ... was approved" when only the line manager had, and the same again after HR."""
    first = {d.recipient_id: d for d in RULES["cpd.enrolment_approved"](
        ref(approved_by=str(MANAGER), stage="line_manager", status="awaiting_hr"), people)}
    assert first[TEACHER].subject == "NPQ in Senior Leadership: your line manager approved, HR approves next"
    assert "Priya, your line manager, approved" in first[TEACHER].body and "HR at your academy approves it next" in (
        first[TEACHER].body)
    assert first[MANAGER].subject == "Tom asks to attend NPQ in Senior Leadership: HR approval needed"
    # HR's approval that gives a place: one message, the place's, saying who approved (outsider 4: "you are on the
    # waiting list" came with "your place is confirmed", with 24 places free)
    assert RULES["cpd.enrolment_approved"](ref(approved_by=str(MANAGER), stage="hr", status="confirmed"), people) == []
    [last] = RULES["cpd.enrolled"](ref(starts_on="2099-01-10", from_waiting_list=False, programme_kind="npq",
                                       approved_by=str(MANAGER), approval_stage="hr"), people)
    assert last.subject == "Your place on NPQ in Senior Leadership is confirmed"
    assert last.body == ("Dear Tom,\n\nPriya (HR) approved your request: your place is confirmed on NPQ in Senior Leadership, "
                         "starting 10 January 2099.")
    assert last.subject != first[TEACHER].subject
    # ... and one that leaves them on the waiting list, because every place is taken, says that
    [waiting] = RULES["cpd.enrolment_approved"](ref(approved_by=str(MANAGER), stage="hr", status="waiting"), people)
    assert "Priya (HR) approved your request" in waiting.body and "Every place is taken" in waiting.body
    # a place on a cohort already under way says when it began, not "starting" a date gone by
    [began] = RULES["cpd.enrolled"](ref(starts_on="2020-10-01", from_waiting_list=True, programme_kind="npq"), people)
    assert began.body.endswith("NPQ in Senior Leadership, which began on 1 October 2020.")
    # approved with an agreement to sign: one message, the agreement's, says both (outsider: two near the same)
    assert RULES["cpd.enrolment_approved"](ref(approved_by=str(MANAGER), stage="hr", status="awaiting_agreement"),
                                           people) == []
    [sign] = RULES["cpd.agreement_required"](ref(agreement_id=str(uuid.uuid4())), people)
    assert "is approved. Before your place (£2,450) is confirmed, please read and sign" in sign.body


def test_another_person_is_named_in_full_so_namesakes_are_not_confused():
    """Issue 20: "Priya's appraisal is overdue", sent to a manager also called Priya, read as her own."""
    reviewee, manager = uuid.uuid4(), uuid.uuid4()
    priyas = {reviewee: Person(reviewee, "Priya", "p.shah@oak.example", manager, "Shah"),
              manager: Person(manager, "Priya", "p.jones@oak.example", None, "Jones")}

    class Priyas(Lookup):
        def __call__(self, staff_id):
            return priyas.get(staff_id)

    overdue = {**APPRAISAL, "reviewee_id": str(reviewee), "appraiser_id": str(manager), "milestone": "objectives",
               "due_on": "2026-10-31", "days_overdue": 1}
    draft, theirs = RULES["appraisal.overdue"](overdue, Priyas())
    assert draft.recipient_id == manager and theirs.recipient_id == reviewee
    assert "Please agree them with Priya Jones in Staffroom." in theirs.body  # the reviewee's names her manager
    assert draft.subject == "Overdue: Priya Shah's appraisal"
    assert "for Priya Shah, whose appraiser you are, was due on 31 October 2026 (1 day ago)" in draft.body


def test_the_end_of_year_review_asks_the_reviewee_to_sign_off_and_sign_off_tells_both():
    review = {**APPRAISAL, "stage": "end_of_year", "overall_outcome": "met", "teaching_judgement": None,
              "pay_recommendation": None, "completed_on": "2027-07-01", "due_on": "2027-07-15", "on_time": True,
              "appraiser_untrained": False}
    told = {d.recipient_id: d for d in RULES["appraisal.review_completed"](review, people)}
    assert told[TEACHER].subject == "Your end-of-year review is ready for you to sign off"
    assert "Priya completed your end-of-year review on 1 July 2027" in told[TEACHER].body
    assert "Tom signs it off next" in told[MANAGER].body
    mid = {d.recipient_id: d for d in RULES["appraisal.review_completed"]({**review, "stage": "mid_year"}, people)}
    assert mid[TEACHER].subject == "Your mid-year review is complete" and "sign" not in mid[TEACHER].body
    done = {d.recipient_id: d.subject for d in RULES["appraisal.signed_off"](
        {**APPRAISAL, "signed_off_on": "2027-07-03"}, people)}
    assert done == {TEACHER: "Your appraisal for this year is signed off", MANAGER: "Tom signed off their appraisal"}


def test_hr_s_reminder_says_who_asked_what_is_late_and_goes_to_whoever_must_act():
    """Issue 20: academy HR's "send a reminder" beside the overdue list."""
    objectives = {**APPRAISAL, "milestone": "objectives", "due_on": "2026-10-31", "days_overdue": 9,
                  "sent_by_id": str(MANAGER), "note": "Ten minutes after Tuesday's briefing?"}
    told = {d.recipient_id: d for d in RULES["appraisal.reminder_sent"](objectives, people)}
    assert told[TEACHER].subject == "Reminder: agreeing your objectives is overdue"
    assert told[TEACHER].body.startswith("Dear Tom,\n\nPriya in HR has asked us to remind you: agreeing your "
                                         "objectives was due on 31 October 2026 (9 days ago).")
    assert told[TEACHER].body.endswith("Priya added: \u201cTen minutes after Tuesday's briefing?\u201d")
    assert told[MANAGER].subject == "Reminder: Tom's appraisal is overdue"
    assert "agreeing objectives for Tom, whose appraiser you are, was due on 31 October 2026" in told[MANAGER].body
    [review] = RULES["appraisal.reminder_sent"]({**objectives, "milestone": "end_of_year_review", "sent_by_id": None,
                                                 "note": None}, people)
    assert review.recipient_id == MANAGER and review.body.startswith(
        "Dear Priya,\n\nYour academy's HR team has asked us to remind you: the end-of-year review for Tom")
    [sign] = RULES["appraisal.reminder_sent"]({**objectives, "milestone": "sign_off", "note": None}, people)
    assert sign.recipient_id == TEACHER and sign.subject == "Reminder: signing off your appraisal is overdue"


def test_money_reads_as_people_write_it():
    """Outsider, issue 20: "As it costs £2450.00" where the portal shows "£2,450"."""
    [draft] = [d for d in RULES["cpd.enrolment_approved"](
        ref(approved_by=str(MANAGER), stage="line_manager", status="awaiting_hr"), people) if d.recipient_id == TEACHER]
    assert "As it costs £2,450, HR" in draft.body and "2450.00" not in draft.body


def test_an_invitation_to_a_survey_already_closed_tells_nobody():
    """Outsider, issue 20: the demo's June survey, recorded today, emailed everyone "answer by 26 June"."""
    invitation = {"run_id": str(uuid.uuid4()), "staff_id": str(TEACHER), "academy_id": str(uuid.uuid4()),
                  "title": "Summer staff survey", "closes_on": "2020-06-26", "sealed_link": "c2VhbGVk"}
    assert RULES["wellbeing.invitation_issued"](invitation, people) == []


def test_an_appraisal_opened_after_its_objectives_date_says_they_are_late_not_due():
    """Outsider, issue 20: "Objectives are due by 31 October 2026" arrived on 6 December."""
    [payload] = [c[1] for c in CASES if c[0] == "appraisal.appraisal_opened"]
    for due, reviewee_says, appraiser_says in (
            ("2000-10-31", "Objectives were due by 31 October 2000: please agree them with your appraiser now. The "
                           "mid-year review is due by 28 February 2027 and the end-of-year review by 15 July 2027.",
             "Their objectives were due by 31 October 2000: please agree them together now."),
            ("2099-10-31", "Objectives are due by 31 October 2099, the mid-year review by 28 February 2027 and the "
                           "end-of-year review by 15 July 2027.", "Please agree their objectives by 31 October 2099.")):
        drafts = {d.recipient_id: d.body for d in RULES["appraisal.appraisal_opened"]({**payload, "objectives_due": due},
                                                                                   people)}
        assert drafts[TEACHER].endswith(reviewee_says) and drafts[MANAGER].endswith(appraiser_says)


def test_overdue_objectives_tell_the_reviewee_with_whom_to_agree_them():
    [payload] = [c[1] for c in CASES if c[0] == "appraisal.overdue" and c[1]["milestone"] == "objectives"]
    [mine] = [d for d in RULES["appraisal.overdue"](payload, people) if d.recipient_id == TEACHER]
    assert mine.subject == "Overdue: agreeing your appraisal objectives"
    assert "was due on 31 October 2026 (7 days ago). Please agree them with " in mine.body


def test_one_objective_was_agreed_not_were():
    """Outsider, issue 20: "Your 1 objective for this year were agreed"."""
    [payload] = [c[1] for c in CASES if c[0] == "appraisal.objectives_agreed"]
    mine, theirs = RULES["appraisal.objectives_agreed"]({**payload, "objective_count": 1}, people)
    assert "Your 1 objective for this year was agreed on" in mine.body and "objective for this year was" in theirs.body
    assert "record progress against it in" in mine.body  # outsider 4: "against them"
    mine, _ = RULES["appraisal.objectives_agreed"]({**payload, "objective_count": 3}, people)
    assert "Your 3 objectives for this year were agreed on" in mine.body and "against them in" in mine.body


def test_a_new_appraiser_and_a_withdrawal_are_told_to_everyone_concerned():
    """Outsider 4, issue 20: after HR reassigned Yusuf's appraiser and withdrew Zara's appraisal nobody was told, and
    Yusuf's last message still said to agree objectives with the appraiser he no longer had."""
    old = uuid.uuid4()
    everyone = {**PEOPLE, old: Person(old, "Isaac", "isaac@oak.example", None, "Young")}

    class Three(Lookup):
        def __call__(self, staff_id):
            return everyone.get(staff_id)

    told = {d.recipient_id: d for d in RULES["appraisal.appraiser_assigned"](
        {**APPRAISAL, "previous_appraiser_id": str(old), "by_hr": True}, Three())}
    assert told[TEACHER].subject == "Your appraiser is now Priya"
    assert "in place of Isaac Young" in told[TEACHER].body
    assert told[MANAGER].subject == "You are now Tom's appraiser"
    assert told[old].subject == "Tom has a new appraiser" and "You no longer see their appraisal" in told[old].body
    assert told[old].link == "/appraisals"  # not the appraisal, which they can no longer open
    withdrawn = {d.recipient_id: d for d in RULES["appraisal.closed"](
        {**APPRAISAL, "status": "withdrawn", "reason": "Long-term absence"}, people)}
    assert withdrawn[TEACHER].subject == "Your appraisal for this year is withdrawn"
    assert "HR have withdrawn your appraisal for this year: Long-term absence." in withdrawn[TEACHER].body
    assert withdrawn[MANAGER].subject == "Tom's appraisal is withdrawn"


def test_a_target_s_figure_is_a_whole_percentage_as_on_its_page():
    """Outsider 5, issue 20: emails said "0.0% (0 of 4)" where the targets pages say "0%"."""
    [draft] = RULES["targets.at_risk"]({**TARGET, "status": "at_risk", "value": 54.5, "numerator": 6,
                                        "denominator": 11}, people)
    assert "54% (6 of 11)" in draft.body and ".5%" not in draft.body


def test_answers_passed_on_tell_each_academy_s_hr_their_own_number_and_trust_hr_the_total():
    """Outsider 3, issue 23: Hillcrest's HR were told "6 answers ... were passed on on 7 December 2026" when 2 of
    them were under Hillcrest's comments (the rest under other academies' and the trust's pooled ones)."""
    hillcrest, elm = uuid.uuid4(), uuid.uuid4()
    trust_hr, hillcrest_hr, elm_hr = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    everyone = {trust_hr: Person(trust_hr, "Tess", "tess@trust.example", None),
                hillcrest_hr: Person(hillcrest_hr, "Hana", "hana@hillcrest.example", None),
                elm_hr: Person(elm_hr, "Eli", "eli@elm.example", None)}

    class Contacts(Lookup):
        def __call__(self, staff_id):
            return everyone.get(staff_id)

        def hr(self, academy_id, fallback=True):
            return [everyone[{None: trust_hr, hillcrest: hillcrest_hr, elm: elm_hr}[academy_id]]]

    payload = {"run_id": str(uuid.uuid4()), "title": "Autumn pulse", "opens_on": "2026-11-02",
               "closes_on": "2026-11-23", "academy_ids": [], "staff_types": [], "answers": 6,
               "academies": [str(hillcrest), str(elm)], "released_on": "2026-12-07",
               "academy_answers": [{"academy_id": str(hillcrest), "answers": 2}, {"academy_id": str(elm), "answers": 1}]}
    told = {d.recipient_id: d.body for d in RULES["wellbeing.answers_released"](payload, Contacts())}
    assert "6 answers to replies under the comments in Autumn pulse were passed on to HR on 7 December 2026" \
        in told[trust_hr]
    assert "2 answers to replies under your academy's comments in Autumn pulse were passed on" in told[hillcrest_hr]
    assert "1 answer to replies under your academy's comments in Autumn pulse was passed on" in told[elm_hr]
    assert not any("on on" in body for body in told.values())
    # an event from before academy_answers gives academy HR no number rather than the trust's
    older = {k: v for k, v in payload.items() if k != "academy_answers"}
    told = {d.recipient_id: d.body for d in RULES["wellbeing.answers_released"](older, Contacts())}
    assert "Answers to replies under your academy's comments" in told[hillcrest_hr] and "6 answers" not in told[hillcrest_hr]
