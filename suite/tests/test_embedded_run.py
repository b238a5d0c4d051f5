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
    finally:
        process.terminate()
        process.wait(timeout=20)
