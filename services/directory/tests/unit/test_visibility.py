"""Who may see which members of staff (service.visibility), against the in-memory fakes."""
from __future__ import annotations

import pytest

from staffroom_shared.errors import Forbidden

from directory.service.visibility import may_see, staff_filter
from .fakes import academy, person, principal


@pytest.fixture
def trust(uow):
    oak, elm = academy(uow), academy(uow, "Elm Academy", "140002", "secondary")
    head = person(uow, oak, "S1", "Hannah", "Hughes")
    hod = person(uow, oak, "S2", "Dev", "Davies", manager=head)
    teacher = person(uow, oak, "S3", "Tom", "Taylor", manager=hod)
    return oak, elm, head, hod, teacher


def listed(uow, who, **args):
    return {m.id for m in uow.staff.find(staff_filter(who, uow.staff, **args), page=1, page_size=50)[0]}


def test_hr_list_their_academy_trust_hr_and_the_dpo_everyone(uow, trust):
    oak, elm, head, hod, teacher = trust
    elm_teacher = person(uow, elm, "S4", "Rhys", "Roberts")
    assert listed(uow, principal("academy_hr", academy_id=oak.id)) == {head.id, hod.id, teacher.id}
    assert listed(uow, principal("trust_hr")) == listed(uow, principal("dpo")) == {head.id, hod.id, teacher.id,
                                                                                   elm_teacher.id}
    assert listed(uow, principal("trust_hr"), academy_id=elm.id) == {elm_teacher.id}
    with pytest.raises(Forbidden):
        staff_filter(principal("academy_hr", academy_id=oak.id), uow.staff, academy_id=elm.id)


def test_others_list_themselves_and_everyone_below_them(uow, trust):
    oak, elm, head, hod, teacher = trust
    assert listed(uow, principal("staff", staff_id=head.id)) == {head.id, hod.id, teacher.id}
    assert listed(uow, principal("staff", staff_id=teacher.id)) == {teacher.id}
    assert listed(uow, principal("staff", staff_id=head.id), search="tom") == {teacher.id}


def test_a_record_is_seen_by_the_person_their_managers_hr_and_the_dpo(uow, trust):
    oak, elm, head, hod, teacher = trust
    assert may_see(principal("staff", staff_id=head.id), teacher, uow.staff)  # two levels up
    assert may_see(principal("staff", staff_id=teacher.id), teacher, uow.staff)
    assert may_see(principal("dpo"), teacher, uow.staff)
    assert may_see(principal("academy_hr", academy_id=oak.id), teacher, uow.staff)
    assert not may_see(principal("staff", staff_id=teacher.id), head, uow.staff)
    assert not may_see(principal("academy_hr", academy_id=elm.id), teacher, uow.staff)
