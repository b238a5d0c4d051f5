"""Appraisal's commands, handlers and daily job against in-memory repositories (issue 22): what each changes, the
events it publishes (checked against their contracts, as the outbox would), its audit row, and that a refusal
commits and publishes nothing. No database: these run in milliseconds; tests/integration runs them for real."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound, TooManyRequests, Unprocessable
from staffroom_shared.events import Event
from staffroom_shared.principal import Principal

from appraisal.domain.model import Appraisal, CycleStatus, Stage, StaffRecord, Status
from appraisal.service import appraisals as commands
from appraisal.service import cycles
from appraisal.service.daily_job import run_daily
from appraisal.service.handlers import HANDLERS

from .fakes import FakeAppraisalUnitOfWork

OAK, ELM = uuid.uuid4(), uuid.uuid4()
TODAY = date(2026, 10, 1)


def staff(first, staff_type="teaching", academy_id=OAK, line_manager_id=None, **more) -> StaffRecord:
    return StaffRecord(staff_id=uuid.uuid4(), academy_id=academy_id, first_name=first, last_name="Test",
                       email=f"{first.lower()}@oak.example", staff_type=staff_type, post="Teacher",
                       start_date=date(2020, 9, 1), line_manager_id=line_manager_id, **more)


def as_(person: StaffRecord | None = None, *roles: str, academy_id=OAK) -> Principal:
    staff_id = person.staff_id if person else uuid.uuid4()
    return Principal(staff_id=staff_id, roles=frozenset(roles or ("staff",)), academy_id=academy_id,
                     subject=str(staff_id))


class Trust:
    """An academy with a head, a teacher she line-manages and a site supervisor, a draft teachers' cycle, and HR."""

    def __init__(self):
        self.uow = FakeAppraisalUnitOfWork()
        self.head = staff("Hana", "leadership")
        self.teacher = staff("Tom", line_manager_id=self.head.staff_id)
        self.site = staff("Sid", "support", line_manager_id=self.head.staff_id)
        for person in (self.head, self.teacher, self.site):
            self.uow.staff.add(person)
        self.hr = as_(None, "academy_hr")
        self.trust_hr = as_(None, "trust_hr", academy_id=None)
        self.cycle = cycles.create_cycle(self.uow, self.hr, {"name": "2026/27 teachers", "template": "teachers",
                                                             "academy_id": OAK, "school_year": 2026})

    def open(self) -> Appraisal:
        cycles.open_cycle(self.uow, self.hr, self.cycle.id, today=TODAY)
        (appraisal,) = self.uow.appraisals.of(self.teacher.staff_id)
        return appraisal

    def agreed(self) -> Appraisal:
        a = self.open()
        commands.add_objective(self.uow, as_(self.head), a.id, OBJECTIVE)
        commands.agree_objectives(self.uow, as_(self.head), a.id, today=TODAY)
        commands.agree_objectives(self.uow, as_(self.teacher), a.id, today=TODAY)
        return a

    def published(self, event_type: str) -> list[dict]:
        return self.uow.payloads(event_type)


OBJECTIVE = {"title": "Raise Year 6 reading", "description": "By July, 85% reach the expected standard",
             "type": "pupil_outcomes", "success_criteria": "KS2 reading at or above 85%"}


@pytest.fixture
def trust() -> Trust:
    return Trust()


def unchanged(trust: Trust, refused) -> None:
    """The refusal left nothing committed and nothing published."""
    commits, published, audits = trust.uow.commits, list(trust.uow.published), list(trust.uow.audits)
    refused()
    assert (trust.uow.commits, trust.uow.published, trust.uow.audits) == (commits, published, audits)


# -- cycles -------------------------------------------------------------------------------------------------

def test_a_cycle_is_set_up_in_draft_and_audited_but_announces_nothing(trust):
    assert trust.cycle.status == CycleStatus.DRAFT and trust.uow.cycles.get(trust.cycle.id) is trust.cycle
    assert [a["action"] for a in trust.uow.audits] == ["cycle.created"] and trust.uow.published == []


def test_only_hr_for_the_academy_set_up_its_cycle(trust):
    with pytest.raises(Forbidden):
        unchanged(trust, lambda: cycles.create_cycle(trust.uow, as_(trust.head), {
            "name": "x", "template": "teachers", "academy_id": OAK, "school_year": 2026}))


def test_opening_gives_everyone_it_covers_an_appraisal_with_their_line_manager_and_announces_each(trust):
    a = trust.open()
    assert a.appraiser_id == trust.head.staff_id and a.status == Status.NOT_STARTED
    assert trust.uow.appraisals.of(trust.site.staff_id) == []  # support staff are not in a teachers' cycle
    (opened,) = trust.published("appraisal.appraisal_opened")
    assert opened["reviewee_id"] == str(trust.teacher.staff_id) and opened["objectives_due"] == "2026-10-31"
    (cycle_opened,) = trust.published("appraisal.cycle_opened")
    assert cycle_opened["appraisal_count"] == 1 and cycle_opened["academy_id"] == str(OAK)
    types = [e.type for e in trust.uow.published]
    assert types == ["appraisal.appraisal_opened", "appraisal.cycle_opened"]  # each appraisal, then the opening


def test_a_cycle_opens_once(trust):
    trust.open()
    with pytest.raises(Conflict):
        unchanged(trust, lambda: cycles.open_cycle(trust.uow, trust.hr, trust.cycle.id, today=TODAY))


def test_closing_a_cycle_closes_what_was_not_signed_off(trust):
    a = trust.open()
    cycles.close_cycle(trust.uow, trust.hr, trust.cycle.id)
    assert a.status == Status.CLOSED
    (closed,) = trust.published("appraisal.closed")
    assert closed["status"] == "closed" and "2026/27 teachers" in closed["reason"]


def test_an_unknown_cycle_is_not_found(trust):
    with pytest.raises(NotFound):
        unchanged(trust, lambda: cycles.close_cycle(trust.uow, trust.hr, uuid.uuid4()))


# -- one appraisal -----------------------------------------------------------------------------------------

def test_objectives_are_agreed_when_both_have_agreed_and_only_then_announced(trust):
    a = trust.open()
    commands.add_objective(trust.uow, as_(trust.teacher), a.id, OBJECTIVE)
    commands.agree_objectives(trust.uow, as_(trust.head), a.id, today=TODAY)
    assert trust.published("appraisal.objectives_agreed") == []
    commands.agree_objectives(trust.uow, as_(trust.teacher), a.id, today=TODAY)
    (agreed,) = trust.published("appraisal.objectives_agreed")
    assert agreed == {**agreed, "agreed_on": "2026-10-01", "due_on": "2026-10-31", "on_time": True,
                      "objective_count": 1}
    assert a.status == Status.OBJECTIVES_AGREED


def test_someone_with_no_part_in_an_appraisal_learns_nothing_of_it(trust):
    a = trust.open()
    with pytest.raises(NotFound):
        unchanged(trust, lambda: commands.add_objective(trust.uow, as_(trust.site), a.id, OBJECTIVE))


def test_a_step_out_of_order_changes_nothing(trust):
    a = trust.open()
    with pytest.raises(Conflict):
        unchanged(trust, lambda: commands.sign_off(trust.uow, as_(trust.teacher), a.id, None, today=TODAY))
    assert a.status == Status.NOT_STARTED


def test_objectives_can_be_changed_and_removed_before_agreement(trust):
    a = trust.open()
    objective = commands.add_objective(trust.uow, as_(trust.teacher), a.id, OBJECTIVE)
    commands.change_objective(trust.uow, as_(trust.head), a.id, objective.id, {"title": "Reading for all"})
    assert a.objectives[0].title == "Reading for all"
    commands.remove_objective(trust.uow, as_(trust.head), a.id, objective.id)
    assert a.objectives == []
    assert [x["action"] for x in trust.uow.audits][-3:] == ["add_an_objective", "change_an_objective",
                                                            "remove_an_objective"]


def test_a_review_is_announced_with_each_development_need_for_cpd(trust):
    a = trust.agreed()
    commands.record_progress(trust.uow, as_(trust.teacher), a.id, a.objectives[0].id, {"note": "On track"})
    review = commands.complete_review(trust.uow, as_(trust.head), a.id, Stage.MID_YEAR, {
        "assessments": {str(a.objectives[0].id): {"rating": "met", "comment": "Good"}},
        "overall_outcome": "meets_expectations", "teaching_judgement": "good_or_better",
        "development_needs": [{"area": "Behaviour", "description": "Routines", "suggested_support": "Course"}]},
        today=date(2027, 2, 20))
    (done,) = trust.published("appraisal.review_completed")
    assert done["stage"] == "mid_year" and done["on_time"] is True and done["appraiser_untrained"] is True
    (need,) = trust.published("appraisal.development_need_identified")
    assert need["need_id"] == review.development_needs[0]["id"] and need["area"] == "Behaviour"
    assert [e.type for e in trust.uow.published][-2:] == ["appraisal.review_completed",
                                                         "appraisal.development_need_identified"]


def test_only_the_appraiser_completes_a_review(trust):
    a = trust.agreed()
    with pytest.raises(Forbidden):
        unchanged(trust, lambda: commands.complete_review(trust.uow, as_(trust.teacher), a.id, Stage.MID_YEAR, {
            "assessments": {}, "overall_outcome": "meets_expectations"}, today=date(2027, 2, 20)))


def test_the_appraiser_can_be_reassigned_by_hr_to_someone_in_post(trust):
    a = trust.open()
    deputy = staff("Dee", "leadership")
    trust.uow.staff.add(deputy)
    commands.reassign(trust.uow, trust.hr, a.id, deputy.staff_id, today=TODAY)
    (assigned,) = trust.published("appraisal.appraiser_assigned")
    assert assigned == {**assigned, "appraiser_id": str(deputy.staff_id),
                        "previous_appraiser_id": str(trust.head.staff_id), "by_hr": True}


def test_a_leaver_cannot_be_made_an_appraiser(trust):
    a = trust.open()
    gone = staff("Gus", "leadership", leaving_date=date(2026, 9, 1))
    trust.uow.staff.add(gone)
    with pytest.raises(Unprocessable, match="Gus Test cannot appraise: left on 1 September 2026"):
        unchanged(trust, lambda: commands.reassign(trust.uow, trust.hr, a.id, gone.staff_id, today=TODAY))
    assert a.appraiser_id == trust.head.staff_id


def test_academy_hr_choose_an_appraiser_from_their_own_academy(trust):
    a = trust.open()
    elsewhere = staff("Eli", "leadership", academy_id=ELM)
    trust.uow.staff.add(elsewhere)
    with pytest.raises(Unprocessable, match="another academy"):
        unchanged(trust, lambda: commands.reassign(trust.uow, trust.hr, a.id, elsewhere.staff_id, today=TODAY))
    commands.reassign(trust.uow, trust.trust_hr, a.id, elsewhere.staff_id, today=TODAY)
    assert a.appraiser_id == elsewhere.staff_id


def test_an_observation_names_an_observer_who_may_observe(trust):
    a = trust.open()
    with pytest.raises(Unprocessable, match="cannot be named as the observer"):
        unchanged(trust, lambda: commands.add_observation(trust.uow, as_(trust.head), a.id, {
            "kind": "lesson_observation", "observer_id": trust.site.staff_id, "observed_on": date(2026, 9, 20),
            "focus": "Questioning"}))
    observation = commands.add_observation(trust.uow, as_(trust.head), a.id, {
        "kind": "lesson_observation", "observed_on": date(2026, 9, 20), "focus": "Questioning"})
    assert observation.observer_id == trust.head.staff_id and a.observations == [observation]


def test_meetings_and_support_plans_are_kept_and_audited_without_events(trust):
    a = trust.open()
    commands.schedule_meeting(trust.uow, as_(trust.head), a.id, {
        "kind": "objective_setting", "starts_at": datetime(2026, 10, 5, 15, 30, tzinfo=timezone.utc),
        "minutes": 30, "location": "Office"})
    commands.set_support_plan(trust.uow, trust.hr, a.id, True, "Weekly coaching")
    assert len(a.meetings) == 1 and a.support_plan is True
    assert [x["action"] for x in trust.uow.audits][-2:] == ["arrange_a_meeting", "change_a_support_plan"]
    assert [e.type for e in trust.uow.published] == ["appraisal.appraisal_opened", "appraisal.cycle_opened"]


def test_a_reminder_goes_about_the_step_that_is_late_and_not_again_within_a_week(trust):
    a = trust.open()
    with pytest.raises(Conflict):  # nothing is late on 1 October
        unchanged(trust, lambda: commands.send_reminder(trust.uow, trust.hr, a.id, None,
                                                         now=datetime(2026, 10, 1, 9, tzinfo=timezone.utc)))
    now = datetime(2026, 11, 10, 9, tzinfo=timezone.utc)
    sent = commands.send_reminder(trust.uow, trust.hr, a.id, "Please", now=now)
    assert sent["milestone"] == "objectives" and sent["days_overdue"] == 10
    (published,) = trust.published("appraisal.reminder_sent")
    assert published["note"] == "Please" and published["due_on"] == "2026-10-31"
    with pytest.raises(TooManyRequests):
        unchanged(trust, lambda: commands.send_reminder(trust.uow, trust.hr, a.id, None, now=now + timedelta(days=6)))


def test_sign_off_and_withdrawal_are_announced(trust):
    a = trust.open()
    commands.withdraw(trust.uow, trust.hr, a.id, "Long-term absence")
    (closed,) = trust.published("appraisal.closed")
    assert closed["status"] == "withdrawn" and closed["reason"] == "Long-term absence"


# -- handlers ----------------------------------------------------------------------------------------------

def staff_event(event_type: str, person: StaffRecord, at: datetime | None = None, **changes) -> Event:
    payload = {"staff_id": person.staff_id, **{name: getattr(person, name) for name in (
        "academy_id", "first_name", "last_name", "email", "staff_type", "post", "start_date", "leaving_date",
        "line_manager_id")}, **changes}
    return Event(id=uuid.uuid4(), type=event_type, version=1, occurred_at=at or datetime.now(timezone.utc),
                 producer="directory", academy_id=payload["academy_id"], correlation_id="test", payload=payload)


def handle(trust: Trust, event: Event, today: date = TODAY) -> None:
    with trust.uow as uow:
        if event.type.startswith("staff.") and event.type != "staff.erased":
            HANDLERS[event.type](uow, event, today)
        else:
            HANDLERS[event.type](uow, event)
        uow.commit()


def test_a_joiner_during_an_open_cycle_gets_an_appraisal(trust):
    trust.open()
    joiner = StaffRecord(staff_id=uuid.uuid4(), academy_id=OAK, first_name="Jo", last_name="New", email="jo@oak",
                         staff_type="teaching", post="Teacher", start_date=date(2026, 11, 2),
                         line_manager_id=trust.head.staff_id)
    handle(trust, staff_event("staff.joined", joiner))
    (theirs,) = trust.uow.appraisals.of(joiner.staff_id)
    opened = trust.published("appraisal.appraisal_opened")[-1]
    assert opened["appraisal_id"] == str(theirs.id) and opened["starts_on"] == "2026-11-02"


def test_a_leaver_s_appraisal_is_closed_and_a_new_line_manager_takes_over(trust):
    a = trust.open()
    deputy = staff("Dee", "leadership")
    trust.uow.staff.add(deputy)
    handle(trust, staff_event("staff.updated", trust.teacher, line_manager_id=deputy.staff_id))
    (assigned,) = trust.published("appraisal.appraiser_assigned")
    assert assigned["by_hr"] is False and a.appraiser_id == deputy.staff_id
    handle(trust, staff_event("staff.left", trust.teacher, leaving_date=date(2026, 9, 30)))
    assert a.status == Status.CLOSED and trust.published("appraisal.closed")[0]["reason"] == "left on 2026-09-30"


def test_an_older_snapshot_arriving_late_changes_nothing(trust):
    now = datetime.now(timezone.utc)
    handle(trust, staff_event("staff.updated", trust.teacher, at=now, post="Head of Year"))
    handle(trust, staff_event("staff.updated", trust.teacher, at=now - timedelta(minutes=1), post="Teacher"))
    assert trust.uow.staff.person(trust.teacher.staff_id).post == "Head of Year"


def test_academies_and_appraisal_training_are_kept_from_their_events(trust):
    def event(event_type, **payload):
        return Event(id=uuid.uuid4(), type=event_type, version=1, occurred_at=datetime.now(timezone.utc),
                     producer="x", academy_id=None, correlation_id="t", payload=payload)

    handle(trust, event("academy.registered", academy_id=OAK, name="Oak Primary", urn="100001"))
    handle(trust, event("cpd.completed", staff_id=trust.head.staff_id, programme_id=uuid.uuid4(),
                        completed_on=date(2026, 9, 10), appraisal_training=True))
    handle(trust, event("cpd.completed", staff_id=trust.teacher.staff_id, programme_id=uuid.uuid4(),
                        completed_on=date(2026, 9, 10), appraisal_training=False))
    assert trust.uow.staff.academy_names() == {OAK: "Oak Primary"}
    assert trust.uow.staff.is_trained(trust.head.staff_id) and not trust.uow.staff.is_trained(trust.teacher.staff_id)


# -- the daily job -----------------------------------------------------------------------------------------

def test_the_daily_job_announces_each_missed_date_once(trust):
    trust.open()
    assert run_daily(trust.uow, date(2026, 11, 1))["overdue"] == 1
    assert run_daily(trust.uow, date(2026, 11, 2))["overdue"] == 0
    (overdue,) = trust.published("appraisal.overdue")
    assert overdue == {**overdue, "milestone": "objectives", "days_overdue": 1}


def test_the_daily_job_closes_a_leaver_s_appraisal_and_fills_a_gap(trust):
    a = trust.open()
    trust.teacher.leaving_date = date(2026, 10, 15)
    late = staff("Lee", line_manager_id=trust.head.staff_id)
    trust.uow.staff.add(late)  # a joiner whose event raced the opening
    counts = run_daily(trust.uow, date(2026, 10, 20))
    assert counts == {"overdue": 0, "closed": 1, "opened": 1, "withdrawn": 0}
    assert a.status == Status.CLOSED and len(trust.uow.appraisals.of(late.staff_id)) == 1


def test_hr_naming_the_appraiser_an_appraisal_has_keeps_them_and_announces_nothing(trust):
    """Outsider, issue 22: appraisal.appraiser_assigned went out with the previous appraiser the same as the new."""
    a = trust.open()
    commands.reassign(trust.uow, trust.hr, a.id, trust.head.staff_id, today=TODAY)
    assert trust.published("appraisal.appraiser_assigned") == []
    assert a.appraiser_id == trust.head.staff_id and a.appraiser_set_by_hr is True  # HR's choice now holds


def test_a_refused_appraiser_is_named_in_words_not_an_id_or_iso_date(trust):
    a = trust.open()
    gone = staff("Gus", "leadership", leaving_date=date(2026, 9, 1))
    trust.uow.staff.add(gone)
    with pytest.raises(Unprocessable) as refused:
        commands.reassign(trust.uow, trust.hr, a.id, gone.staff_id, today=TODAY)
    assert str(gone.staff_id) not in refused.value.description and "2026-09-01" not in refused.value.description
