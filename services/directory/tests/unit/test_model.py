"""Directory rules in plain Python: line management, promotions, leavers, FTE and dates."""
import uuid
from datetime import date
from decimal import Decimal

import pytest

from directory.domain.model import (
    MAX_CHAIN, Academy, AlreadyLeft, DirectoryError, LineManagementCycle, StaffMember, check_line_management,
    find_cycles,
)


def person(**overrides) -> StaffMember:
    values = dict(staff_code="S1", academy_id=uuid.uuid4(), first_name="Amira", last_name="Khan",
                  email=" Amira.Khan@Oak.example ", staff_type="teaching", post="Teacher of Maths",
                  start_date=date(2020, 9, 1))
    values.update(overrides)
    return StaffMember(**values)


# -- academies -------------------------------------------------------------------------------------

def test_academy_urn_must_be_six_digits():
    with pytest.raises(DirectoryError, match="six digits"):
        Academy(name="Oak", urn="12345", phase="primary")


def test_academy_phase_must_be_a_known_phase():
    with pytest.raises(DirectoryError, match="phase must be one of"):
        Academy(name="Oak", urn="123456", phase="nursery")


# -- FTE and dates ---------------------------------------------------------------------------------

def test_email_is_stored_trimmed_and_lower_case():
    assert person().email == "amira.khan@oak.example"


def test_fte_is_rounded_to_two_places():
    assert person(fte=Decimal("0.6")).fte == Decimal("0.60")


@pytest.mark.parametrize("fte", ["0", "0.00", "1.01", "-0.5", "2"])
def test_fte_outside_one_hundredth_to_one_is_refused(fte):
    with pytest.raises(DirectoryError, match="FTE must be between"):
        person(fte=Decimal(fte))


def test_leaving_date_before_start_date_is_refused():
    with pytest.raises(DirectoryError, match="before the start date"):
        person(leaving_date=date(2020, 8, 31))


def test_unknown_staff_type_is_refused():
    with pytest.raises(DirectoryError, match="staff type must be one of"):
        person(staff_type="volunteer")


def test_nobody_is_their_own_line_manager():
    me = uuid.uuid4()
    with pytest.raises(LineManagementCycle):
        person(id=me, line_manager_id=me)


def test_apply_reports_only_fields_whose_value_changed():
    member = person(fte=Decimal("0.60"))
    changed = member.apply({"fte": Decimal("0.6"), "post": "Head of Maths", "email": "AMIRA.KHAN@oak.example"})
    assert changed == ["post"]


def test_apply_refuses_fields_that_are_not_editable():
    with pytest.raises(DirectoryError, match="cannot be changed this way: leaving_date"):
        person().apply({"leaving_date": date(2030, 1, 1)})


def test_apply_that_breaks_a_rule_raises():
    with pytest.raises(DirectoryError, match="FTE"):
        person().apply({"fte": Decimal("1.5")})


# -- promotions and leavers ------------------------------------------------------------------------

def test_promotion_changes_post_and_returns_the_previous_one():
    member = person()
    previous = member.promote(post="Head of Maths", staff_type="leadership", effective_date=date(2024, 9, 1),
                              fte=Decimal("1.0"))
    assert previous == {"previous_post": "Teacher of Maths", "previous_staff_type": "teaching"}
    assert (member.post, member.staff_type, member.fte) == ("Head of Maths", "leadership", Decimal("1.00"))


def test_promotion_to_the_same_post_is_refused():
    with pytest.raises(DirectoryError, match="already Teacher of Maths"):
        person().promote(post="Teacher of Maths", staff_type="teaching", effective_date=date(2024, 9, 1))


def test_promotion_effective_before_the_start_date_is_refused():
    with pytest.raises(DirectoryError, match="before .* started"):
        person().promote(post="Head of Maths", staff_type="teaching", effective_date=date(2019, 9, 1))


def test_a_leaver_cannot_be_promoted():
    member = person()
    member.leave(date(2024, 7, 31), "resigned")
    with pytest.raises(AlreadyLeft):
        member.promote(post="Head of Maths", staff_type="teaching", effective_date=date(2024, 9, 1))


def test_leaving_twice_is_refused():
    member = person()
    member.leave(date(2024, 7, 31), None)
    with pytest.raises(AlreadyLeft, match="already has a leaving date"):
        member.leave(date(2024, 8, 31), None)


def test_leaving_before_starting_is_refused():
    with pytest.raises(DirectoryError, match="before the start date"):
        person().leave(date(2019, 1, 1), None)


def test_has_left_only_once_the_leaving_date_has_passed():
    member = person()
    member.leave(date(2999, 8, 31), "retiring")
    assert not member.has_left
    other = person()
    other.leave(date(2021, 8, 31), None)
    assert other.has_left


# -- line management -------------------------------------------------------------------------------

def test_manager_who_reports_to_this_person_makes_a_cycle():
    head, deputy, teacher = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    managers = {deputy: head, teacher: deputy, head: None}
    names = {head: "Head", deputy: "Deputy", teacher: "Teacher"}
    with pytest.raises(LineManagementCycle, match="Head → Teacher → Deputy → Head"):
        check_line_management(head, teacher, managers.get, names.get)


def test_manager_outside_this_persons_chain_is_accepted():
    head, deputy, teacher = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    managers = {deputy: head, teacher: deputy, head: None}
    check_line_management(teacher, head, managers.get)
    check_line_management(teacher, None, managers.get)


def test_a_chain_longer_than_any_school_has_is_refused():
    chain = [uuid.uuid4() for _ in range(MAX_CHAIN + 2)]
    managers = {a: b for a, b in zip(chain, chain[1:])}
    with pytest.raises(LineManagementCycle, match="longer than"):
        check_line_management(uuid.uuid4(), chain[0], managers.get)


def test_find_cycles_finds_none_in_a_tree():
    head, a, b, c = (uuid.uuid4() for _ in range(4))
    assert find_cycles({head: None, a: head, b: head, c: a}) == []


def test_find_cycles_finds_each_cycle_once_with_its_path():
    a, b, c, d, e, f = (uuid.uuid4() for _ in range(6))
    cycles = find_cycles({a: b, b: c, c: a, d: a, e: f, f: e})
    assert len(cycles) == 2
    as_sets = [set(cycle) for cycle in cycles]
    assert {a, b, c} in as_sets and {e, f} in as_sets
    for cycle in cycles:
        assert cycle[0] == cycle[-1]  # the path closes on itself


def test_find_cycles_finds_a_self_loop():
    a = uuid.uuid4()
    assert find_cycles({a: a}) == [[a, a]]


def test_find_cycles_ignores_managers_outside_the_map():
    a, outsider = uuid.uuid4(), uuid.uuid4()
    assert find_cycles({a: outsider}) == []
