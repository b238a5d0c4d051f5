""""Training linked to appraisal" on real events: completions this school year (cpd.completed) and whether each
participant linked theirs to an appraisal development need (cpd.intent_recorded), in either order, the newest
intent winning."""
from __future__ import annotations

import uuid
from datetime import date

from targets.domain.targets import TARGETS

TODAY = date(2027, 6, 15)  # the school year began on 1 September 2026
KEY = "training_linked_to_appraisal"


def _completed(world, person, on: date, title="Adaptive teaching") -> dict:
    data = {"enrolment_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
            "programme_id": uuid.uuid4(), "programme_title": title, "completed_on": on}
    world.send("cpd.completed", {**data, "category": "external_course", "appraisal_training": False}, on)
    return data


def _intent(world, completion: dict, on: date, need_id=None) -> None:
    world.send("cpd.intent_recorded", {
        **completion, "intent": "Use hinge questions", "satisfaction": 4, "development_need_id": need_id,
        "appraisal_id": uuid.uuid4() if need_id else None, "recorded_on": on}, on)


def test_counts_this_school_years_completions_linked_to_a_development_need(world):
    linked, unlinked, silent, last_year = (world.starter(date(2018, 9, 1)) for _ in range(4))
    _intent(world, _completed(world, linked, date(2026, 11, 2)), date(2026, 11, 3), need_id=uuid.uuid4())
    _intent(world, _completed(world, unlinked, date(2027, 1, 20)), date(2027, 1, 21))
    _completed(world, silent, date(2027, 3, 1), title="Behaviour")
    _intent(world, _completed(world, last_year, date(2026, 7, 1)), date(2026, 7, 2), need_id=uuid.uuid4())

    assert world.figures(KEY, TODAY) == {world.academy_id: (1, 3), None: (1, 3)}
    assert world.people(KEY, TODAY) == [
        (unlinked["staff_id"], "not_linked", date(2027, 1, 20), "Adaptive teaching"),
        (silent["staff_id"], "not_linked", date(2027, 3, 1), "Behaviour")]
    assert "this school year" in TARGETS[KEY].definition


def test_an_intent_before_its_completion_and_an_older_intent_arriving_late_are_both_right(world):
    person = world.starter(date(2018, 9, 1))
    completion = {"enrolment_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
                  "programme_id": uuid.uuid4(), "programme_title": "Questioning", "completed_on": date(2027, 2, 1)}
    _intent(world, completion, date(2027, 2, 3), need_id=uuid.uuid4())  # the edit that linked it, first
    _intent(world, completion, date(2027, 2, 2))  # the first version, unlinked, arriving late
    world.send("cpd.completed", {**completion, "category": "external_course", "appraisal_training": False},
               date(2027, 2, 1))
    assert world.figures(KEY, TODAY) == {world.academy_id: (1, 1), None: (1, 1)}


def test_erasure_takes_the_words_from_the_stored_intent_and_keeps_the_link(world):
    from sqlalchemy import select

    from targets.adapters.orm import events

    person = world.starter(date(2018, 9, 1))
    _intent(world, _completed(world, person, date(2026, 11, 2)), date(2026, 11, 3), need_id=uuid.uuid4())
    world.send("staff.erased", {**person, "first_name": "Erased", "last_name": "Erased",
                                "email": "erased@erased.invalid", "erased_on": date(2027, 1, 1)})
    with world.context.engine.connect() as conn:
        (stored,) = [row.envelope for row in conn.execute(select(events.c.envelope)
                                                           .where(events.c.event_type == "cpd.intent_recorded"))]
    assert stored["payload"]["intent"] == "" and stored["payload"]["development_need_id"]
    assert world.figures(KEY, TODAY) == {world.academy_id: (1, 1), None: (1, 1)}


def test_each_completion_counts_so_two_cohorts_of_one_programme_count_twice_as_the_definition_says(world):
    # the unit is the completed place, not the person (outsider, issue 24, F6): each place should serve a need
    person = world.starter(date(2018, 9, 1))
    _intent(world, _completed(world, person, date(2026, 10, 5)), date(2026, 10, 6), need_id=uuid.uuid4())
    _intent(world, _completed(world, person, date(2027, 3, 1)), date(2027, 3, 2))
    assert world.figures(KEY, TODAY) == {world.academy_id: (1, 2), None: (1, 2)}
    assert world.people(KEY, TODAY) == [(person["staff_id"], "not_linked", date(2027, 3, 1), "Adaptive teaching")]
    assert "share of completions" in TARGETS[KEY].definition and "counts twice" in TARGETS[KEY].definition
