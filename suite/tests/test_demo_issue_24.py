"""The demo's issue 24 data seeds on other days than today (in August, and in the first days of September), and is
what trust HR and the line manager see through appraisal's API."""
from __future__ import annotations

from datetime import date

import pytest

from staffroom.testing import running_suite


class DemoDay(date):
    """The directory's demo staff are dated from date.today(); they are dated from the demo's day instead."""

    day = date.today()

    @classmethod
    def today(cls):
        return cls.day


@pytest.mark.slow
@pytest.mark.parametrize("today", [date(2026, 8, 20), date(2026, 9, 3)], ids=str)
def test_demo_seeds_the_qa_map_priorities_and_recognition_whatever_the_day(tmp_path, monkeypatch, today):
    from directory import demo as directory_demo

    from staffroom import demo

    monkeypatch.setattr(DemoDay, "day", today)
    monkeypatch.setattr(directory_demo, "date", DemoDay)
    with running_suite(tmp_path / "data", {"LOG_LEVEL": "WARNING"}) as (suite, clients, headers):
        suite.seed()
        directory, appraisal = suite.contexts["directory"], suite.contexts["appraisal"]
        demo.seed_appraisal(directory, appraisal, today=today)
        qa = demo.seed_qa(directory, appraisal, today=today)
        given = demo.seed_recognition(directory, appraisal, today=today)
        assert given == {"given": 5, "kept": 1}
        people = {p["as"]: p for p in demo.demo_people(directory)}

        api = clients["appraisal"]
        hr = headers(people["trust HR"]["staff_id"], roles=("trust_hr",), academy_id=people["trust HR"]["academy_id"])
        rounds = api.get("/qa-rounds", headers=hr).get_json()
        assert isinstance(rounds, list), rounds
        latest = max(rounds, key=lambda r: r["starts_on"])
        if today.month == 8:
            assert latest["name"].startswith("Summer 2 2025/26") and latest["ends_on"] == "2026-07-31"
        else:
            assert latest["name"].startswith("Autumn 1 2026/27") and latest["starts_on"] == "2026-09-01"
        assert qa["observations"] > 100
        qa_map = api.get(f"/qa-rounds/{latest['id']}/map", headers=hr).get_json()
        cells = [c for row in qa_map["rows"] if row["department"] for c in row["cells"]]
        assert {c["band"] for c in cells} == {"strength", "development", "intervention"}
        assert {"up", "down"} <= {c["movement"] for c in cells}
        manager = people["line manager"]
        as_manager = headers(manager["staff_id"], academy_id=manager["academy_id"])
        theirs = api.get(f"/qa-rounds/{latest['id']}/map", headers=as_manager).get_json()
        assert theirs["made_from"]["whom"] == "reviewees" and theirs["made_from"]["teachers"] > 0

        year = demo.priorities_year(today)
        roll_up = api.get(f"/priorities/roll-up?school_year={year}", headers=hr).get_json()["priorities"]
        assert len(roll_up) == 4 and all(r["people"] > 0 for r in roll_up), roll_up
        team = api.get("/recognition/team", headers=as_manager).get_json()
        assert sorted(r["kept"] for r in team) == [False, True]

        # Run again, as a restart would: nothing is made twice.
        assert demo.seed_priorities(directory, appraisal, today=today) == {"seeded": 0}
        assert demo.seed_qa(directory, appraisal, today=today) == {"rounds": [], "observations": 0}
        assert demo.seed_recognition(directory, appraisal, today=today) == {"given": 0, "kept": 0}
        assert len(api.get("/qa-rounds", headers=hr).get_json()) == 2
        assert len(api.get("/observation-templates", headers=hr).get_json()) == 2
