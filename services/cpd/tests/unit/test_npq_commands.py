"""NPQ places through the service layer on the in-memory fakes: HR register and record the provider's news and the
outcome; a passed leadership NPQ puts its holder among the future leaders once; refusals commit nothing."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from cpd.domain.future_leaders import NominationStatus
from cpd.service import future_leaders, npq
from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from .fakes import FakeCpdUnitOfWork

TODAY = date(2027, 7, 20)
OAK, ELM = uuid.uuid4(), uuid.uuid4()


def staff(staff_id, academy_id=OAK) -> Principal:
    return Principal(staff_id, frozenset({"staff"}), academy_id, str(staff_id))


def academy_hr(academy_id=OAK) -> Principal:
    return Principal(uuid.uuid4(), frozenset({"staff", "academy_hr"}), academy_id, "academy-hr")


@pytest.fixture
def uow() -> FakeCpdUnitOfWork:
    return FakeCpdUnitOfWork()


def registered(uow, who, course="NPQSL", hr=None, starts=date(2026, 1, 10)):
    return npq.register(uow, hr or academy_hr(), {"staff_id": who, "course": course,
                                                  "lead_provider": "Ambition Institute", "cohort_starts_on": starts,
                                                  "funding": "scholarship"}, today=date(2025, 11, 1))


def taking(uow, who, course="NPQSL"):
    place = registered(uow, who, course)
    npq.provider_news(uow, academy_hr(), place.id, "accepted")
    return place


def test_a_passed_leadership_npq_nominates_its_holder_as_a_future_leader_who_is_told(uow):
    manager = uow.person(academy_id=OAK)
    who = uow.person(academy_id=OAK, line_manager_id=manager, first_name="Priya", last_name="Patel")
    place = taking(uow, who)
    npq.record_outcome(uow, academy_hr(), place.id, "passed", date(2027, 7, 3), today=TODAY)

    (completed,) = uow.payloads("cpd.npq_completed")
    assert (completed["staff_id"], completed["short_code"], completed["outcome"], completed["leadership"]) == (
        str(who), "NPQSL", "passed", True)
    (told,) = uow.payloads("cpd.future_leader_nominated")
    assert (told["staff_id"], told["academy_id"], told["nominated_on"]) == (str(who), str(OAK), TODAY.isoformat())
    nomination = uow.nominations.open_for(who)
    assert (nomination.reason, nomination.status) == ("Passed the NPQ for Senior Leadership on 3 July 2027",
                                                      NominationStatus.NOMINATED)
    # theirs to accept as any other nomination; their line manager sees it, nobody reads it as "theirs to make"
    future_leaders.respond(uow, staff(who), nomination.id, accept=True)
    assert uow.nominations.get(nomination.id).status == NominationStatus.ACCEPTED
    _, found = future_leaders.visible_nomination(uow, staff(manager), nomination.id)
    assert found == {"line_manager"}


def test_a_specialist_npq_or_a_failed_one_nominates_nobody(uow):
    for course, outcome in (("NPQLT", "passed"), ("NPQH", "failed")):
        who = uow.person(academy_id=OAK)
        npq.record_outcome(uow, academy_hr(), taking(uow, who, course).id, outcome, date(2027, 7, 3), today=TODAY)
        assert uow.nominations.open_for(who) is None
    assert [p["outcome"] for p in uow.payloads("cpd.npq_completed")] == ["passed", "failed"]
    assert uow.payloads("cpd.future_leader_nominated") == []


def test_someone_already_a_future_leader_is_not_nominated_again(uow):
    manager = uow.person(academy_id=OAK)
    who = uow.person(academy_id=OAK, line_manager_id=manager)
    future_leaders.nominate(uow, staff(manager), {"staff_id": who, "reason": "Leads reading"}, today=TODAY)
    npq.record_outcome(uow, academy_hr(), taking(uow, who, "NPQH").id, "passed", date(2027, 7, 3), today=TODAY)
    assert len(uow.payloads("cpd.future_leader_nominated")) == 1
    assert uow.nominations.open_for(who).reason == "Leads reading"


def test_only_hr_for_the_academy_register_and_nobody_registers_themselves(uow):
    who, me = uow.person(academy_id=OAK), uow.person(academy_id=OAK)
    with pytest.raises(Forbidden, match="only HR for Sam Jones's academy can register them"):
        registered(uow, who, hr=academy_hr(ELM))
    with pytest.raises(Forbidden):
        registered(uow, who, hr=staff(me))
    with pytest.raises(Forbidden):  # HR's own place is registered by someone else
        registered(uow, me, hr=Principal(me, frozenset({"staff", "academy_hr"}), OAK, "academy-hr"))
    assert (uow.commits, uow.store.npq_places) == (0, {})


def test_a_second_place_on_the_same_npq_is_refused_and_nothing_changes(uow):
    who = uow.person(academy_id=OAK)
    registered(uow, who)
    with pytest.raises(Conflict, match="already have a place on the NPQ for Senior Leadership"):
        registered(uow, who)
    assert len(uow.store.npq_places) == 1 and uow.commits == 1


def test_a_leaver_cannot_be_registered(uow):
    who = uow.person(academy_id=OAK, leaving_date=date(2025, 8, 31))
    with pytest.raises(Unprocessable, match="Sam Jones left on 31 August 2025; register a current member of staff"):
        registered(uow, who)


def test_staff_read_their_own_places_line_managers_their_reports_and_strangers_are_told_none_exists(uow):
    manager = uow.person(academy_id=OAK)
    who = uow.person(academy_id=OAK, line_manager_id=manager)
    other = uow.person(academy_id=OAK)
    place = registered(uow, who)
    assert [p.id for p in npq.mine(uow, staff(who))] == [place.id]
    assert npq.visible(uow, staff(manager), place.id)[1] == {"line_manager"}
    assert [p.id for p in npq.places(uow, staff(manager))] == [place.id]
    assert npq.places(uow, staff(other)) == []
    with pytest.raises(NotFound, match="there is no such NPQ place"):
        npq.visible(uow, staff(other), place.id)
    with pytest.raises(NotFound):
        npq.visible(uow, academy_hr(ELM), place.id)
    with pytest.raises(Forbidden, match="only HR for the academy can record the lead provider's news"):
        npq.provider_news(uow, staff(manager), place.id, "accepted")


def test_hr_filter_their_places_by_course_cohort_and_status(uow):
    a, b = uow.person(academy_id=OAK), uow.person(academy_id=OAK)
    registered(uow, a, "NPQSL")
    taking(uow, b, "NPQH")
    hr = academy_hr()
    assert [p.short_code for p in npq.places(uow, hr, course="NPQH")] == ["NPQH"]
    assert [p.short_code for p in npq.places(uow, hr, status="awaiting")] == ["NPQSL"]
    assert len(npq.places(uow, hr, cohort="Spring 2026")) == 2
    assert npq.places(uow, hr, cohort="Autumn 2026") == []
    assert npq.places(uow, academy_hr(ELM)) == []
