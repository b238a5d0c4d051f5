"""The one-command embedded run: starts, serves the demo trust, and keeps its data across a kill -9."""
from __future__ import annotations

from datetime import date, timedelta
import json
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from staffroom.testing import free_port as _free_port, start as _start, wait_ready as _wait_ready


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _wait_for_ok(url: str, token: str, timeout: float = 60) -> dict:
    """Events reach a service's copy a moment after the directory has them: poll until the read works."""
    deadline = time.monotonic() + timeout
    while True:
        status, body = _get(url, token)
        if status == 200:
            return body
        if time.monotonic() > deadline:
            pytest.fail(f"{url}: still {status} {body}")
        time.sleep(0.3)


def _people(data_dir: Path) -> dict[str, dict]:
    deadline = time.monotonic() + 30
    path = data_dir / "demo-tokens.txt"
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    rows = [line.split("\t") for line in path.read_text().splitlines()]
    return {role: {"staff_id": staff_id, "token": token} for role, _name, staff_id, token in rows}


def _tokens(data_dir: Path) -> dict[str, str]:
    return {role: person["token"] for role, person in _people(data_dir).items()}


def _wait_for_tokens_rewritten(data_dir: Path, after: float, timeout: float = 60) -> None:
    """The tokens file is written once seeding (including appraisal's) is done."""
    deadline = time.monotonic() + timeout
    path = data_dir / "demo-tokens.txt"
    while time.monotonic() < deadline:
        if path.exists() and path.stat().st_mtime >= after:
            return
        time.sleep(0.2)
    pytest.fail("the restarted run never finished seeding")


@pytest.mark.slow
def test_one_command_run_serves_the_demo_trust_and_survives_kill_9(tmp_path):
    data_dir, port = tmp_path / "data", _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _start(data_dir, port)
    try:
        _wait_ready(base, process)
        tokens = _tokens(data_dir)
        status, page = _get(f"{base}/api/directory/staff?page_size=1", tokens["trust HR"])
        assert status == 200 and page["total"] >= 150
        status, academies = _get(f"{base}/api/directory/academies", tokens["member of staff"])
        assert status == 200 and len(academies) == 3
        status, me = _get(f"{base}/api/directory/staff/me", tokens["member of staff"])
        assert status == 200 and me["line_manager_id"]
        assert _get(f"{base}/api/directory/staff")[0] == 401

        # Appraisal built its staff copy from the directory's events and opened this year's cycles:
        # the line manager signs in to find their reviewees' appraisals, and nobody else's.
        manager = _people(data_dir)["line manager"]
        status, mine = _get(f"{base}/api/appraisal/appraisals?page_size=100", manager["token"])
        assert status == 200, mine
        reviewees = [a for a in mine["items"] if a["appraiser_id"] == manager["staff_id"]]
        assert reviewees and {a["status"] for a in reviewees} <= {"not_started", "objectives_agreed", "mid_year_reviewed"}
        # the demo is part-way through the year, but the member of staff's own is at its start, to try
        assert [a["status"] for a in reviewees if a["reviewee_id"] == _people(data_dir)["member of staff"]["staff_id"]
                ] == ["not_started"]
        assert all(manager["staff_id"] in (a["appraiser_id"], a["reviewee_id"]) for a in mine["items"])  # own too
        status, own = _get(f"{base}/api/appraisal/appraisals", tokens["member of staff"])
        assert status == 200 and [a["reviewee_id"] for a in own["items"]] == [me["id"]]
        status, cycles = _get(f"{base}/api/appraisal/cycles", tokens["trust HR"])
        assert status == 200 and sorted((c["template"], c["status"]) for c in cycles) == [
            ("support", "open"), ("teachers", "open")]

        # CPD made the member of staff's development plan from their staff.joined; their line manager sees it too,
        # a colleague does not. The demo catalogue's induction is suggested to those in their first year, and only
        # to them (it was offered to staff who joined in 2012, outsider, issue 20).
        plan = _wait_for_ok(f"{base}/api/cpd/plans/me", tokens["member of staff"])
        assert plan["staff_id"] == me["id"] and plan["created_because"] == "joined"
        status, staff = _get(f"{base}/api/directory/staff?page_size=500", tokens["trust HR"])
        started = {p["id"]: date.fromisoformat(p["start_date"]) for p in staff["items"]}
        status, plans = _get(f"{base}/api/cpd/plans", tokens["trust HR"])
        inducted = {p["staff_id"] for p in plans if "Oak Trust induction for new staff" in [
            i["title"] for i in p["items"] if i["source"] == "induction"]}
        new = {s for s, d in started.items() if d > date.today() - timedelta(days=365)}
        assert new and inducted == new, (len(new), len(inducted))
        assert me["line_manager_id"] == manager["staff_id"]
        status, seen = _get(f"{base}/api/cpd/plans/{plan['id']}", manager["token"])
        assert status == 200 and seen["id"] == plan["id"]
        assert _get(f"{base}/api/cpd/plans/{plan['id']}", tokens["academy HR"])[0] == 200  # their academy
        status, programmes = _get(f"{base}/api/cpd/programmes", tokens["member of staff"])
        assert status == 200, programmes
        # Three heads of department completed the appraisal training this autumn and said what they will change,
        # so HR's impact report is not empty in the demo (the impact seen once the check is due).
        training = next(p["id"] for p in programmes["items"] if p["title"] == "Running appraisals well")
        status, impact = _get(f"{base}/api/cpd/reports/impact/{training}", tokens["trust HR"])
        assert status == 200 and (impact["participants"], impact["satisfaction_ratings"]) == (3, 3), impact
        assert impact["impact_ratings"] == (1 if date.today() >= date.fromisoformat(impact["rows"][0]["check_due_on"])
                                            else 0)

        # Issue 24's appraisal features, as trust HR and the line manager see them.
        issue_24 = _issue_24(base, tokens, _people(data_dir))

        # Wellbeing: the last two summers' surveys closed with results beside national benchmarks (so the results
        # show how each figure moved), this term's pulse open, and the member of staff invited to it (they answer
        # with the link from their invitation).
        status, surveys = _get(f"{base}/api/wellbeing/runs", tokens["trust HR"])
        assert status == 200 and sorted(r["status"] for r in surveys) == ["closed", "closed", "open"]
        closed = max((r for r in surveys if r["status"] == "closed"), key=lambda r: r["closes_on"])
        assert closed["closed_at"][:10] == closed["closes_on"]  # last summer's survey closed last summer, not today
        status, report = _get(f"{base}/api/wellbeing/runs/{closed['id']}/report?cut=trust", tokens["trust HR"])
        [trust] = report["groups"]
        assert status == 200 and trust["responses"] > 5 and not trust["suppressed"]
        life = next(m for m in trust["measures"] if m["key"] == "ons.life_satisfaction")
        assert life["benchmarks"][0]["comparison"] in ("above", "below", "level with")
        assert [len(s["points"]) for s in report["trend"] if s["measure"] == "ons.life_satisfaction"] == [2]
        status, invited = _get(f"{base}/api/wellbeing/me/surveys", tokens["member of staff"])
        assert status == 200 and [s["answered"] for s in invited] == [False]
        # A new link leads to this run, on this port (not the default 8000, where nothing may be listening).
        request = urllib.request.Request(f"{base}/api/wellbeing/runs/{invited[0]['run_id']}/link", method="POST",
                                         headers={"Authorization": f"Bearer {tokens['member of staff']}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert json.loads(response.read())["link"].startswith(f"{base}/surveys/respond#token=")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    restarted_at = time.time()
    process = _start(data_dir, port)  # same data folder: no reseed, same people
    try:
        _wait_ready(base, process)
        status, again = _get(f"{base}/api/directory/staff/me", tokens["member of staff"])
        assert status == 200 and again["id"] == me["id"]
        assert _get(f"{base}/api/directory/staff?page_size=1", tokens["trust HR"])[1]["total"] == page["total"]
        _wait_for_tokens_rewritten(data_dir, after=restarted_at)
        cycles_again = _get(f"{base}/api/appraisal/cycles", tokens["trust HR"])[1]
        assert sorted(c["id"] for c in cycles_again) == sorted(c["id"] for c in cycles)  # found, not made again
        again = _get(f"{base}/api/appraisal/appraisals?page_size=100", manager["token"])[1]
        assert again["total"] == mine["total"]
        assert sorted(r["id"] for r in _get(f"{base}/api/wellbeing/runs", tokens["trust HR"])[1]) == sorted(
            r["id"] for r in surveys)  # not seeded twice
        assert _get(f"{base}/api/cpd/reports/impact/{training}", tokens["trust HR"])[1]["completions"] == 3
        assert _issue_24(base, tokens, _people(data_dir)) == issue_24  # found, not seeded twice
    finally:
        process.terminate()
        process.wait(timeout=20)


def _issue_24(base: str, tokens: dict, people: dict) -> dict:
    """Check what the demo seeded of issue 24 is there to see, and return its ids and counts (the same after a
    restart: nothing seeded twice)."""
    api = f"{base}/api/appraisal"
    hr, manager, member = tokens["trust HR"], people["line manager"], people["member of staff"]
    # Observation templates: a graded lesson observation (four grades) and an ungraded learning walk, trust-wide.
    status, templates = _get(f"{api}/observation-templates", member["token"])
    assert status == 200 and sorted((t["kind"], t["academy_id"]) for t in templates) == [
        ("learning_walk", None), ("lesson_observation", None)], templates
    lesson = next(t for t in templates if t["kind"] == "lesson_observation")
    assert all(len(c["grades"]) == 4 and c["standard"] for c in lesson["criteria"])
    assert not any(c["grades"] for t in templates if t["kind"] == "learning_walk" for c in t["criteria"])

    # The QA rounds: last half term's and this one's (the latest started, which the targets dashboard shows).
    status, rounds = _get(f"{api}/qa-rounds", hr)
    assert status == 200 and len(rounds) == 2 and {r["template_id"] for r in rounds} == {lesson["id"]}
    latest = max(rounds, key=lambda r: r["starts_on"])
    assert date.fromisoformat(latest["starts_on"]) <= date.today()
    status, qa_map = _get(f"{api}/qa-rounds/{latest['id']}/map", hr)
    assert status == 200 and qa_map["previous_round"]["id"] != latest["id"], qa_map
    cells = [c for row in qa_map["rows"] if row["department"] for c in row["cells"]]
    assert {c["band"] for c in cells} == {"strength", "development", "intervention"}
    assert {"up", "down"} <= {c["movement"] for c in cells}
    assert len({row["academy_id"] for row in qa_map["rows"]}) == 3 and qa_map["trust"][0]["teachers"] > 50
    # The line manager's map is made from their reviewees; the member of staff's observation is theirs to record.
    status, theirs = _get(f"{api}/qa-rounds/{latest['id']}/map", manager["token"])
    assert status == 200 and theirs["made_from"]["whom"] == "reviewees" and theirs["made_from"]["teachers"] > 0
    assert theirs["trust"] is None
    status, own = _get(f"{api}/appraisals?reviewee_id={member['staff_id']}", manager["token"])
    [appraisal] = own["items"]
    status, appraisal = _get(f"{api}/appraisals/{appraisal['id']}", manager["token"])
    assert status == 200 and appraisal["observations"] == []

    # Priorities: two trust priorities, an academy priority under each, and the roll-up has figures.
    year = _school_year_of_cycles(base, hr)
    status, priorities = _get(f"{api}/priorities?school_year={year}", hr)
    assert status == 200 and sorted(p["level"] for p in priorities) == ["academy", "academy", "trust", "trust"]
    trust_ids = {p["id"] for p in priorities if p["level"] == "trust"}
    assert {p["parent_id"] for p in priorities if p["level"] == "academy"} == trust_ids
    status, roll_up = _get(f"{api}/priorities/roll-up?school_year={year}", hr)
    assert status == 200 and all(r["people"] > 0 for r in roll_up["priorities"]), roll_up
    status, managers_roll_up = _get(f"{api}/priorities/roll-up?school_year={year}", manager["token"])
    assert status == 200 and any(r["named"] for r in managers_roll_up["priorities"])  # their reviewees, by name

    # Recognition: shared with the line manager (the member of staff's, to try keeping), one kept as evidence in a
    # reviewee's appraisal in progress, and the member of staff has given one.
    status, team = _get(f"{api}/recognition/team", manager["token"])
    assert status == 200 and len(team) == 2, team
    shared = next(r for r in team if r["recipient_id"] == member["staff_id"])
    assert not shared["kept"] and shared["visibility"] == "line_manager"
    kept = next(r for r in team if r["kept"])
    status, evidence = _get(f"{api}/appraisals/{kept['evidence_for']}/recognition", manager["token"])
    assert status == 200 and [r["id"] for r in evidence] == [kept["id"]]
    status, given = _get(f"{api}/recognition/given", member["token"])
    assert status == 200 and len(given) == 1
    status, received = _get(f"{api}/recognition/received", member["token"])
    assert status == 200 and [r["id"] for r in received] == [shared["id"]]
    return {"templates": sorted(t["id"] for t in templates), "rounds": sorted(r["id"] for r in rounds),
            "observed": qa_map["made_from"]["teachers"], "priorities": sorted(p["id"] for p in priorities),
            "team": sorted(r["id"] for r in team)}


def _school_year_of_cycles(base: str, token: str) -> int:
    """The school year the demo's cycles start in, by appraisal's rule (from 1 August): its priorities' year."""
    starts = min(date.fromisoformat(c["starts_on"]) for c in _get(f"{base}/api/appraisal/cycles", token)[1])
    return starts.year if starts.month >= 8 else starts.year - 1
