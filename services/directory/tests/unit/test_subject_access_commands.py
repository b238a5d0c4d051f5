"""Subject access requests (service.subject_access), the answers the directory consumes (service.handlers) and
the retention of its records (service.retention), against the in-memory fakes."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from staffroom_shared.contracts.subject_access import answering
from staffroom_shared.errors import Conflict, NotFound
from staffroom_shared.events import new_event, parse_event

from directory.domain.model import ERASED_DOMAIN
from directory.service import retention, subject_access
from directory.service.handlers import HANDLERS
from .fakes import person, principal

TRUST_HR = principal("trust_hr")


@pytest.fixture
def teacher(uow, oak):
    return person(uow, oak, "S2", "Tom", "Taylor")


def test_opening_a_request_publishes_it_keeps_the_directorys_own_answer_and_audits(uow, oak, teacher):
    request = subject_access.open_request(uow, TRUST_HR, teacher.id)
    assert uow.requests.by_id[request.id] is request and not request.by_the_person and not request.ready
    assert uow.payloads("subject_access.requested") == [
        {"request_id": str(request.id), "staff_id": str(teacher.id), "received_on": request.received_on.isoformat(),
         "by_the_person": False}]
    assert uow.published[0].academy_id == oak.id
    assert uow.requests.answered(request.id) == {"directory"}
    assert [(a["action"], a["changes"]) for a in uow.audits] == [("subject_access.opened", {"staff_id": str(teacher.id)})]


def test_someone_elses_record_is_not_found_and_an_anonymised_one_a_conflict(uow, teacher):
    with pytest.raises(NotFound):
        subject_access.open_request(uow, principal("academy_hr"), teacher.id)
    teacher.erased_on = date.today()
    with pytest.raises(Conflict, match="anonymised"):
        subject_access.open_request(uow, TRUST_HR, teacher.id)
    assert uow.commits == 0 and uow.published == [] and uow.requests.by_id == {}


def test_a_person_asks_for_their_own_copy_once_at_a_time_and_once_a_day(uow, teacher):
    me = principal("staff", staff_id=teacher.id)
    first = subject_access.open_request(uow, me, teacher.id)
    assert first.by_the_person and uow.payloads("subject_access.requested")[0]["by_the_person"] is True
    with pytest.raises(Conflict, match="already being gathered"):
        subject_access.open_request(uow, me, teacher.id)
    first.answered_at = datetime.now(timezone.utc)
    with pytest.raises(Conflict, match="today already"):
        subject_access.open_request(uow, me, teacher.id)
    assert uow.commits == 1 and len(uow.published) == 1 and list(uow.requests.by_id) == [first.id]


def answered(service: str, request, payload: dict | None = None):
    """The service's answer as the directory's consumer receives it (parsed from the bus)."""
    return parse_event(new_event(f"{service}.subject_access_answered", payload or {
        "request_id": str(request.id), "staff_id": str(request.staff_id), "records": [], "left_out": []},
        producer=service, correlation_id="c").to_dict())


def test_each_services_answer_is_kept_once_and_the_last_completes_the_request(uow, teacher):
    request = subject_access.open_request(uow, TRUST_HR, teacher.id)
    services = list(answering())
    for service in services:
        with uow:
            HANDLERS[answered(service, request).type](uow, answered(service, request))
            HANDLERS[answered(service, request).type](uow, answered(service, request))  # a redelivery
            uow.commit()
    assert uow.requests.answered(request.id) == {"directory", *services} and request.ready
    assert len(uow.published) == 1  # answers announce nothing


def test_a_service_that_withdraws_its_answers_is_asked_again_alone_and_the_copy_waits_for_it(uow, oak, teacher):
    """Appraisal erased recognition HR removed: the copies gathered before held its words (outsider O5, issue 24)."""
    request = subject_access.open_request(uow, TRUST_HR, teacher.id)
    for service in answering():
        with uow:
            HANDLERS[answered(service, request).type](uow, answered(service, request))
            uow.commit()
    assert request.ready and subject_access.download(uow, TRUST_HR, request.id)
    someone_without_a_copy = uuid.uuid4()
    withdrawn = parse_event(new_event("appraisal.subject_access_withdrawn", {
        "staff_ids": [str(teacher.id), str(someone_without_a_copy)]}, producer="appraisal", correlation_id="c").to_dict())
    with uow:
        HANDLERS[withdrawn.type](uow, withdrawn)
        uow.commit()
    assert "appraisal" not in uow.requests.answered(request.id) and request.ready  # answered on time, still
    assert uow.payloads("subject_access.requested")[-1] == {
        "request_id": str(request.id), "staff_id": str(teacher.id), "received_on": request.received_on.isoformat(),
        "by_the_person": False, "asked_of": ["appraisal"]}
    assert uow.published[-1].academy_id == oak.id and len(uow.published) == 2
    with pytest.raises(Conflict, match="waiting for Appraisal"):
        subject_access.download(uow, TRUST_HR, request.id)
    with uow:
        HANDLERS[answered("appraisal", request).type](uow, answered("appraisal", request))
        uow.commit()
    assert subject_access.download(uow, TRUST_HR, request.id)


def test_an_answer_to_a_request_not_open_here_is_dropped(uow, teacher):
    request = subject_access.open_request(uow, TRUST_HR, teacher.id)
    other = answered("appraisal", request, {"request_id": str(uuid.uuid4()), "staff_id": str(teacher.id),
                                            "records": [], "left_out": []})
    with uow:
        subject_access.on_answered(uow, other)
        uow.commit()
    assert uow.requests.answered(request.id) == {"directory"}


def test_the_bundle_is_ready_once_every_service_answered_and_its_download_is_audited(uow, teacher):
    request = subject_access.open_request(uow, TRUST_HR, teacher.id)
    with pytest.raises(Conflict, match="still being gathered"):
        subject_access.download(uow, TRUST_HR, request.id)
    for service in answering():
        with uow:
            subject_access.on_answered(uow, answered(service, request))
            uow.commit()
    name, data = subject_access.download(uow, TRUST_HR, request.id, today=date(2026, 1, 5))
    assert name.startswith("staffroom-data-Tom-Taylor-") and data[:2] == b"PK"
    assert uow.audits[-1]["action"] == "subject_access.downloaded"
    with pytest.raises(NotFound):  # someone else's
        subject_access.download(uow, principal("staff"), request.id)


def test_the_requests_a_caller_sees(uow, teacher):
    mine = subject_access.open_request(uow, principal("staff", staff_id=teacher.id), teacher.id)
    assert subject_access.visible(TRUST_HR, None, uow.requests) == [mine]
    assert subject_access.visible(principal("staff", staff_id=teacher.id), None, uow.requests) == [mine]
    assert subject_access.visible(principal("staff"), teacher.id, uow.requests) == []
    with pytest.raises(NotFound):  # the person asked themselves: HR may see it, not download it
        subject_access.request_for(TRUST_HR, uow.requests, mine.id, to_download=True)


def test_a_leaver_past_retention_is_anonymised_announced_and_forgotten_everywhere(uow, oak, teacher, monkeypatch):
    forgotten = []
    monkeypatch.setattr(retention, "forget_in_audit", lambda uow, ids: forgotten.append(("audit", *ids)))
    monkeypatch.setattr(retention, "forget_sent_events", lambda uow, staff_id: forgotten.append(("sent", staff_id)))
    today = date.today()
    teacher.leaving_date = today - timedelta(days=8 * 365)
    uow.roles.set(teacher.id, {"dpo"}, by="hr", at=None)
    uow.links.put(teacher.id, external_id="entra-1")
    stayer = person(uow, oak, "S3", "Lily", "Lewis")
    with uow:
        assert retention._erase_leavers(uow, today - timedelta(days=6 * 365), today) == 1
        uow.commit()
    assert teacher.erased_on == today and teacher.email == f"erased-{teacher.id}@{ERASED_DOMAIN}"
    assert stayer.erased_on is None
    assert uow.payloads("staff.erased") == [{
        "staff_id": str(teacher.id), "academy_id": str(oak.id), "first_name": "Former member of staff",
        "last_name": "", "email": teacher.email, "staff_type": "teaching", "post": "Teacher", "fte": "1.00",
        "start_date": "2019-09-01", "leaving_date": teacher.leaving_date.isoformat(), "line_manager_id": None,
        "erased_on": today.isoformat()}]
    assert uow.roles.of(teacher.id) == [] and uow.links.of(teacher.id) is None
    assert forgotten == [("audit", teacher.id), ("sent", teacher.id)]
    assert uow.audits == [{"action": "staff.erased", "entity": "staff", "entity_id": str(teacher.id),
                           "changes": {"erased_on": today}, "note": None, "actor": "system"}]


def test_the_copies_of_answered_requests_go_and_the_requests_stay(uow, teacher):
    request = subject_access.open_request(uow, TRUST_HR, teacher.id)
    request.answered_at = datetime.now(timezone.utc) - timedelta(days=100)
    with uow:
        assert retention._copies_answered_before(uow, date.today() - timedelta(days=90), date.today()) == 1
        uow.commit()
    assert uow.requests.answered(request.id) == set() and request.id in uow.requests.by_id
