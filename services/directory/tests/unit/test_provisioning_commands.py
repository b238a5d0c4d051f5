"""Provisioning over SCIM (service.scim) against the in-memory fakes: joiners, changes and leavers as the staff
commands make them (the same events, acted by the identity provider), and the person's link kept beside them."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from staffroom_shared.errors import Conflict, NotFound

from directory.domain.model import LEFT_BY_IDENTITY_PROVIDER
from directory.service import scim
from .fakes import person

TODAY = date.today()


@pytest.fixture
def teacher(uow, oak):
    return person(uow, oak, "S2", "Tom", "Taylor")


def joiner(oak, **extra) -> dict:
    return {"staff_code": "E1", "academy_id": oak.id, "first_name": "Amira", "last_name": "Khan",
            "email": "amira.khan@oaktrust.example", "staff_type": "teaching", "post": "Member of staff",
            "start_date": TODAY - timedelta(days=10), **extra}


IDENTITY = {"external_id": "entra-1", "user_name": "Amira@Oak.example", "user_name_key": "amira@oak.example"}


def test_a_joiner_is_added_and_linked_in_one_commit(uow, oak):
    staff_id = scim.provision(uow, joiner(oak), IDENTITY)
    assert uow.links.of(staff_id).external_id == "entra-1"
    assert uow.types() == ["staff.joined"] and uow.published[0].payload["staff_id"] == str(staff_id)
    assert [a["action"] for a in uow.audits] == ["staff.added"]


def test_a_joiner_sent_disabled_joins_and_leaves_today(uow, oak):
    staff_id = scim.provision(uow, joiner(oak), IDENTITY, active=False)
    member = uow.staff.by_id[staff_id]
    assert (member.leaving_date, member.leaving_reason) == (TODAY, LEFT_BY_IDENTITY_PROVIDER)
    assert uow.types() == ["staff.joined", "staff.left"]
    joined, left = uow.published
    assert joined.payload["leaving_date"] is None and left.payload["leaving_date"] == TODAY.isoformat()
    assert left.payload["reason"] == LEFT_BY_IDENTITY_PROVIDER and uow.links.of(staff_id).disabled_on == TODAY


def test_an_external_id_or_sign_in_name_another_person_has_is_refused(uow, oak, teacher):
    uow.links.put(teacher.id, external_id="entra-1")
    with pytest.raises(Conflict, match="externalId"):
        scim.provision(uow, joiner(oak), IDENTITY)
    with pytest.raises(Conflict, match="userName"):
        scim.provision(uow, joiner(oak), {**IDENTITY, "external_id": "entra-2",
                                          "user_name_key": "tom.taylor@oaktrust.example"})
    assert uow.published == [] and uow.audits == [] and len(uow.staff.by_id) == 1


def test_a_change_and_a_disabling_are_one_commit(uow, teacher):
    scim.reprovision(uow, teacher.id, {"post": "Head of Maths"}, IDENTITY, False, TODAY)
    assert uow.commits == 1 and uow.types() == ["staff.updated", "staff.left"]
    updated, left = uow.payloads("staff.updated")[0], uow.payloads("staff.left")[0]
    assert updated["changed"] == ["post"] and updated["leaving_date"] is None
    assert left["post"] == "Head of Maths" and left["leaving_date"] == TODAY.isoformat()
    assert uow.links.of(teacher.id).disabled_on == TODAY and uow.links.of(teacher.id).external_id == "entra-1"


def test_disabling_someone_already_leaving_later_brings_the_date_forward(uow, teacher):
    teacher.leaving_date, teacher.leaving_reason = TODAY + timedelta(days=60), "Resigned"
    scim.reprovision(uow, teacher.id, {}, IDENTITY, False, TODAY)
    assert teacher.leaving_date == TODAY and uow.payloads("staff.updated")[0]["changed"] == ["leaving_date"]
    assert uow.audits[0]["changes"] == {"leaving_date": [TODAY + timedelta(days=60), TODAY],
                                        "leaving_reason": LEFT_BY_IDENTITY_PROVIDER}


def test_a_leaver_is_not_enabled_again_by_the_identity_provider(uow, teacher):
    teacher.leaving_date = TODAY - timedelta(days=1)
    with pytest.raises(Conflict, match="recorded in the directory by HR"):
        scim.reprovision(uow, teacher.id, {"post": "Back"}, IDENTITY, True, TODAY)
    assert uow.commits == 0 and uow.published == [] and teacher.post == "Teacher"


def test_deleting_a_user_makes_them_leave_and_hides_them(uow, teacher):
    scim.deprovision(uow, teacher.id, TODAY)
    assert uow.types() == ["staff.left"] and uow.links.of(teacher.id).deprovisioned_on == TODAY
    assert [a["action"] for a in uow.audits] == ["staff.left", "staff.deprovisioned"]
    with pytest.raises(NotFound):
        scim.deprovision(uow, teacher.id, TODAY)
    with pytest.raises(NotFound):
        scim.provisioned(uow.staff, uow.links, uuid.uuid4())
    assert uow.commits == 1


def test_a_joiner_not_yet_started_leaves_on_the_day_they_were_to_start(uow, oak):
    starts = TODAY + timedelta(days=20)
    member = person(uow, oak, "S7", "Zara", "Young", start=starts)
    scim.deprovision(uow, member.id, TODAY)
    assert member.leaving_date == starts and not member.is_active(TODAY)
    assert uow.payloads("staff.left")[0]["leaving_date"] == starts.isoformat()
