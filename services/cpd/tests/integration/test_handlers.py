"""staff.*, academy.* and appraisal.development_need_identified applied to CPD's database through the inbox."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from cpd.adapters.orm import academies
from cpd.domain.values import add_months
from cpd.service import handlers
from staffroom_shared.events import new_event

TODAY = date.today()


@pytest.fixture
def clawbacks(monkeypatch) -> list:
    """Stands in for training agreements' clawback_on_leaving, to see when a leaver is passed on."""
    calls = []

    def fake(uow, staff_id, left_on):
        calls.append((staff_id, left_on))
        return True

    monkeypatch.setattr(handlers, "clawback", fake)
    return calls


def test_a_joiner_gets_a_plan_with_the_trusts_induction_suggested(world):
    induction = world.programme("Oak Trust induction for new staff", "staff_induction")
    manager = uuid.uuid4()
    person = world.join(post="Teaching Assistant", staff_type="support", line_manager_id=manager,
                        correlation_id="hr-added-priya")

    plan = world.plan_of(person["staff_id"])
    assert (plan.academy_id, plan.role, plan.created_because) == (world.academy_id, "Teaching Assistant", "joined")
    assert plan.created_on == person["start_date"]  # when they joined, not the day CPD heard of it (issue 20)
    (item,) = world.items_of(person["staff_id"])  # no apprenticeship in this catalogue: nothing more suggested
    assert (item.title, item.source, item.status, item.programme_id) == (
        "Oak Trust induction for new staff", "induction", "suggested", induction.id)
    (created,) = world.outbox("cpd.plan_created")
    assert created["payload"] == {"plan_id": str(plan.id), "staff_id": str(person["staff_id"]),
                                  "academy_id": str(world.academy_id), "role": "Teaching Assistant", "reason": "joined",
                                  "created_on": TODAY.isoformat(), "induction_suggested": True}
    assert created["correlation_id"] == "hr-added-priya"
    (suggested,) = world.outbox("cpd.plan_item_suggested")
    assert suggested["payload"]["item_id"] == str(item.id)
    assert suggested["payload"]["programme_id"] == str(induction.id)
    assert world.staff_copy(person["staff_id"]).line_manager_id == manager
    assert world.count("enrolments") == 0  # suggested, never enrolled


def test_a_new_teacher_in_an_ect_post_gets_the_ect_induction_too(world):
    world.programme("Oak Trust induction for new staff", "staff_induction")
    ect = world.programme("Early Career Framework induction", "ect_induction")
    person = world.join(post="Early Career Teacher (Year 3)")
    other = world.join(post="ECT - Science", staff_type="teaching")

    for who in (person, other):
        titles = [(i.title, i.programme_id) for i in world.items_of(who["staff_id"])]
        assert ("Early Career Framework induction", ect.id) in titles and len(titles) == 2


def test_someone_long_in_post_whom_the_directory_adds_now_is_not_offered_induction(world):
    """Outsider, issue 20: staff who joined in 2012 (a trust's first import) were offered the induction for new
    staff, and an 'Early Career Teacher' post held since 2012 the ECT induction."""
    from datetime import date, timedelta

    world.programme("Oak Trust induction for new staff", "staff_induction")
    world.programme("Early Career Framework induction", "ect_induction")
    long_ago = world.join(post="Early Career Teacher", start_date=date(2012, 9, 1))
    second_year = world.join(post="Early Career Teacher", start_date=date.today() - timedelta(days=500))
    assert [i.title for i in world.items_of(long_ago["staff_id"])] == []
    assert [i.title for i in world.items_of(second_year["staff_id"])] == ["Early Career Framework induction"]


def test_a_support_post_that_mentions_ect_gets_no_ect_induction(world):
    world.programme("Early Career Framework induction", "ect_induction")
    person = world.join(post="ECT Induction Administrator", staff_type="support")

    assert [i.title for i in world.items_of(person["staff_id"])] == ["Induction for new staff"]


def test_without_an_induction_programme_the_plan_still_has_an_induction_item(world):
    world.programme("Elsewhere's induction", "staff_induction", academy_id=uuid.uuid4())  # not offered here
    world.programme("Old induction", "staff_induction", active=False)
    person = world.join()

    (item,) = world.items_of(person["staff_id"])
    assert (item.title, item.source, item.programme_id) == ("Induction for new staff", "induction", None)
    assert world.outbox("cpd.plan_created")[0]["payload"]["induction_suggested"] is True


def test_the_academys_own_induction_comes_before_the_trusts(world):
    world.programme("Oak Trust induction", "staff_induction")
    own = world.programme("Oakfield Primary induction", "staff_induction", academy_id=world.academy_id)
    person = world.join()

    (item,) = world.items_of(person["staff_id"])
    assert item.programme_id == own.id


def test_a_promotion_gives_the_plan_a_development_item_for_the_new_role(world):
    npqsl = world.programme("NPQ in Senior Leadership", "npq", npq="NPQSL")
    person = world.join()
    before = world.plan_of(person["staff_id"])

    world.promote(person, "Assistant Headteacher", "leadership")

    plan = world.plan_of(person["staff_id"])
    assert (plan.id, plan.role, plan.created_because) == (before.id, "Assistant Headteacher", "joined")
    promotion = [i for i in world.items_of(person["staff_id"]) if i.source == "promotion"]
    assert [(i.title, i.programme_id, i.status) for i in promotion] == [
        ("Development for the new role: Assistant Headteacher (NPQ in Senior Leadership)", npqsl.id, "suggested")]
    reasons = [e["payload"]["reason"] for e in world.outbox("cpd.plan_created")]
    assert reasons == ["joined", "promoted"]  # targets count the promoted colleague's plan
    assert world.outbox("cpd.plan_created")[1]["payload"]["role"] == "Assistant Headteacher"


def test_a_promotion_for_someone_without_a_plan_creates_one(world):
    person = world.person(post="Teacher of English")
    world.promote(person, "Head of English")

    plan = world.plan_of(person["staff_id"])
    assert (plan.role, plan.created_because) == ("Head of English", "promoted")
    (item,) = world.items_of(person["staff_id"])
    assert (item.source, item.title) == ("promotion", "Development for the new role: Head of English")
    (created,) = world.outbox("cpd.plan_created")
    assert (created["payload"]["reason"], created["payload"]["plan_id"]) == ("promoted", str(plan.id))


def test_a_development_need_becomes_a_suggested_item_linked_to_it(world):
    person = world.join(line_manager_id=uuid.uuid4())
    need_id = uuid.uuid4()
    event = world.need(person, need_id=need_id, correlation_id="mid-year-review")

    world.deliver(event)

    (item,) = [i for i in world.items_of(person["staff_id"]) if i.source == "development_need"]
    assert (item.title, item.status, item.development_need_id) == ("Adaptive teaching", "suggested", need_id)
    assert item.appraisal_id == uuid.UUID(event.payload["appraisal_id"])
    assert "Observe the SENCO" in item.detail
    suggested = [e for e in world.outbox("cpd.plan_item_suggested") if e["payload"]["source"] == "development_need"]
    assert [(e["payload"]["development_need_id"], e["correlation_id"]) for e in suggested] == [
        (str(need_id), "mid-year-review")]
    assert world.count("enrolments") == 0


def test_the_same_need_sent_again_as_a_new_event_is_not_suggested_twice(world):
    person = world.join()
    need_id = uuid.uuid4()
    world.deliver(world.need(person, need_id=need_id))
    world.deliver(world.need(person, need_id=need_id))  # a different event id: the inbox alone would not stop it

    assert [i.development_need_id for i in world.items_of(person["staff_id"])].count(need_id) == 1
    assert len([e for e in world.outbox("cpd.plan_item_suggested") if e["payload"]["source"] == "development_need"]) == 1


def test_a_need_that_arrives_before_the_member_of_staff_starts_their_plan(world):
    person = world.person()
    world.deliver(world.need(person))
    assert world.plan_of(person["staff_id"]).created_because == "requested"

    world.deliver(world.staff_event("staff.joined", person))

    sources = sorted(i.source for i in world.items_of(person["staff_id"]))
    assert sources == ["development_need", "induction"]
    assert [e["payload"]["reason"] for e in world.outbox("cpd.plan_created")] == ["requested", "joined"]


def test_a_move_to_another_academy_takes_the_plan_along(world):
    person = world.join()
    elsewhere = uuid.uuid4()
    world.deliver(world.staff_event("staff.updated", {**person, "academy_id": elsewhere}, changed=["academy_id"]))

    assert world.plan_of(person["staff_id"]).academy_id == elsewhere
    assert world.staff_copy(person["staff_id"]).academy_id == elsewhere


@pytest.mark.parametrize("leaving_date", [TODAY - timedelta(days=1), TODAY], ids=["yesterday", "today"])
def test_a_leaver_whose_date_has_come_is_passed_to_clawback_once(world, clawbacks, leaving_date):
    person = world.join()
    left = world.staff_event("staff.left", {**person, "leaving_date": leaving_date})
    world.deliver(left)
    world.deliver(left)  # redelivered
    world.deliver(world.staff_event("staff.updated", {**person, "leaving_date": leaving_date, "post": "Teacher"}))

    assert clawbacks == [(person["staff_id"], leaving_date)]
    assert world.staff_copy(person["staff_id"]).leaving_processed_for == leaving_date


def test_a_future_leaving_date_waits(world, clawbacks):
    person = world.join()
    world.deliver(world.staff_event("staff.left", {**person, "leaving_date": TODAY + timedelta(days=1)}))

    assert clawbacks == []
    assert world.staff_copy(person["staff_id"]).leaving_processed_for is None


def test_academy_events_fill_academy_names(world):
    academy_id = uuid.uuid4()
    registered = {"academy_id": academy_id, "name": "Oakfield Primary", "urn": "140001", "phase": "primary"}
    world.deliver(new_event("academy.registered", registered, producer="directory", correlation_id="a1"))
    world.deliver(new_event("academy.updated", {**registered, "name": "Oakfield Primary Academy"},
                            producer="directory", correlation_id="a2"))
    assert [(r.name, r.urn) for r in world.rows(academies)] == [("Oakfield Primary Academy", "140001")]


def test_a_duplicate_delivery_changes_nothing(world):
    world.programme("Oak Trust induction for new staff", "staff_induction")
    person = world.person(line_manager_id=uuid.uuid4(), post="Early Career Teacher")
    events = [world.staff_event("staff.joined", person), world.need(person),
              world.staff_event("staff.promoted", {**person, "post": "Head of Year 7"}, previous_post=person["post"],
                                previous_staff_type="teaching", effective_date=TODAY),
              world.staff_event("staff.updated", {**person, "line_manager_id": uuid.uuid4()}, changed=["line_manager_id"])]
    for event in events:
        world.deliver(event)
    after_once = world.snapshot()

    for event in [*events, events[0]]:
        world.deliver(event)

    assert world.snapshot() == after_once
    assert world.count("inbox") == 4


def test_a_leaver_with_a_signed_training_agreement_is_told_what_they_owe_once(world):
    # The real clawback_on_leaving, in the handler's unit of work: left 18 months after completing, 50% owed.
    person = world.join()
    left_on = TODAY - timedelta(days=1)
    agreement = world.signed_agreement(person, "2450.00", completed_on=add_months(left_on, -18))
    left = world.staff_event("staff.left", {**person, "leaving_date": left_on}, correlation_id="hr-leaver")

    world.deliver(left)
    world.deliver(left)

    (due,) = world.outbox("cpd.clawback_due")
    assert (due["payload"]["agreement_id"], due["payload"]["amount"], due["payload"]["percent"]) == (
        str(agreement.id), "1225.00", 50)
    assert (due["payload"]["left_on"], due["correlation_id"]) == (left_on.isoformat(), "hr-leaver")


def test_an_older_staff_event_arriving_late_does_not_undo_a_newer_one(world):
    """A retried delivery can be overtaken: the newer snapshot stays, whatever order they arrive in."""
    person = world.person()
    world.deliver(world.staff_event("staff.joined", person))
    stale = world.staff_event("staff.updated", {**person, "post": "Teacher of Art"})  # taken first...
    newer = world.staff_event("staff.updated", {**person, "post": "Head of Art"})
    world.deliver(newer)  # ...delivered second
    world.deliver(stale)
    with world.context.uow() as uow:
        assert uow.staff.person(person["staff_id"]).post == "Head of Art"


def test_a_teaching_assistant_who_joins_is_offered_the_teaching_assistant_apprenticeship(world):
    """Issue 20: suggestions follow staff type and role; a teaching assistant was never offered it."""
    world.programme("Oak Trust induction for new staff", "staff_induction")
    apprenticeship = world.programme("Teaching Assistant Level 3 apprenticeship", "apprenticeship",
                                     off_the_job_percent=20)
    world.programme("Business Administrator apprenticeship", "apprenticeship", off_the_job_percent=20)
    assistant = world.join(post="Teaching Assistant", staff_type="support")
    caretaker = world.join(post="Caretaker", staff_type="support")
    items = {i.title: i for i in world.items_of(assistant["staff_id"])}
    offered = items["Teaching Assistant Level 3 apprenticeship"]
    assert (offered.source, offered.status, offered.programme_id) == ("role", "suggested", apprenticeship.id)
    assert "Business Administrator apprenticeship" not in items
    assert [i.title for i in world.items_of(caretaker["staff_id"])] == ["Oak Trust induction for new staff"]
