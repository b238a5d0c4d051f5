"""Roles and signing in (service.roles) against the in-memory fakes: the grants changed and the audit row; a refusal
commits nothing. None of these publishes an event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound

from directory.service import roles
from .fakes import nothing_done, person, principal

TRUST_HR = principal("trust_hr")


@pytest.fixture
def teacher(uow, oak, head):
    return person(uow, oak, "S2", "Tom", "Taylor", manager=head)


def test_trust_hr_gives_exactly_these_roles_audited(uow, teacher):
    uow.roles.set(teacher.id, {"academy_hr"}, by="hr", at=None)
    assert roles.set_roles(uow, TRUST_HR, teacher.id, ["dpo"]) == ["dpo"]
    assert uow.roles.of(teacher.id) == ["dpo"] and uow.published == []
    assert uow.audits == [{"action": "staff.roles_changed", "entity": "staff", "entity_id": str(teacher.id),
                           "changes": {"given": ["dpo"], "withdrawn": ["academy_hr"]}, "note": None,
                           "actor": "system"}]


def test_the_same_roles_again_commit_no_audit_row(uow, teacher):
    uow.roles.set(teacher.id, {"dpo"}, by="hr", at=None)
    roles.set_roles(uow, TRUST_HR, teacher.id, ["dpo"])
    assert uow.commits == 1 and uow.audits == []


@pytest.mark.parametrize("who, refusal", [(principal("academy_hr"), Forbidden), (principal("dpo"), Forbidden)])
def test_only_trust_hr_gives_roles(uow, teacher, who, refusal):
    with pytest.raises(refusal):
        roles.set_roles(uow, who, teacher.id, ["dpo"])
    assert nothing_done(uow) and uow.roles.of(teacher.id) == []


def test_a_leaver_is_given_no_access_and_an_unknown_id_is_404(uow, teacher):
    teacher.leaving_date = date.today() - timedelta(days=1)
    with pytest.raises(Forbidden):
        roles.set_roles(uow, TRUST_HR, teacher.id, ["dpo"])
    with pytest.raises(NotFound):
        roles.set_roles(uow, TRUST_HR, __import__("uuid").uuid4(), ["dpo"])
    assert nothing_done(uow)


def test_the_last_trust_hr_who_is_staying_keeps_it(uow, head, teacher):
    uow.roles.set(head.id, {"trust_hr"}, by="hr", at=None)
    with pytest.raises(Conflict):
        roles.set_roles(uow, TRUST_HR, head.id, [])
    assert nothing_done(uow) and uow.roles.of(head.id) == ["trust_hr"]
    uow.roles.set(teacher.id, {"trust_hr"}, by="hr", at=None)  # with another, it may go
    roles.set_roles(uow, TRUST_HR, head.id, [])
    assert uow.roles.of(head.id) == [] and uow.commits == 1


def test_the_first_role_is_granted_from_the_command_line(uow, teacher):
    assert roles.grant_first(uow, "Tom.Taylor@oaktrust.example", "trust_hr") is teacher
    assert uow.roles.of(teacher.id) == ["trust_hr"]
    assert uow.audits[0]["changes"] == {"given": ["trust_hr"], "withdrawn": []}


@pytest.mark.parametrize("email, role", [("nobody@oaktrust.example", "trust_hr"), ("tom.taylor@oaktrust.example", "x")])
def test_granting_from_the_command_line_refuses_an_unknown_person_or_role(uow, teacher, email, role):
    with pytest.raises(ValueError):
        roles.grant_first(uow, email, role)
    assert nothing_done(uow)


def test_roles_are_seen_by_trust_hr_the_dpo_and_the_person(uow, teacher):
    uow.roles.set(teacher.id, {"dpo"}, by="hr", at=None)
    assert roles.roles_of(uow.staff, uow.roles, principal("dpo"), teacher.id) == ["dpo"]
    assert roles.roles_of(uow.staff, uow.roles, principal("staff", staff_id=teacher.id), teacher.id) == ["dpo"]
    with pytest.raises(NotFound):
        roles.roles_of(uow.staff, uow.roles, principal("academy_hr"), teacher.id)


def test_the_access_held_is_the_directorys_not_the_tokens(uow, oak, teacher):
    uow.roles.set(teacher.id, {"academy_hr"}, by="hr", at=None)
    token_says = principal("staff", "trust_hr", staff_id=teacher.id)
    held = roles.as_held(uow.staff, uow.roles, token_says, date.today())
    assert held.roles == {"staff", "academy_hr"} and held.academy_id == oak.id
    teacher.leaving_date = date.today() - timedelta(days=1)
    assert roles.as_held(uow.staff, uow.roles, token_says, date.today()).roles == {"staff"}


@dataclass
class FakeGoogle:
    email: str
    lifetime: timedelta = timedelta(minutes=60)

    def email_of(self, id_token):
        return self.email

    def token(self, *, staff_id, roles, academy_id):
        return f"token for {staff_id} {roles}"


def test_signing_in_with_google_is_audited_as_the_person(uow, teacher):
    uow.roles.set(teacher.id, {"dpo"}, by="hr", at=None)
    answer = roles.sign_in(uow, FakeGoogle("tom.taylor@oaktrust.example"), "id-token")
    assert answer == {"access_token": f"token for {teacher.id} ['staff', 'dpo']", "token_type": "Bearer",
                      "expires_in": 3600}
    assert uow.audits == [{"action": "staff.signed_in", "entity": "staff", "entity_id": str(teacher.id),
                           "changes": {"roles": ["staff", "dpo"]}, "note": None, "actor": str(teacher.id)}]


def test_signing_in_refuses_a_stranger_a_leaver_and_an_ambiguous_address(uow, head, teacher):
    with pytest.raises(Forbidden, match="no member of staff"):
        roles.sign_in(uow, FakeGoogle("nobody@oaktrust.example"), "t")
    uow.links.put(head.id, user_name="tom.taylor@oaktrust.example", user_name_key="tom.taylor@oaktrust.example")
    with pytest.raises(Forbidden, match="cannot tell who you are"):
        roles.sign_in(uow, FakeGoogle("tom.taylor@oaktrust.example"), "t")
    head.leaving_date = date.today() - timedelta(days=1)
    with pytest.raises(Forbidden, match="left"):
        roles.sign_in(uow, FakeGoogle("hannah.hughes@oaktrust.example"), "t")
    assert nothing_done(uow)
