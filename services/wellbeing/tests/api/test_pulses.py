"""Pulse series over HTTP: HR set one up, the daily job makes its pulses as ordinary runs, the trend spans them;
bad input and steps out of order are refused and change nothing; HR see only the series they may."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from staffroom_shared.testing import ServiceDb
from wellbeing.domain.pulses import weekday
from wellbeing.service import daily_job, respond, runs

from .conftest import TABLES, TODAY

PROBLEM = "application/problem+json"
YEAR = TODAY.year + 2  # far enough ahead that no pulse is due when the series is set up
JANUARY, FEBRUARY = weekday(date(YEAR, 1, 4)), weekday(date(YEAR, 2, 4))
SERIES = {"title": "Staff pulse", "cadence": "monthly", "day_of_month": 4, "starts_on": f"{YEAR}-01-01"}
PULSE_ANSWERS = {"ons.life_satisfaction": 7, "ons.worthwhile": 8, "ons.happiness": 7, "ons.anxiety": 3,
                 "enps.recommend": 9}


@pytest.fixture
def watched(app):
    return ServiceDb(app, (*TABLES, "pulse_series", "pulses"))


def _daily(client, today: date) -> dict:
    context = client.application.extensions["staffroom"]
    return daily_job.run_daily(context.uow(), runs.Links.from_config(context.config),
                               respond.seal_key(context.config), today=today)


def _series(client, headers, **extra) -> dict:
    made = client.post("/pulses", json={**SERIES, **extra}, headers=headers)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_hr_set_up_a_monthly_pulse_and_see_each_pulse_and_the_trend_across_them(trust, client, watched):
    oak = trust.academy("Oak", teaching=6)
    series = _series(client, trust.hr())
    assert (series["instruments"], series["warnings"], series["next_on"], series["status"]) == (
        ["ons4", "enps"], [], str(JANUARY), "active")
    for opens in (JANUARY, FEBRUARY):
        for _ in range(2):  # twice the same day: one pulse, and no failure
            assert _daily(client, opens)["failed"] == 0
        [pulse, *_] = client.get(f"/pulses/{series['id']}", headers=trust.hr()).get_json()["pulses"]
        assert (pulse["opens_on"], pulse["status"], pulse["invited"]) == (str(opens), "open", 6)
        for token in trust.links(pulse["run_id"]).values():
            assert trust.answer(token, PULSE_ANSWERS).status_code == 204
        trust.close(pulse["run_id"])
    detail = client.get(f"/pulses/{series['id']}", headers=trust.hr()).get_json()
    assert [(p["title"], p["status"], p["response_rate"]) for p in detail["pulses"]] == [
        (f"Staff pulse, February {YEAR}", "closed", 100.0), (f"Staff pulse, January {YEAR}", "closed", 100.0)]
    assert watched.count("pulses") == 2
    trend = client.get(f"/pulses/{series['id']}/trend", headers=trust.hr()).get_json()["trend"]
    enps = next(s for s in trend if s["measure"] == "enps" and s["cut"] == "trust")
    # the same six people answered both: nobody came or went, so the two are compared (runs' rule)
    assert [(p["title"], p["n"], p["withheld"]) for p in enps["points"]] == [
        (f"Staff pulse, January {YEAR}", 6, None), (f"Staff pulse, February {YEAR}", 6, None)]
    # Oak's HR see it too (a trust-wide series covering Oak), with Oak's response rates
    assert client.get(f"/pulses/{series['id']}", headers=trust.hr("Oak")).status_code == 200
    assert str(oak) in str(client.get(f"/runs/{detail['pulses'][0]['run_id']}/progress",
                                      headers=trust.hr("Oak")).get_json())


def test_a_series_trend_shows_its_own_pulses_only(trust, client):
    """Outsider, issue 23: another series' pulse of the same scope was a point of this series' trend."""
    trust.academy("Oak", teaching=6)
    mine, other = _series(client, trust.hr()), _series(client, trust.hr(), title="Other pulse")
    for opens in (JANUARY, FEBRUARY):
        _daily(client, opens)
        for series in (mine, other):
            [pulse, *_] = client.get(f"/pulses/{series['id']}", headers=trust.hr()).get_json()["pulses"]
            for token in trust.links(pulse["run_id"]).values():
                assert trust.answer(token, PULSE_ANSWERS).status_code == 204
            trust.close(pulse["run_id"])
    for series, title in ((mine, "Staff pulse"), (other, "Other pulse")):
        trend = client.get(f"/pulses/{series['id']}/trend", headers=trust.hr()).get_json()["trend"]
        enps = next(s for s in trend if s["measure"] == "enps" and s["cut"] == "trust")
        assert [p["title"] for p in enps["points"]] == [f"{title}, January {YEAR}", f"{title}, February {YEAR}"]


def test_a_trust_questions_template_is_warned_of_when_long(trust, client):
    trust.academy("Oak", teaching=6)
    series = _series(client, trust.hr(), instruments=["hse_indicator", "enps"])
    assert "asks 36 questions" in series["warnings"][0]


def test_pause_resume_and_end_each_once_and_then_a_conflict(trust, client, watched):
    trust.academy("Oak", teaching=6)
    series = _series(client, trust.hr())
    for step, status in (("pause", "paused"), ("resume", "active"), ("end", "ended")):
        done = client.post(f"/pulses/{series['id']}/{step}", headers=trust.hr())
        assert (done.status_code, done.get_json()["status"]) == (200, status)
    before = watched.snapshot()
    for step in ("pause", "resume", "end"):
        refused = client.post(f"/pulses/{series['id']}/{step}", headers=trust.hr())
        assert refused.status_code == 409 and refused.mimetype == PROBLEM
    assert client.patch(f"/pulses/{series['id']}", json={"title": "Again"}, headers=trust.hr()).status_code == 409
    assert watched.snapshot() == before
    _daily(client, JANUARY)
    assert watched.count("pulses") == 0


@pytest.mark.parametrize("extra, pointer", [
    ({"cadence": "weekly"}, "cadence"),
    ({"day_of_month": 29}, "day_of_month"),
    ({"day_of_month": None}, "day_of_month"),
    ({"day_of_month": 1.5}, "day_of_month"),  # outsider, issue 23: stored as 1
    ({"day_of_month": "1"}, "day_of_month"),
    ({"open_days": 7.5}, "open_days"),
    ({"cadence": "termly", "term_opens": ["10-13", "02-02"]}, "term_opens"),
    ({"cadence": "termly", "term_opens": ["02-02", "10-13", "05-11"]}, "term_opens"),
    ({"cadence": "termly", "term_opens": ["10-13", "13-01", "05-11"]}, "term_opens"),
    ({"open_days": 1}, "open_days"),
    ({"starts_on": "soon"}, "starts_on"),
    ({"title": "x" * 161}, "title"),
    ({"title": "Staff\npulse"}, "title"),
    ({"title": "Staff\u0000pulse"}, "title"),
    ({"min_group_size": 4}, "min_group_size"),
    ({"instruments": ["nonsense"]}, "instruments"),
    ({"outcome": "hse.demands"}, "outcome"),
    ({"academy_ids": [str(uuid.UUID(int=0))]}, "academy_ids"),
    ({"opens_on": "2027-01-04"}, "opens_on"),  # a run's dates are the series' to set
    ({"surprise": 1}, "surprise"),
])
def test_a_bad_series_is_refused_field_by_field_and_nothing_changes(trust, client, watched, extra, pointer):
    trust.academy("Oak", teaching=6)
    before = watched.snapshot()
    refused = client.post("/pulses", json={**SERIES, **extra}, headers=trust.hr())
    assert refused.status_code == 422 and refused.mimetype == PROBLEM, refused.get_json()
    assert pointer in str(refused.get_json())
    assert watched.snapshot() == before


def test_a_bad_change_is_refused_and_nothing_changes(trust, client, watched):
    trust.academy("Oak", teaching=6)
    series = _series(client, trust.hr())
    before = watched.snapshot()
    for change in ({"day_of_month": 0}, {"day_of_month": 2.5}, {"cadence": "termly"}, {"owner_academy_id": None}, {"instruments": ["x"]},
                   {"title": ""}):
        refused = client.patch(f"/pulses/{series['id']}", json=change, headers=trust.hr())
        assert refused.status_code == 422 and refused.mimetype == PROBLEM, (change, refused.get_json())
    assert watched.snapshot() == before
    changed = client.patch(f"/pulses/{series['id']}", json={"cadence": "termly", "day_of_month": None,
                                                           "term_opens": ["10-13", "02-02", "05-11"]},
                           headers=trust.hr())
    assert (changed.status_code, changed.get_json()["next_on"]) == (200, str(weekday(date(YEAR, 2, 2))))


def test_hr_see_and_change_only_the_series_they_may(trust, client, watched):
    trust.academy("Oak", teaching=6)
    trust.academy("Elm", teaching=6)
    oaks = _series(client, trust.hr("Oak"), owner_academy_id=str(trust.academies["Oak"]))
    assert oaks["academy_ids"] == [str(trust.academies["Oak"])]
    trusts = _series(client, trust.hr(), academy_ids=[str(trust.academies["Elm"])])
    assert [s["id"] for s in client.get("/pulses", headers=trust.hr("Oak")).get_json()] == [oaks["id"]]
    assert {s["id"] for s in client.get("/pulses", headers=trust.hr()).get_json()} == {oaks["id"], trusts["id"]}
    before = watched.snapshot()
    assert client.get(f"/pulses/{oaks['id']}", headers=trust.hr("Elm")).status_code == 404
    assert client.post(f"/pulses/{oaks['id']}/pause", headers=trust.hr("Elm")).status_code == 404
    assert client.post(f"/pulses/{trusts['id']}/pause", headers=trust.hr("Elm")).status_code == 403  # sees, not owns
    assert client.post("/pulses", json=SERIES, headers=trust.hr("Oak")).status_code == 403  # trust-wide
    assert client.get("/pulses", headers=trust.me(trust.staff["Oak"][0])).status_code == 403
    assert client.get(f"/pulses/{uuid.uuid4()}", headers=trust.hr()).status_code == 404
    assert watched.snapshot() == before
    for hr in (trust.hr("Oak"), trust.hr()):  # an academy's series is its HR's, and trust HR's
        changed = client.patch(f"/pulses/{oaks['id']}", json={"open_days": 10}, headers=hr)
        assert (changed.status_code, changed.get_json()["academy_ids"]) == (200, [str(trust.academies["Oak"])])
