"""The staff copy from staff.* events, and the daily job opening, reminding and closing runs once each."""
from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from wellbeing.adapters.orm import academies, ballots, invitations
from wellbeing.adapters.orm import runs as runs_table
from wellbeing.service import respond
from wellbeing.service.daily_job import run_daily

KEY = bytes(range(32))  # a test ballot-box key


def test_the_staff_copy_keeps_the_newest_snapshot(world):
    person = world.join()
    newer = {**person, "staff_type": "leadership"}
    update = world.staff_event("staff.updated", newer)
    stale = world.staff_event("staff.updated", {**person, "staff_type": "support"})
    world.deliver(update)
    world.deliver(replace(stale, occurred_at=update.occurred_at - timedelta(seconds=5)))
    assert world.staff_copy(person["staff_id"]).staff_type == "leadership"
    world.deliver(world.staff_event("staff.left", {**newer, "leaving_date": date(2027, 3, 31)}))
    assert world.staff_copy(person["staff_id"]).leaving_date == date(2027, 3, 31)
    assert world.count("staff") == 1


def test_academy_names_follow_academy_events(world):
    from staffroom_shared.events import new_event

    academy_id = uuid.uuid4()
    for name in ("Oak Academy", "Oak Primary Academy"):
        world.deliver(new_event("academy.updated" if world.count("academies") else "academy.registered",
                                {"academy_id": academy_id, "name": name, "urn": "150001", "phase": "primary"},
                                producer="directory", correlation_id="t", academy_id=academy_id))
    assert [r.name for r in world.rows(academies)] == ["Oak Primary Academy"]


def test_the_daily_job_opens_reminds_and_closes_each_run_once(world):
    people = [world.join() for _ in range(6)]
    leaver = world.join(leaving_date=date(2027, 1, 1))
    run = world.survey(date(2027, 1, 11), date(2027, 1, 22))
    assert run.status.value == "scheduled"
    uow = world.context.uow
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 10)) == {"opened": 0, "reminded": 0, "closed": 0, "failed": 0}
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 11)) == {"opened": 1, "reminded": 0, "closed": 0, "failed": 0}
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 11)) == {"opened": 0, "reminded": 0, "closed": 0, "failed": 0}
    links = world.tokens(run.id)
    assert set(links) == {p["staff_id"] for p in people}  # not the leaver
    assert leaver["staff_id"] not in links
    assert all(link for link in links.values())
    [opened] = world.outbox("wellbeing.survey_opened")
    assert opened["payload"]["invited"] == 6
    # once the relay has sent the invitations, the daily job drops them: the outbox keeps no live links
    outbox = world.context.metadata.tables["outbox"]
    with world.context.engine.begin() as conn:
        conn.execute(outbox.update().where(outbox.c.event_type == "wellbeing.invitation_issued",
                                           outbox.c.envelope["payload"]["staff_id"].as_string()
                                           != str(people[0]["staff_id"])).values(sent_at=datetime.now(timezone.utc)))
    run_daily(uow(), world.links, KEY, today=date(2027, 1, 11))
    assert [e["payload"]["staff_id"] for e in world.outbox("wellbeing.invitation_issued")] == [str(people[0]["staff_id"])]

    answered = people[0]["staff_id"]
    respond.submit(world.context.uow(), links[answered], {"enps.recommend": 9}, KEY, today=date(2027, 1, 12))
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 19)) == {"opened": 0, "reminded": 1, "closed": 0, "failed": 0}
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 20)) == {"opened": 0, "reminded": 0, "closed": 0, "failed": 0}
    [soon] = world.outbox("wellbeing.survey_closing_soon")
    assert set(soon["payload"]["not_responded"]) == {str(p["staff_id"]) for p in people[1:]}

    for person in people[1:]:
        respond.submit(world.context.uow(), links[person["staff_id"]], {"enps.recommend": 5}, KEY,
                       today=date(2027, 1, 22))
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 23)) == {"opened": 0, "reminded": 0, "closed": 1, "failed": 0}
    assert run_daily(uow(), world.links, KEY, today=date(2027, 1, 24)) == {"opened": 0, "reminded": 0, "closed": 0, "failed": 0}
    [closed] = world.outbox("wellbeing.survey_closed")
    assert closed["payload"]["responses"] == 6
    [published] = world.outbox("wellbeing.results_published")
    [trust] = [g for g in published["payload"]["groups"] if g["cut"] == "trust"]
    enps = next(f for f in trust["figures"] if f["figure"] == "enps")
    assert enps["n"] == 6 and enps["mean"] == round(100 * (1 - 5) / 6, 2)
    with pytest.raises(Exception):
        respond.submit(world.context.uow(), links[people[1]["staff_id"]], {"enps.recommend": 5}, KEY,
                       today=date(2027, 1, 23))


def test_a_run_of_fewer_people_than_the_minimum_group_closes_with_nothing_shown(world):
    """Issue 19's eleventh outsider: a run inviting one leader could not be closed (500), answered or not."""
    [person] = [world.join(staff_type="leadership")]
    answered = world.survey(date(2027, 1, 4), date(2027, 1, 22))
    respond.submit(world.context.uow(), world.tokens(answered.id)[person["staff_id"]], {"enps.recommend": 3}, KEY,
                   today=date(2027, 1, 5))
    world.survey(date(2027, 1, 4), date(2027, 1, 22))  # nobody answers this one
    counts = run_daily(world.context.uow(), world.links, KEY, today=date(2027, 1, 23))
    assert counts == {"opened": 0, "reminded": 0, "closed": 2, "failed": 0}
    assert [e["payload"]["responses"] for e in world.outbox("wellbeing.survey_closed")] == [0, 0]
    assert world.count("results") == 0 and world.count("ballots") == 0


def test_a_run_that_cannot_be_closed_holds_up_no_other(world, caplog):
    """Issue 19's eleventh outsider: the daily job opened, reminded and closed every run in one transaction, so one
    run whose close failed kept every other survey from opening or closing, day after day. Here a ballot that will
    not open (sealed under another key) fails its run's close; the other run closes, and the next opens."""
    people = [world.join() for _ in range(6)]
    stuck, fine = (world.survey(date(2027, 1, 4), date(2027, 1, 22), title=t) for t in ("Stuck", "Fine"))
    later = world.survey(date(2027, 1, 23), date(2027, 2, 5), title="Later")
    for run in (stuck, fine):
        tokens = world.tokens(run.id)
        for person in people:
            respond.submit(world.context.uow(), tokens[person["staff_id"]], {"enps.recommend": 8}, KEY,
                           today=date(2027, 1, 5))
    with world.context.engine.begin() as conn:
        conn.execute(ballots.insert().values(id=uuid.uuid4(), run_id=stuck.id, sealed=b"\x00" * 64))
    counts = run_daily(world.context.uow(), world.links, KEY, today=date(2027, 1, 23))
    assert counts == {"opened": 1, "reminded": 0, "closed": 1, "failed": 1}
    status = {r.title: r.status for r in world.rows(runs_table)}
    assert status == {"Stuck": "open", "Fine": "closed", "Later": "open"}
    assert f"survey run {stuck.id} could not be opened, reminded or closed" in caplog.text
    assert world.count("ballots") == 7  # the stuck run's ballots wait, untouched, for a close that can open them
    assert later.id


@pytest.mark.integration
def test_concurrent_submissions_on_postgres_lose_nothing_and_double_nothing(pg_world):
    world = pg_world
    people, run, links = world.open_survey(30)

    def submit(token):
        return lambda: respond.submit(world.context.uow(), token, {"enps.recommend": 7}, KEY, today=date(2027, 1, 5))

    tokens_ = [links[p["staff_id"]] for p in people] + [links[p["staff_id"]] for p in people[:15]]
    results = _race([submit(t) for t in tokens_])
    assert sorted(results).count("ok") == 30 and sorted(results).count("Conflict") == 15
    # every ballot waits, sealed, in the box until the close
    assert (world.count("ballots"), world.count("results")) == (30, 0)
    submitted = world.rows(invitations, invitations.c.status == "submitted")
    assert len(submitted) == 30


def test_ballots_wait_sealed_in_the_box_and_are_counted_then_destroyed_at_the_close(world):
    people, run, links = world.open_survey(7)
    for n, person in enumerate(people[:6], start=1):
        respond.submit(world.context.uow(), links[person["staff_id"]],
                       {"enps.recommend": 9 - n, "trust.valued": 1 + n % 5, "trust.improve": f"Private remark {n}" * n},
                       KEY,
                       today=date(2027, 1, 5))
        assert (world.count("ballots"), world.count("results"), world.count("comments")) == (n, 0, 0)
    boxes = [row.sealed for row in world.rows(world.context.metadata.tables["ballots"])]
    assert not any(b"Private remark" in box or b"enps" in box for box in boxes)
    # each ballot is padded to the run's one size, so its length says nothing about what it holds
    assert len({len(box) for box in boxes}) == 1
    assert run_daily(world.context.uow(), world.links, KEY, today=date(2027, 1, 23))["closed"] == 1
    # the answers are gone; what remains is the figures, the drivers and the comments
    assert (world.count("ballots"), world.count("comments")) == (0, 6)
    trust = world.rows(world.context.metadata.tables["results"])
    assert {(r.figure, r.n) for r in trust if r.cut == "trust" and r.kind == "responses"} == {("responses", 6)}
    drivers = world.rows(world.context.metadata.tables["drivers"])
    assert {(d.academy_id, d.measure, d.n) for d in drivers} == {("", "trust.valued", 6),
                                                                  (str(world.academy_id), "trust.valued", 6)}
    [closed] = world.outbox("wellbeing.survey_closed")
    assert closed["payload"]["responses"] == 6


def test_another_key_cannot_open_the_box_so_the_close_fails_and_keeps_it(world):
    people, run, links = world.open_survey(5)
    for person in people:
        respond.submit(world.context.uow(), links[person["staff_id"]], {"enps.recommend": 9}, KEY,
                       today=date(2027, 1, 5))
    assert run_daily(world.context.uow(), world.links, bytes(32), today=date(2027, 1, 23))["failed"] == 1
    assert (world.count("ballots"), world.count("results")) == (5, 0)
    assert run_daily(world.context.uow(), world.links, KEY, today=date(2027, 1, 23))["closed"] == 1
    assert world.count("ballots") == 0 and world.count("results") > 0


def test_fewer_answers_than_the_minimum_group_are_destroyed_unread_at_the_close(world):
    people, run, links = world.open_survey(6)
    for person in people[:4]:
        respond.submit(world.context.uow(), links[person["staff_id"]],
                       {"enps.recommend": 2, "trust.improve": "Only four of us"}, KEY, today=date(2027, 1, 5))
    assert run_daily(world.context.uow(), world.links, KEY, today=date(2027, 1, 23))["closed"] == 1
    assert [world.count(t) for t in ("ballots", "results", "drivers", "comments")] == [0, 0, 0, 0]
    [closed] = world.outbox("wellbeing.survey_closed")
    [published] = world.outbox("wellbeing.results_published")
    assert closed["payload"]["responses"] == 0 and published["payload"]["groups"] == []
    stored = world.rows(world.context.metadata.tables["runs"])[0]
    assert (stored.answered, stored.set_aside) == (4, 0)


def test_production_refuses_to_start_without_a_seal_key():
    from staffroom_shared.config import ConfigError, ServiceConfig

    config = ServiceConfig(service="wellbeing", database_url="postgresql://x/y", bus_url="amqp://x", env="production")
    with pytest.raises(ConfigError, match="SEAL_KEY"):
        respond.seal_key(config)
    with pytest.raises(ConfigError, match="32 bytes"):
        respond.seal_key(config.with_(seal_key="c2hvcnQ="))
    assert respond.seal_key(config.with_(seal_key="A" * 43 + "=")) == bytes(32)


def _race(actions) -> list[str]:
    """Run the callables at once (a barrier), each in its own thread: each one's outcome ("ok" or the error)."""
    outcomes, lock, start = [], threading.Lock(), threading.Barrier(len(actions))

    def run(action):
        start.wait()
        try:
            action()
            outcome = "ok"
        except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
            outcome = type(exc).__name__
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(a,)) for a in actions]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


@pytest.mark.integration
def test_submissions_racing_the_close_are_counted_or_refused_never_left_in_the_box(pg_world):
    from wellbeing.service.results import close_run
    from wellbeing.domain.model import SurveyRun

    world = pg_world
    people, run, links = world.open_survey(40)
    for person in people[:10]:
        respond.submit(world.context.uow(), links[person["staff_id"]], {"enps.recommend": 7}, KEY,
                       today=date(2027, 1, 5))

    def close():
        with world.context.uow() as uow:
            found = uow.session.scalars(select(SurveyRun).where(SurveyRun.id == run.id).with_for_update()).one()
            close_run(uow, found, KEY)
            uow.commit()

    def submit(person):
        return lambda: respond.submit(world.context.uow(), links[person["staff_id"]], {"enps.recommend": 3}, KEY,
                                      today=date(2027, 1, 5))

    def save(person):
        return lambda: respond.save(world.context.uow(), links[person["staff_id"]], {"enps.recommend": 2}, KEY,
                                    "b" * 22, today=date(2027, 1, 5))

    outcomes = _race([close, *(submit(p) for p in people[10:30]), *(save(p) for p in people[30:])])
    assert set(outcomes) <= {"ok", "Conflict"}, outcomes  # the close never fails: no deadlock with the savers
    assert world.count("ballots") == 0 and world.count("drafts") == 0  # nothing left in a closed run
    [stored] = world.rows(world.context.metadata.tables["runs"])
    submitted = world.rows(invitations, invitations.c.status == "submitted")
    assert stored.status == "closed" and stored.answered == len(submitted)  # everyone marked answered is counted


@pytest.mark.integration
def test_a_save_waiting_on_a_link_being_replaced_gets_a_404_not_a_500(pg_world):
    """Found by issue 19's third outsider: "I lost my link" committing while a save with the old link waited for
    the invitation's lock left the save with no invitation (500)."""
    from sqlalchemy import update

    from staffroom_shared.errors import NotFound
    from wellbeing.service.respond import token_hash

    world = pg_world
    people, run, links = world.open_survey(5)
    token = links[people[0]["staff_id"]]
    outcome = []
    with world.context.engine.connect() as replacing:
        replacing.execute(update(invitations).where(invitations.c.token_hash == token_hash(token))
                          .values(token_hash=token_hash("a new link")))  # holds the row until committed

        def save():
            try:
                respond.save(world.context.uow(), token, {"enps.recommend": 2}, KEY, "b" * 22, today=date(2027, 1, 5))
                outcome.append("ok")
            except Exception as exc:  # noqa: BLE001 - the outcome is what is checked
                outcome.append(exc)

        saver = threading.Thread(target=save)
        saver.start()
        saver.join(1.0)
        assert saver.is_alive(), outcome  # waiting for the invitation's lock
        replacing.commit()
    saver.join(30)
    assert len(outcome) == 1 and isinstance(outcome[0], NotFound), outcome
    assert world.count("drafts") == 0


def test_the_close_counts_who_changed_between_runs_as_counting_them_one_by_one_does(world):
    """Who answered one run and not the other, per academy (a mover counts in both) and for the trust, against
    every earlier closed run: worked out in the database, checked here against the sets themselves."""
    import random

    from wellbeing.adapters.orm import runs as run_rows
    from wellbeing.domain.model import InvitationStatus, RunStatus, SurveyRun
    from wellbeing.adapters.results import turnover as _turnover

    chance = random.Random(19)
    academy_ids = [uuid.uuid4() for _ in range(3)]
    people = [uuid.uuid4() for _ in range(40)]
    answered = []
    with world.context.engine.begin() as conn:
        for n in range(4):
            run_id = uuid.uuid4()
            conn.execute(run_rows.insert().values(
                id=run_id, title=f"Run {n}", instruments=["enps"], questions=[], academy_ids=[], staff_types=[],
                opens_on=date(2026, n + 1, 1), closes_on=date(2026, n + 1, 20), min_group_size=5, outcome="enps",
                owner_academy_id=None, created_by="test", status=RunStatus.CLOSED if n < 3 else RunStatus.OPEN,
                invited=len(people), answered=0, set_aside=0))
            rows = [{"run_id": run_id, "staff_id": p, "token_hash": uuid.uuid4().hex, "staff_type": "teaching",
                     "academy_id": chance.choice(academy_ids), "service_band": "2_to_5_years",
                     "status": InvitationStatus.SUBMITTED if chance.random() < 0.7 else InvitationStatus.INVITED}
                    for p in people]
            conn.execute(invitations.insert(), rows)
            answered.append((run_id, {r["staff_id"]: str(r["academy_id"]) for r in rows
                                      if r["status"] is InvitationStatus.SUBMITTED}))
    (last, mine), earlier = answered[-1], answered[:-1]
    expected = []
    for other, theirs in earlier:
        expected.append((other, "", len(set(mine) ^ set(theirs))))
        for academy in set(mine.values()) | set(theirs.values()):
            expected.append((other, academy, len({s for s, a in mine.items() if a == academy}
                                                 ^ {s for s, a in theirs.items() if a == academy})))
    with world.context.read_sessions() as session:
        found = _turnover(session, session.get(SurveyRun, last))
    assert sorted((r["earlier_run_id"], r["academy_id"], r["changed"]) for r in found) == sorted(expected)
    assert {r["run_id"] for r in found} == {last}
