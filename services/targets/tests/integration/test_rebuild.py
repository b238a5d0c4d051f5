"""Rebuilding the read model from the events stored here gives the same facts, figures and people lists."""
from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import delete, select

from targets.adapters.orm import READ_MODEL, events, staff
from targets.domain.targets import TARGETS
from targets.entrypoints import rebuild as rebuild_entrypoint
from targets.service.rebuild import rebuild

from .induction_events import assigned, ended, held, overdue, started, timetable

TODAY = date(2027, 6, 15)
NOW = datetime.now(timezone.utc).date()


def a_year_of_events(world) -> None:
    """Something for every target, with some news arriving out of order."""
    world.academy(world.academy_id, "Oak Academy")
    world.academy(world.other, "Elm Academy")
    starters = [world.starter(date(2026, 1, 10)), world.starter(date(2026, 9, 1)),
                world.starter(date(2027, 2, 1), academy_id=world.other), world.starter(NOW - timedelta(days=20))]
    world.enrol(starters[0], "npq", date(2026, 12, 1), cost="1200.00", hours=30)
    world.enrol(starters[2], "staff_induction", date(2027, 2, 1))
    early = world.person(start_date=date(2027, 3, 1))
    world.enrol(early, "ect_induction", date(2027, 3, 1))
    world.deliver(world.staff_event("staff.joined", early))
    world.leave(starters[1], date(2027, 4, 30))

    reviewee, appraiser = world.starter(date(2021, 9, 1)), world.starter(date(2015, 9, 1))
    ref = world.appraisal(reviewee, appraiser)
    world.reviewed(ref, "mid_year", date(2027, 2, 10), date(2027, 2, 1), untrained=True,
                   judgement="requires_improvement")
    world.opened(ref, date(2027, 2, 1), date(2027, 7, 15))
    world.trained(appraiser, date(2027, 3, 1))
    left = world.appraisal(world.starter(date(2022, 9, 1)))
    world.opened(left, date(2027, 3, 1), date(2027, 7, 15))
    world.closed(left)

    promoted = world.starter(date(2018, 9, 1))
    world.plan(promoted, "promoted", date(2027, 1, 5))
    world.promote(promoted, date(2027, 2, 1), on=date(2027, 1, 5))
    world.promote(world.starter(date(2018, 9, 1)), date(2027, 3, 1), on=date(2027, 2, 1))

    signer = world.starter(date(2019, 9, 1))
    agreement = world.agreement(signer, "cpd.agreement_signed", date(2027, 2, 5))
    world.agreement(signer, "cpd.agreement_required", date(2027, 2, 1), agreement_id=agreement)
    world.agreement(world.starter(date(2019, 9, 1)), "cpd.agreement_required", date(2027, 3, 1))

    leader = world.starter(date(2016, 9, 1))
    world.shadowing(leader, date(2027, 2, 1))
    world.nominate(leader, date(2027, 1, 10))
    world.nominate(world.starter(date(2016, 9, 1), academy_id=world.other), date(2027, 1, 10))

    world.results(date(2027, 3, 1), [(None, {"enps": 12, "ons.life_satisfaction": 7.2}),
                                     (world.other, {"enps": 20, "ons.life_satisfaction": 7.6})])
    world.results(date(2027, 4, 1), [(None, {"enps": -3, "ons.life_satisfaction": 7.9})])
    third = world.starter(date(2016, 9, 1), academy_id=uuid.UUID(int=3))["academy_id"]
    world.satisfaction(date(2026, 5, 1), [(None, 60.0), (world.academy_id, 61.0), (world.other, 50.0), (third, 55.0)])
    world.satisfaction(date(2027, 5, 1), [(None, 62.0), (world.academy_id, 59.5), (world.other, 52.0), (third, 58.0)])

    # early career teachers: people named late and before the registration arrived, a review held after its
    # overdue notice, a term recorded twice (the older record arriving last), a pass and a leaver
    ect = world.starter(date(2026, 9, 1))
    induction = started(ect, date(2026, 9, 1))
    world.send("cpd.induction_people_assigned", assigned(induction, date(2026, 9, 20)), date(2026, 9, 20))
    world.send("cpd.induction_started", induction, date(2026, 8, 1))
    world.send("cpd.induction_item_due", overdue(induction, "progress_review", date(2026, 12, 11)), date(2026, 12, 12))
    world.send("cpd.induction_review_held", held(induction, "progress_review", date(2026, 12, 11), date(2027, 1, 6)),
               date(2027, 1, 6))
    world.send("cpd.induction_timetable_recorded", timetable(induction, 1, "89.00"), date(2026, 10, 2))
    world.send("cpd.induction_timetable_recorded", timetable(induction, 1, "92.00"), date(2026, 10, 1))
    graduate = world.starter(date(2024, 9, 1), academy_id=world.other)
    passed = started(graduate, date(2024, 9, 2))
    world.send("cpd.induction_started", passed, date(2024, 8, 1))
    world.send("cpd.induction_ended", ended(passed, "passed", date(2026, 5, 20)), date(2026, 5, 20))
    world.leave(graduate, date(2027, 3, 31))


def everything(world) -> dict:
    """Every figure and list as of two days, and every fact (survey rows without their generated key)."""
    out = {}
    for day in (TODAY, NOW):
        for key, target in TARGETS.items():
            out[(key, day, "figures")] = world.figures(key, day)
            if target.lists_people:
                out[(key, day, "people")] = world.people(key, day)
    with world.context.engine.connect() as conn:
        for table in READ_MODEL:
            columns = [c for c in table.c if c.name != "id"]
            out[table.name] = sorted((tuple(str(v) for v in row) for row in conn.execute(select(*columns))))
    return out


def test_rebuilding_from_the_stored_events_gives_identical_figures(world):
    a_year_of_events(world)
    world.judge()  # as the consumer would have by now
    before, outbox, stored = everything(world), world.outbox(), world.count("events")
    assert before[("reviews_on_time", TODAY, "figures")] == {world.academy_id: (0, 1), None: (0, 1)}
    assert len(before["staff"]) == 17
    assert [before[(key, TODAY, "figures")][None] for key in ("ect_tutor_and_mentor", "ect_reviews_on_time",
                                                             "ect_timetable_reduction", "ects_retained")] == [
        (0, 1), (0, 1), (1, 1), (0, 1)]
    # Oak spent per head, the other two nothing (a tie, not judged); Oak's satisfaction fell, theirs rose
    assert before[("satisfaction_with_investment", TODAY, "figures")] == {
        None: (0, 2), world.academy_id: (0, 2), world.other: (0, 1), uuid.UUID(int=3): (0, 1)}

    result = rebuild(world.context.uow())
    assert result == {"replayed": stored, "targets.met": 0, "targets.at_risk": 0}
    assert everything(world) == before
    assert world.outbox() == outbox  # nothing changed, so nothing announced again
    assert world.count("events") == stored


def test_a_lost_read_model_is_rebuilt_by_the_entrypoint(world, monkeypatch, capsys):
    a_year_of_events(world)
    before = everything(world)
    with world.context.engine.begin() as conn:
        conn.execute(delete(staff))
    assert everything(world) != before

    monkeypatch.setenv("TARGETS_DATABASE_URL", world.context.engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    assert rebuild_entrypoint.main([]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["replayed"] == world.count("events") == len(world.rows(events))
    assert everything(world) == before
