"""GET /targets/satisfaction_with_investment: the figure from real cpd and wellbeing events, with the academies
compared as each caller may see them (trust HR every one; academy HR their own), and nobody else."""
from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta, timezone

from staffroom_shared.events import new_event

from .conftest import TODAY

KEY = "satisfaction_with_investment"
EARLIER, LATER = TODAY - timedelta(days=400), TODAY - timedelta(days=30)


def survey(trust, closes_on, groups: dict, earlier: uuid.UUID | None = None) -> uuid.UUID:
    """groups: {academy_id or None: (% satisfied, % useful development)}, twenty answering each, the same people."""
    run_id = uuid.uuid4()
    trust.world.deliver(new_event("wellbeing.results_published", {
        "run_id": run_id, "title": f"Survey {closes_on.year}", "opens_on": closes_on, "closes_on": closes_on,
        "academy_ids": [], "staff_types": [], "min_group_size": 5,
        "groups": [{"cut": "trust" if a is None else "academy", "academy_id": a, "responses": 20,
                    "figures": [{"figure": "trust.satisfied", "n": 20, "mean": 3.9, "favourable": satisfied},
                                {"figure": "development.useful", "n": 20, "mean": 3.5, "favourable": useful}],
                    "turnover": [{"run_id": earlier, "changed": 0}] if earlier else []}
                   for a, (satisfied, useful) in groups.items()]},
        producer="wellbeing", correlation_id="test"))
    return run_id


def place(trust, person: dict, cost: str, hours: float | None) -> None:
    trust.world.deliver(new_event("cpd.enrolled", {
        "enrolment_id": uuid.uuid4(), "staff_id": person["staff_id"], "academy_id": person["academy_id"],
        "programme_id": uuid.uuid4(), "programme_title": "Coaching", "cohort_id": uuid.uuid4(), "cost": cost,
        "starts_on": LATER, "from_waiting_list": False, "programme_kind": "external_course",
        "programme_hours": hours}, producer="cpd", correlation_id="test", academy_id=person["academy_id"],
        occurred_at=datetime.combine(LATER - timedelta(days=10), time(12), tzinfo=timezone.utc)))


def test_the_figure_shows_each_academy_compared_to_trust_hr_and_only_their_own_to_academy_hr(client, trust):
    ash = uuid.uuid4()
    trust.name(ash, "Ash Academy")
    staff = {a: [trust.starter(a, days_ago=900) for _ in range(2)] for a in (trust.oak, trust.elm, ash)}
    place(trust, staff[trust.oak][0], "500.00", 10)   # Oak £250 a head, 5 hours
    place(trust, staff[trust.elm][0], "100.00", None)  # Elm £50 a head
    earlier = survey(trust, EARLIER, {None: (60.0, 50.0), trust.oak: (60.0, 50.0), trust.elm: (60.0, 50.0),
                                      ash: (60.0, 50.0)})
    survey(trust, LATER, {None: (64.0, 56.0), trust.oak: (66.0, 60.0), trust.elm: (62.0, 55.0),
                          ash: (63.0, 50.0)}, earlier)
    trust.judge()

    body = client.get(f"/targets/{KEY}", headers=trust.trust_hr()).get_json()
    assert "pair of academies" in body["definition"] and body["threshold"] == 75.0
    by_scope = {f["academy_id"]: f for f in body["figures"]}
    # Oak > Elm (+6 vs +2; +10 vs +5), Oak > Ash (+6 vs +3; +10 vs 0), Elm > Ash (+2 vs +3): 2 of 3
    assert (by_scope[None]["numerator"], by_scope[None]["denominator"], by_scope[None]["status"]) == (2, 3, "on_track")
    investment = by_scope[None]["investment"]
    assert (investment["groups_compared"], investment["people"], investment["too_little_data"]) == (3, 60, False)
    assert [(p["academy_name"], p["spend_per_head"], p["hours_per_head"], p["satisfaction"]["points"],
             p["useful"]["points"]) for p in investment["points"]] == [
        ("Oak Academy", 250.0, 5.0, 6.0, 10.0), ("Elm Academy", 50.0, 0.0, 2.0, 5.0), ("Ash Academy", 0.0, 0.0, 3.0, 0.0)]
    assert investment["staff_types"] == [  # all six are teachers in the staff copy: £600 and 10 hours for six
        {"staff_type": "teaching", "staff": 6, "spend_per_head": 100.0, "hours_per_head": 1.7}]
    assert [s["title"] for s in investment["surveys"]] == [f"Survey {EARLIER.year}", f"Survey {LATER.year}"]
    assert [p["academy_name"] for p in by_scope[str(trust.elm)]["investment"]["points"]] == ["Elm Academy"]

    oak_hr = client.get(f"/targets/{KEY}", headers=trust.academy_hr(trust.oak)).get_json()
    mine = {f["academy_id"]: f for f in oak_hr["figures"]}
    assert set(mine) == {None, str(trust.oak)}
    assert [p["academy_name"] for p in mine[None]["investment"]["points"]] == ["Oak Academy"]
    assert mine[None]["investment"]["groups_compared"] == 3  # how many, never the others' figures

    assert client.get(f"/targets/{KEY}", headers=trust.staff()).status_code == 403
    assert client.get(f"/targets/{KEY}?academy_id={trust.elm}", headers=trust.academy_hr(trust.oak)).status_code == 403


def test_other_targets_carry_no_investment(client, trust):
    body = client.get("/targets/reviews_on_time", headers=trust.trust_hr()).get_json()
    assert all(f["investment"] is None for f in body["figures"])
