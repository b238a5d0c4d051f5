"""The academy and staff commands (service.staff) against the in-memory fakes: the change, the events published
with their payloads, the audit row; a refusal commits and publishes nothing."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from staffroom_shared.errors import Conflict, Forbidden, NotFound, Unprocessable

from directory.service import staff as commands
from .fakes import nothing_done, academy, person, principal

TRUST_HR = principal("trust_hr")


def snapshot(member) -> dict:
    """A member of staff as staff.* events carry them (JSON)."""
    return {"staff_id": str(member.id), "academy_id": str(member.academy_id), "first_name": member.first_name,
            "last_name": member.last_name, "email": member.email, "staff_type": member.staff_type,
            "post": member.post, "fte": f"{member.fte:.2f}", "start_date": member.start_date.isoformat(),
            "leaving_date": member.leaving_date and member.leaving_date.isoformat(),
            "line_manager_id": member.line_manager_id and str(member.line_manager_id)}


@pytest.fixture
def teacher(uow, oak, head):
    return person(uow, oak, "S2", "Tom", "Taylor", manager=head)


def test_registering_an_academy_publishes_academy_registered(uow):
    made = commands.register_academy(uow, TRUST_HR, {"name": "Elm Academy", "urn": "140009", "phase": "secondary"})
    assert uow.academies.by_id[made.id] is made
    assert uow.payloads("academy.registered") == [
        {"academy_id": str(made.id), "name": "Elm Academy", "urn": "140009", "phase": "secondary"}]
    assert uow.published[0].academy_id == made.id
    assert [(a["action"], a["entity_id"]) for a in uow.audits] == [("academy.registered", str(made.id))]


@pytest.mark.parametrize("data, refusal", [
    ({"name": "Elm Academy", "urn": "140001", "phase": "primary"}, Conflict),  # Oak's URN
    ({"name": "oak primary academy", "urn": "140009", "phase": "primary"}, Conflict),
    ({"name": "Elm Academy", "urn": "14", "phase": "primary"}, Unprocessable),
])
def test_an_academy_that_clashes_or_breaks_a_rule_is_refused(uow, oak, data, refusal):
    with pytest.raises(refusal):
        commands.register_academy(uow, TRUST_HR, data)
    assert nothing_done(uow) and list(uow.academies.by_id) == [oak.id]


def test_only_trust_hr_registers_an_academy(uow):
    with pytest.raises(Forbidden):
        commands.register_academy(uow, principal("academy_hr"), {"name": "Elm", "urn": "140009", "phase": "primary"})
    assert nothing_done(uow)


def test_updating_an_academy_publishes_it_as_it_now_is(uow, oak):
    commands.update_academy(uow, principal("academy_hr", academy_id=oak.id), oak.id, {"name": "Oak Academy"})
    assert oak.name == "Oak Academy"
    assert uow.payloads("academy.updated") == [
        {"academy_id": str(oak.id), "name": "Oak Academy", "urn": "140001", "phase": "primary"}]
    assert uow.audits[0]["action"] == "academy.updated" and uow.audits[0]["changes"] == {"name": "Oak Academy"}


def test_an_academy_update_that_breaks_a_rule_leaves_it_as_it_was(uow, oak):
    with pytest.raises(Unprocessable):
        commands.update_academy(uow, TRUST_HR, oak.id, {"phase": "nursery", "name": "Oak Academy"})
    assert (oak.name, oak.phase) == ("Oak Primary Academy", "primary") and nothing_done(uow)


def test_an_academy_hr_cannot_update_another_academy(uow, oak):
    elm = academy(uow, "Elm Academy", "140002", "secondary")
    with pytest.raises(Forbidden):
        commands.update_academy(uow, principal("academy_hr", academy_id=elm.id), oak.id, {"name": "Mine"})
    assert nothing_done(uow)


def new_person(oak, **extra) -> dict:
    return {"staff_code": "S9", "academy_id": oak.id, "first_name": "Amira", "last_name": "Khan",
            "email": "Amira.Khan@oaktrust.example", "staff_type": "teaching", "post": "Teacher of Maths",
            "start_date": date(2024, 9, 1), **extra}


def test_adding_staff_publishes_staff_joined_and_audits_the_record(uow, oak, head):
    member = commands.add_staff(uow, TRUST_HR, new_person(oak, line_manager_id=head.id))
    assert uow.staff.by_id[member.id] is member and member.email == "amira.khan@oaktrust.example"
    assert uow.payloads("staff.joined") == [snapshot(member)]
    assert uow.published[0].academy_id == oak.id
    assert [a["action"] for a in uow.audits] == ["staff.added"]


def test_what_adding_staff_then_does_is_in_the_same_commit(uow, oak):
    seen = []
    commands.add_staff(uow, TRUST_HR, new_person(oak), then=seen.append)
    assert len(seen) == 1 and uow.commits == 1 and uow.staff.room_made == 1


@pytest.mark.parametrize("change, refusal", [
    ({"email": "hannah.hughes@oaktrust.example"}, Conflict),  # the head's
    ({"staff_code": "S1"}, Conflict),
    ({"fte": Decimal("1.5")}, Unprocessable),
    ({"line_manager_id": __import__("uuid").uuid4()}, Unprocessable),
])
def test_a_joiner_who_clashes_or_breaks_a_rule_is_refused(uow, oak, head, change, refusal):
    with pytest.raises(refusal):
        commands.add_staff(uow, TRUST_HR, new_person(oak, **change))
    assert nothing_done(uow) and list(uow.staff.by_id) == [head.id]


def test_academy_hr_adds_staff_to_their_own_academy_only(uow, oak):
    elm = academy(uow, "Elm Academy", "140002", "secondary")
    with pytest.raises(Forbidden):
        commands.add_staff(uow, principal("academy_hr", academy_id=elm.id), new_person(oak))
    assert nothing_done(uow)


def test_an_update_publishes_staff_updated_with_the_fields_that_changed(uow, teacher):
    commands.update_staff(uow, TRUST_HR, teacher.id, {"post": "Head of Maths", "first_name": "Tom"})
    assert uow.payloads("staff.updated") == [{**snapshot(teacher), "changed": ["post"]}]
    assert uow.audits[0]["action"] == "staff.updated" and uow.audits[0]["changes"] == {
        "post": ["Teacher", "Head of Maths"]}


def test_an_update_that_changes_nothing_commits_and_publishes_nothing(uow, teacher):
    commands.update_staff(uow, TRUST_HR, teacher.id, {"post": "Teacher"})
    assert uow.commits == 1 and uow.published == [] and uow.audits == []


def test_a_line_management_cycle_is_a_conflict(uow, head, teacher):
    with pytest.raises(Conflict, match="cycle"):
        commands.update_staff(uow, TRUST_HR, head.id, {"line_manager_id": teacher.id})
    assert nothing_done(uow)


def test_moving_academy_withdraws_hr_for_the_one_they_left(uow, oak, teacher):
    elm = academy(uow, "Elm Academy", "140002", "secondary")
    uow.roles.set(teacher.id, {"academy_hr"}, by="hr", at=None)
    commands.update_staff(uow, TRUST_HR, teacher.id, {"academy_id": elm.id})
    assert uow.roles.of(teacher.id) == []
    assert [a["action"] for a in uow.audits] == ["staff.roles_changed", "staff.updated"]
    assert uow.payloads("staff.updated")[0]["changed"] == ["academy_id"]
    assert uow.published[0].academy_id == elm.id


def test_only_trust_hr_changes_a_work_email_where_people_sign_in_with_it(uow, oak, teacher):
    with pytest.raises(Forbidden):
        commands.update_staff(uow, principal("academy_hr", academy_id=oak.id), teacher.id,
                              {"email": "new@oaktrust.example"}, emails_sign_in=True)
    assert nothing_done(uow)


def test_someone_who_may_not_see_a_record_is_told_there_is_nobody(uow, oak, teacher):
    with pytest.raises(NotFound):
        commands.update_staff(uow, principal("staff"), teacher.id, {"post": "Head"})
    with pytest.raises(Forbidden):  # themselves: told why not
        commands.update_staff(uow, principal("staff", staff_id=teacher.id), teacher.id, {"post": "Head"})
    assert nothing_done(uow)


def test_a_promotion_publishes_staff_promoted_with_the_previous_post(uow, teacher):
    commands.promote(uow, TRUST_HR, teacher.id, post="Head of Maths", staff_type="leadership",
                     effective_date=date(2025, 9, 1), fte=Decimal("0.8"))
    assert uow.payloads("staff.promoted") == [{**snapshot(teacher), "previous_post": "Teacher",
                                               "previous_staff_type": "teaching", "effective_date": "2025-09-01"}]
    assert snapshot(teacher)["fte"] == "0.80"
    assert uow.audits[0]["changes"] == {"previous_post": "Teacher", "previous_staff_type": "teaching",
                                        "post": "Head of Maths", "staff_type": "leadership"}


def test_a_promotion_to_the_same_post_is_refused(uow, teacher):
    with pytest.raises(Unprocessable):
        commands.promote(uow, TRUST_HR, teacher.id, post="Teacher", staff_type="teaching",
                         effective_date=date(2025, 9, 1))
    assert nothing_done(uow)


def test_a_leaver_publishes_staff_left_with_the_reason(uow, teacher):
    on = date.today() + timedelta(days=30)
    commands.record_leaver(uow, TRUST_HR, teacher.id, leaving_date=on, reason="Resigned")
    assert teacher.leaving_date == on and teacher.leaving_reason == "Resigned"
    assert uow.payloads("staff.left") == [{**snapshot(teacher), "reason": "Resigned"}]
    assert uow.audits[0]["changes"] == {"leaving_date": on, "reason": "Resigned"}


@pytest.mark.parametrize("leaving, refusal", [
    (date(2019, 8, 1), Unprocessable),  # before they started
    (date(2000, 1, 1), Unprocessable),  # past the record's retention: a mistyped year
])
def test_a_leaving_date_that_breaks_a_rule_is_refused(uow, teacher, leaving, refusal):
    with pytest.raises(refusal):
        commands.record_leaver(uow, TRUST_HR, teacher.id, leaving_date=leaving, reason=None)
    assert teacher.leaving_date is None and nothing_done(uow)


def test_leaving_twice_is_a_conflict(uow, teacher):
    commands.record_leaver(uow, TRUST_HR, teacher.id, leaving_date=date.today(), reason=None)
    with pytest.raises(Conflict):
        commands.record_leaver(uow, TRUST_HR, teacher.id, leaving_date=date.today(), reason=None)
    assert uow.commits == 1 and uow.types() == ["staff.left"]


def test_the_last_trust_hr_who_is_staying_cannot_be_recorded_as_leaving(uow, head):
    uow.roles.set(head.id, {"trust_hr"}, by="hr", at=None)
    with pytest.raises(Conflict, match="only person with trust HR"):
        commands.record_leaver(uow, TRUST_HR, head.id, leaving_date=date.today(), reason=None)
    assert head.leaving_date is None and nothing_done(uow)


def test_bringing_a_leaving_date_forward_publishes_staff_updated(uow, teacher):
    teacher.leaving_date = date.today() + timedelta(days=90)
    with uow:
        teacher = uow.staff.get(teacher.id)  # handed out by a repository, so what it records is collected
        commands.bring_leaving_forward(uow, teacher, date.today(), reason="Disabled in the identity provider")
        commands.bring_leaving_forward(uow, teacher, date.today() + timedelta(days=5), reason="later: no change")
        uow.commit()
    assert teacher.leaving_date == date.today() and teacher.leaving_reason == "Disabled in the identity provider"
    assert uow.payloads("staff.updated") == [{**snapshot(teacher), "changed": ["leaving_date"]}]
    assert len(uow.audits) == 1


def test_republishing_announces_every_academy_and_member_of_staff_as_they_are(uow, oak, head, teacher):
    assert commands.republish(uow) == 2
    assert uow.types() == ["academy.updated", "staff.updated", "staff.updated"]
    assert {p["staff_id"] for p in uow.payloads("staff.updated")} == {str(head.id), str(teacher.id)}
    assert all(p["changed"] == [] for p in uow.payloads("staff.updated"))
    assert uow.audits[0]["action"] == "directory.republished" and uow.audits[0]["changes"] == {"staff": 2}


def test_an_academy_given_what_it_already_has_is_no_news(uow, oak):
    """Outsider, issue 22: each PATCH with the academy's own name published academy.updated again."""
    commands.update_academy(uow, TRUST_HR, oak.id, {"name": "Oak Primary Academy", "phase": "primary"})
    assert uow.payloads("academy.updated") == []
    commands.update_academy(uow, TRUST_HR, oak.id, {"name": "Oak Primary Academy", "phase": "secondary"})
    assert [p["phase"] for p in uow.payloads("academy.updated")] == ["secondary"]
