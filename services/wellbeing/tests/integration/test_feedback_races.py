"""Opening feedback requests and upward rounds about the same people at the same instant, on PostgreSQL: the
overlap check reads then writes, so without a lock two could both pass it (issue 24's limits). Opening is serialised
on the people's rows of the staff copy (`FeedbackRepository.lock_people`)."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from staffroom_shared.principal import Principal
from wellbeing.adapters.orm import feedback_requests
from wellbeing.service import feedback

from .test_handlers_and_daily_job import _race

TODAY = date.today()
CLOSES = TODAY + timedelta(days=14)


def _staff(world, manager_reports: int) -> tuple[dict, list[dict]]:
    manager = world.join(first_name="Mo", last_name="Head")
    return manager, [world.join(line_manager_id=manager["staff_id"]) for _ in range(manager_reports)]


@pytest.mark.integration
def test_requests_about_one_person_opened_at_the_same_instant_never_both_pass_the_overlap_check(pg_world):
    world = pg_world
    subject, _ = _staff(world, 0)
    peers = [world.join() for _ in range(3)]
    me = Principal(staff_id=subject["staff_id"], roles=frozenset({"staff"}), academy_id=world.academy_id,
                   subject=str(subject["staff_id"]))

    def ask():
        feedback.request_feedback(world.context.uow(actor=me.actor), me, {
            "closes_on": CLOSES, "raters": [{"staff_id": p["staff_id"], "category": "peers"} for p in peers]},
            world.links, today=TODAY)

    outcomes = _race([ask] * 6)
    assert sorted(outcomes) == ["Unprocessable"] * 5 + ["ok"], outcomes
    assert len(world.rows(feedback_requests)) == 1


@pytest.mark.integration
def test_upward_rounds_over_the_same_managers_opened_at_the_same_instant_ask_about_each_once(pg_world):
    world = pg_world
    first, _ = _staff(world, 5)
    second, _ = _staff(world, 6)
    hr = Principal(staff_id=uuid.uuid4(), roles=frozenset({"staff", "trust_hr"}), academy_id=None, subject="hr")

    def open_round(n: int):
        return lambda: feedback.open_round(world.context.uow(actor="hr"), hr, {
            "title": f"Upward {n}", "academy_id": None, "closes_on": CLOSES}, world.links, today=TODAY)

    outcomes = _race([open_round(n) for n in range(4)])
    assert sorted(outcomes) == ["Unprocessable"] * 3 + ["ok"], outcomes
    about = [r.subject_id for r in world.rows(feedback_requests)]
    assert sorted(about, key=str) == sorted([first["staff_id"], second["staff_id"]], key=str)
