"""The cascade (issue 24) on both databases, built by the migrations: templates matched to the post the staff copy
holds from staff.* events, applied to everyone in the role; the roll-up's SQL; and a linked priority kept from
deletion."""
from __future__ import annotations

import pytest

from appraisal.domain.priorities import school_year_of
from appraisal.service import objective_templates, priorities
from appraisal.service.unit_of_work import Reads
from staffroom_shared.errors import Conflict
from staffroom_shared.principal import Principal

from .conftest import TRUST_HR


def test_a_template_reaches_everyone_in_the_role_and_the_roll_up_counts_them(world):
    manager = world.join(post="Head of Year 6", staff_type="leadership")["staff_id"]
    year6 = [world.join(line_manager_id=manager, post="Year 6 Teacher", first_name=n)["staff_id"] for n in ("Ann", "Bo")]
    year5 = world.join(line_manager_id=manager, post="Year 5 Teacher")["staff_id"]
    world.open_cycle("teachers")
    hr = Principal(staff_id=None, roles=frozenset({"academy_hr"}), academy_id=world.academy_id, subject="hr")
    uow = world.context.uow
    with uow() as unit:
        (row,) = unit.appraisals.of(year6[0])
        year = school_year_of(unit.cycles.get(row.cycle_id).starts_on)
    reading = priorities.create(uow(), TRUST_HR, {"level": "trust", "school_year": year, "title": "Reading",
                                                 "description": "Reading for pleasure"})
    ks2 = priorities.create(uow(), hr, {"level": "academy", "school_year": year, "title": "KS2 reading",
                                        "description": "x", "parent_id": reading.id})
    template = objective_templates.create(uow(), hr, {"title": "Year 6 reading", "type": "pupil_outcomes",
                                                      "description": "x", "success_criteria": "x",
                                                      "post": "year 6 teacher", "priority_id": ks2.id})
    lead = Principal(staff_id=manager, roles=frozenset({"staff"}), academy_id=world.academy_id, subject="lm")
    answer = objective_templates.apply(uow(), lead, [template.id], None)
    assert sorted(a["reviewee_id"] for a in answer["applied"]) == sorted(year6) and answer["refused"] == []
    assert _titles(world, year5) == [] and _titles(world, year6[0]) == ["Year 6 reading"]

    with world.context.read_sessions() as session:
        rows = {r["priority"].title: r for r in priorities.roll_up(Reads(session), TRUST_HR, year, None)["priorities"]}
        mine = priorities.roll_up(Reads(session), lead, year, None)  # the appraiser's reviewees, by the SQL's filter
    assert rows["Reading"]["people"] == 2 and rows["Reading"]["counts"]["not_agreed"] == 2
    assert rows["KS2 reading"]["academies"][0]["people"] == 2
    assert mine["made_from"]["whom"] == "reviewees" and mine["made_from"]["people"] == 2
    with pytest.raises(Conflict, match="archive it instead"):
        priorities.delete(uow(), TRUST_HR, reading.id)


def _titles(world, reviewee_id) -> list[str]:
    with world.context.uow() as unit:
        (appraisal,) = unit.appraisals.of(reviewee_id)
        return [o.title for o in appraisal.objectives]
