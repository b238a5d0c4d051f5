"""The QA map over HTTP (issue 24): HR calendar rounds and series, observations recorded in a round, each viewer's map
made only from the teachers they may see (and saying so), movement since the round before, actions from a cell, and
coaching links and requests."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from staffroom_shared.testing import ServiceDb

from .conftest import TABLES

TODAY = date.today()
QA_TABLES = (*TABLES, "qa_rounds", "qa_actions", "coaching_links", "coaching_requests")
GRADES = [{"label": "Secure", "band": "strength"}, {"label": "Developing", "band": "development"},
          {"label": "Not yet", "band": "intervention"}]
TEMPLATE = {"name": "Six-weekly drop-in", "kind": "drop_in", "criteria": [
    {"key": "adaptive", "label": "Adaptive teaching", "standard": "TS5", "grades": GRADES},
    {"key": "notes", "label": "Notes", "grades": []}]}
GRADE = {"S": "Secure", "D": "Developing", "I": "Not yet"}


@pytest.fixture
def qa_db(app):
    return ServiceDb(app, QA_TABLES)


@pytest.fixture
def unchanged(qa_db):
    state = {}

    def mark():
        state["before"] = qa_db.snapshot()

    yield mark
    assert "before" in state, "call unchanged() once the scene is set"
    assert qa_db.snapshot() == state["before"]


class Scene:
    """A trust-wide drop-in template; this year's teachers' and leaders' cycles open; a round last month and one now
    covering Oak and Elm."""

    def __init__(self, client, trust, steps):
        self.client, self.trust, self.steps = client, trust, steps
        self.template = steps.ok(client.post("/observation-templates", json=TEMPLATE,
                                             headers=trust.trust_hr.headers), 201)
        self.appraisals = {}
        for group in ("teachers", "leaders"):
            cycle = steps.cycle(group, academy=None)
            steps.open(cycle)
            for key in ("hod", "teacher", "other_teacher", "elm_teacher") if group == "teachers" else ("head", "elm_head"):
                self.appraisals[key] = steps.appraisal_of(cycle, getattr(trust, key))
        self.before = self.round("Autumn 1", TODAY - timedelta(days=50), TODAY - timedelta(days=31))
        self.now = self.round("Autumn 2", TODAY - timedelta(days=30), TODAY + timedelta(days=10))

    def round(self, name, starts_on, ends_on, academies=("oak", "elm"), who=None, status=201):
        response = self.client.post("/qa-rounds", json={
            "name": name, "template_id": self.template["id"], "academy_ids": [getattr(self.trust, a) for a in academies],
            "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
            headers=(who or self.trust.trust_hr).headers)
        return self.steps.ok(response, status)

    def observe(self, key, grade, department, qa_round=None, on=None, status=201, **more):
        observer = {"head": "hod", "elm_head": "elm_teacher", "elm_teacher": "elm_head"}.get(key, "head")
        qa_round = qa_round or self.now
        body = {"template_id": self.template["id"], "observed_on": (on or TODAY - timedelta(days=2)).isoformat(),
                "focus": "Adaptive teaching", "grades": {"adaptive": GRADE[grade]} if grade else {},
                "department": department, "qa_round_id": qa_round["id"],
                "observer_id": getattr(self.trust, observer).id, **more}
        return self.client.post(f"/appraisals/{self.appraisals[key]['id']}/observations", json=body,
                                headers=self.trust.trust_hr.headers)

    def seen(self, observations, qa_round=None, on=None):
        for key, grade, department in observations:
            self.steps.ok(self.observe(key, grade, department, qa_round, on), 201)

    def map(self, who, qa_round=None):
        return self.steps.ok(self.client.get(f"/qa-rounds/{(qa_round or self.now)['id']}/map", headers=who.headers))


@pytest.fixture
def scene(client, trust, steps) -> Scene:
    return Scene(client, trust, steps)


# Oak: Maths hod (S), teacher (S), head (S); History other_teacher (I). Elm: History elm_teacher (D), Maths elm_head (S).
NOW = [("hod", "S", "Maths"), ("teacher", "S", "Maths"), ("head", "S", "Maths"), ("other_teacher", "I", "History"),
       ("elm_teacher", "D", "History"), ("elm_head", "S", "Maths")]


def cell(found: dict, department, academy_name="Oak Primary Academy", criterion=0) -> dict:
    if academy_name is None:
        return found["trust"][criterion]
    assert academy_name in {r["academy_name"] for r in found["rows"]}, f"{academy_name} is not on this map"
    return next(r for r in found["rows"] if r["academy_name"] == academy_name
                and r["department"] == department)["cells"][criterion]


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=-day.weekday() % 7)


def test_hr_calendar_a_six_weekly_series_that_skips_august(client, trust, scene, qa_db, steps):
    # The last week of June next year (rounds are calendared within two years of today): six weeks on is August.
    june = _monday_on_or_after(date(TODAY.year + 1, 6, 24))
    september = _monday_on_or_after(date(june.year, 9, 1))
    made = steps.ok(client.post("/qa-rounds/series", json={
        "name": "Drop-ins", "template_id": scene.template["id"], "academy_ids": [trust.oak], "count": 3,
        "starts_on": june.isoformat()}, headers=trust.oak_hr.headers), 201)
    assert [r["name"] for r in made] == ["Drop-ins (1 of 3)", "Drop-ins (2 of 3)", "Drop-ins (3 of 3)"]
    assert [(r["starts_on"], r["ends_on"]) for r in made][:2] == [
        (june.isoformat(), f"{june.year}-07-31"),
        (september.isoformat(), (september + timedelta(days=41)).isoformat())]
    assert len({r["series_id"] for r in made}) == 1 and made[0]["series_id"]
    assert len(qa_db.rows("audit_log", action="qa_round.created")) == 3 + 2  # and the scene's two
    calendar = steps.ok(client.get("/qa-rounds", headers=trust.teacher.headers))
    assert {r["name"] for r in calendar} >= {"Autumn 1", "Drop-ins (1 of 3)"}
    assert "Drop-ins (1 of 3)" not in {r["name"] for r in steps.ok(client.get("/qa-rounds",
                                                                               headers=trust.elm_teacher.headers))}


@pytest.mark.parametrize("who, change, status", [
    ("oak_hr", {"academy_ids": "both"}, 403),  # academy HR calendar their own academy's rounds only
    ("hod", {}, 403),
    ("trust_hr", {"name": "Drop\x00ins"}, 422),
    ("trust_hr", {"count": 13}, 422),
    ("trust_hr", {"interval_weeks": 0}, 422),
    ("trust_hr", {"academy_ids": []}, 422),
    ("trust_hr", {"template_id": "elm's own"}, 422),  # an academy's own template cannot cover another academy
])
def test_a_series_that_breaks_a_rule_is_refused_and_nothing_is_made(client, trust, scene, problem, unchanged, who,
                                                                      change, status, steps):
    elm_template = steps.ok(client.post("/observation-templates", json={**TEMPLATE, "academy_id": trust.elm},
                                        headers=trust.elm_hr.headers), 201)
    body = {"name": "Drop-ins", "template_id": scene.template["id"], "academy_ids": [trust.oak], "count": 3,
            "starts_on": TODAY.isoformat(), **change}
    if change.get("academy_ids") == "both":
        body["academy_ids"] = [trust.oak, trust.elm]
    if change.get("template_id") == "elm's own":
        body["template_id"], body["academy_ids"] = elm_template["id"], [trust.oak, trust.elm]
    unchanged()
    problem(client.post("/qa-rounds/series", json=body, headers=getattr(trust, who).headers), status)


def test_an_observation_in_a_round_uses_its_template_within_its_dates_in_a_covered_academy(client, trust, scene,
                                                                                           problem, unchanged, steps):
    oak_only = scene.round("Oak only", TODAY - timedelta(days=20), TODAY, academies=("oak",))
    other = steps.ok(client.post("/observation-templates", json={**TEMPLATE, "name": "Other"},
                                 headers=trust.trust_hr.headers), 201)
    unchanged()
    for response, says in (
            (scene.observe("teacher", "S", "Maths", on=TODAY - timedelta(days=40)), "outside it"),
            (scene.observe("elm_teacher", "S", "Maths", qa_round=oak_only), "does not cover"),
            (scene.observe("teacher", None, "Maths", template_id=other["id"]), "its own template"),
            (scene.observe("teacher", "S", "Maths", qa_round={"id": str(uuid.uuid4())}), "no such QA round")):
        refused = problem(response, 422)
        assert says in refused["detail"] and refused["errors"][0]["pointer"] == "#/qa_round_id"


def test_a_support_staff_observation_is_refused_in_a_round_and_one_stored_before_is_not_on_the_map(
        client, trust, scene, problem, unchanged, steps, qa_db):
    """Outsider, issue 24: observations of an office manager and a site supervisor, each on a support appraisal, were
    taken in a round, and the map counted them as teachers."""
    support = steps.cycle("support", academy=None)
    steps.open(support)
    scene.appraisals["ta"] = steps.appraisal_of(support, trust.ta)
    scene.seen(NOW)
    before = scene.map(trust.trust_hr)
    # one stored in the round before the rule: recorded outside it, then moved into it
    kept = steps.ok(scene.observe("ta", None, "Office", qa_round_id=None), 201)
    from sqlalchemy import update
    observations = qa_db.tables["observations"]
    with qa_db.context.engine.begin() as conn:
        conn.execute(update(observations).where(observations.c.id == uuid.UUID(kept["id"])).values(
            qa_round_id=uuid.UUID(scene.now["id"]), grades={"adaptive": "Not yet"}))
    assert scene.map(trust.trust_hr) == before
    unchanged()
    refused = problem(scene.observe("ta", "I", "Office"), 422)
    assert refused["errors"][0]["pointer"] == "#/qa_round_id"
    assert refused["detail"] == ("the QA round 'Autumn 2' maps teaching, and this is a support-staff appraisal: "
                                 "record the observation without the round")
    assert before["made_from"]["teachers"] == 6


def test_a_teacher_moved_to_a_support_post_mid_year_is_not_observed_in_a_round(client, trust, scene, problem,
                                                                              unchanged, qa_db):
    """Outsider O5 F4, issue 24: moved to a support post, still on this year's teachers' appraisal, they could be
    observed in a round and counted on the map as a teacher."""
    from sqlalchemy import update
    staff = qa_db.tables["staff"]
    with qa_db.context.engine.begin() as conn:
        conn.execute(update(staff).where(staff.c.staff_id == uuid.UUID(trust.teacher.id)).values(staff_type="support"))
    unchanged()
    refused = problem(scene.observe("teacher", "S", "Maths"), 422)
    assert refused["errors"][0]["pointer"] == "#/qa_round_id"
    assert refused["detail"] == ("the QA round 'Autumn 2' maps teaching, and this colleague is now in a support "
                                 "post: record the observation without the round")


def test_a_teacher_moved_to_a_support_post_after_being_observed_leaves_the_round_s_map(client, trust, scene, qa_db):
    """Outsider O8 F, issue 24 (a race): observed in a round in the same moment the directory moved her to a support
    post, she was counted on the map as a teacher for good, as appraisal learns of the move over the bus after the
    observation is stored. The map is made from whoever is a teacher when it is read."""
    from sqlalchemy import update
    scene.seen([("teacher", "S", "Maths"), ("hod", "D", "Maths")])
    assert scene.map(trust.trust_hr)["made_from"]["teachers"] == 2
    staff = qa_db.tables["staff"]
    with qa_db.context.engine.begin() as conn:  # as staff.updated leaves the copy once it arrives
        conn.execute(update(staff).where(staff.c.staff_id == uuid.UUID(trust.teacher.id)).values(staff_type="support"))
    found = scene.map(trust.trust_hr)
    assert found["made_from"]["teachers"] == 1
    assert cell(found, "Maths")["counts"] == {"strength": 0, "development": 1, "intervention": 0}
    assert scene.map(trust.hod)["made_from"]["teachers"] == 0  # her line manager's map: she was his one reviewee


def test_hr_see_every_cell_of_their_academy_and_each_teacher_counts_once_by_their_latest(client, trust, scene):
    scene.seen(NOW)
    scene.seen([("other_teacher", "D", "History")], on=TODAY - timedelta(days=25))  # earlier: superseded
    found = scene.map(trust.oak_hr)
    assert [c["key"] for c in found["criteria"]] == ["adaptive"]  # the ungraded criterion makes no column
    assert cell(found, "Maths") == {"criterion": "adaptive", "teachers": 3, "band": "strength",
                                    "counts": {"strength": 3, "development": 0, "intervention": 0},
                                    "movement": "new"}
    assert cell(found, "History")["counts"] == {"strength": 0, "development": 0, "intervention": 1}
    assert cell(found, None)["band"] == "strength"  # 3 of 4 strong, 1 of 4 (under a third) in intervention
    # the map is made from Oak's teachers only: Elm is not on it, nor the trust's total (each would move by one Elm
    # teacher's grades when read before and after their observation)
    assert [r["academy_name"] for r in found["rows"]] == ["Oak Primary Academy"] * 3 and found["trust"] is None
    assert found["made_from"] == {"whom": "academy", "teachers": 4, "words": (
        "Made from the 4 teachers observed at Oak Primary Academy in this round. Other academies and the trust as a "
        "whole are not on your map.")}
    everything = scene.map(trust.trust_hr)
    assert cell(everything, None, academy_name=None)["teachers"] == 6 and everything["made_from"]["whom"] == "trust"
    assert cell(everything, "History", "Elm Secondary Academy")["teachers"] == 1


def test_a_line_manager_s_map_is_made_from_their_reviewees_only_and_says_so(client, trust, scene, problem):
    scene.seen(NOW)
    found = scene.map(trust.hod)  # appraiser of the teacher only
    assert [(r["department"], r["cells"][0]["teachers"]) for r in found["rows"]] == [("Maths", 1), (None, 1)]
    assert cell(found, "Maths")["counts"] == {"strength": 1, "development": 0, "intervention": 0}  # not Maths's three
    assert found["trust"] is None
    assert found["made_from"] == {"whom": "reviewees", "teachers": 1, "words": (
        "Made only from the 1 teacher you appraise who was observed in this round: each cell is your reviewees' "
        "figure, not the department's, and the trust as a whole is not on your map.")}
    problem(client.get(f"/qa-rounds/{scene.now['id']}/map", headers=trust.teacher.headers), 403)


@pytest.mark.parametrize("who, one_more", [
    ("oak_hr", ("elm_head", "S", "Maths")),  # a head: another academy's teacher
    ("elm_hr", ("head", "I", "Maths")),  # Oak's Maths had three teachers: the cell the outsider read
    ("hod", ("head", "I", "Maths")),  # a line manager: their own academy's department, not their reviewee
    ("head", ("teacher", "I", "Maths")),  # the head as a line manager: the hod's reviewee
])
def test_one_more_observation_of_a_teacher_the_viewer_may_not_see_leaves_their_map_as_it_was(trust, scene, who,
                                                                                             one_more):
    """Outsider, issue 24: (a) a cell of at least the smallest size read before and after one more observation gave
    that teacher's grades; (b) a shown cell of one band (3 of 3 in intervention) told each one's grade."""
    scene.seen([o for o in NOW if o[0] != one_more[0]])
    before = scene.map(getattr(trust, who))
    scene.seen([one_more])
    after = scene.map(getattr(trust, who))
    assert after == before


def test_the_next_round_shows_whether_each_cell_moved(client, trust, scene):
    scene.seen([("other_teacher", "D", "History"), ("hod", "S", "Maths"), ("teacher", "I", "Maths"),
                ("head", "I", "Maths")], qa_round=scene.before, on=TODAY - timedelta(days=40))
    scene.seen(NOW)
    found = scene.map(trust.oak_hr)
    assert cell(found, "Maths")["movement"] == "up"  # intervention then, strength now
    assert cell(found, "History")["movement"] == "down"
    assert found["previous_round"]["name"] == "Autumn 1"
    mine = scene.map(trust.hod)  # against their own map of the round before: their reviewee was in intervention
    assert cell(mine, "Maths")["movement"] == "up" and cell(mine, "Maths")["teachers"] == 1
    hers = scene.map(trust.head)  # the head as line manager of hod and other_teacher
    assert cell(hers, "Maths")["movement"] == "same"  # hod strong then and now; Maths as a whole went up
    assert cell(hers, "History")["movement"] == "down"


def test_head_plans_an_intervention_and_its_review_shows_the_band_then_and_now(client, trust, scene, qa_db, steps,
                                                                               problem):
    scene.seen(NOW)
    url = f"/qa-rounds/{scene.now['id']}/actions"
    body = {"kind": "intervention", "criterion": "adaptive", "academy_id": trust.oak, "department": "History",
            "owner_id": trust.head.id, "review_on": (TODAY + timedelta(days=42)).isoformat(),
            "success_criteria": "Every lesson adapts for SEND", "support": "Weekly coaching",
            "monitoring": "Fortnightly drop-ins"}
    problem(client.post(url, json=body, headers=trust.elm_hr.headers), 403)
    problem(client.post(url, json={**body, "support": None}, headers=trust.oak_hr.headers), 422)
    made = steps.ok(client.post(url, json=body, headers=trust.oak_hr.headers), 201)
    assert made["band_then"] == "intervention" and made["band_now"] == "intervention" and made["status"] == "planned"
    assert made["owner_name"] == "Hannah Hughes" and made["details"]["support"] == "Weekly coaching"
    [audit] = qa_db.rows("audit_log", action="qa_action.created")
    assert audit["entity_id"] == made["id"]
    assert [a["id"] for a in steps.ok(client.get(url, headers=trust.head.headers))] == [made["id"]]  # the owner
    assert steps.ok(client.get(url, headers=trust.elm_hr.headers)) == []
    problem(client.get(f"/qa-actions/{made['id']}", headers=trust.elm_hr.headers), 404)
    reviewed = steps.ok(client.patch(f"/qa-actions/{made['id']}", json={
        "status": "reviewed", "review_note": "Adapting in most lessons"}, headers=trust.head.headers))
    assert reviewed["status"] == "reviewed"
    problem(client.patch(f"/qa-actions/{made['id']}", json={"status": "under_way"}, headers=trust.head.headers), 409)
    challenge = {"kind": "challenge", "criterion": "adaptive", "academy_id": None, "owner_id": trust.head.id,
                 "idea": "Trial mini whiteboards", "review_on": (TODAY + timedelta(days=42)).isoformat()}
    problem(client.post(url, json=challenge, headers=trust.oak_hr.headers), 403)  # the trust's cell: trust HR
    assert steps.ok(client.post(url, json=challenge, headers=trust.trust_hr.headers), 201)["band_then"] == "strength"


def test_an_action_keeps_its_department_as_the_map_spells_it_and_refusals_say_what_to_do(client, trust, scene, qa_db,
                                                                                         steps, problem, unchanged):
    """Outsider, issue 24: actions kept "  ENGLISH " and "english" as typed; an action on a department nobody was
    observed in pointed at #/criterion; an intervention's support, success criteria and monitoring were "\n\n"."""
    scene.seen(NOW)
    url = f"/qa-rounds/{scene.now['id']}/actions"
    body = {"kind": "intervention", "criterion": "adaptive", "academy_id": trust.oak, "department": "  HISTORY\u200b ",
            "owner_id": trust.head.id, "review_on": (TODAY + timedelta(days=42)).isoformat(),
            "success_criteria": "Every lesson adapts for SEND", "support": "Weekly coaching",
            "monitoring": "Fortnightly drop-ins"}
    made = steps.ok(client.post(url, json=body, headers=trust.oak_hr.headers), 201)
    assert made["department"] == "History" and made["band_then"] == "intervention"
    assert qa_db.rows("qa_actions")[0]["department"] == "History"
    unchanged()
    nobody = problem(client.post(url, json={**body, "department": "Art"}, headers=trust.oak_hr.headers), 422)
    assert nobody["errors"][0]["pointer"] == "#/department" and "Art" in nobody["detail"]
    owner = problem(client.post(url, json={**body, "owner_id": trust.elm_teacher.id}, headers=trust.oak_hr.headers),
                    422)
    assert owner["errors"][0]["pointer"] == "#/owner_id" and "choose a member of staff in post" in owner["detail"]
    for blank in ("success_criteria", "support", "monitoring"):
        refused = problem(client.post(url, json={**body, blank: "\n\n"}, headers=trust.oak_hr.headers), 422)
        assert refused["errors"][0]["pointer"] == f"#/{blank}" and "visible text" in refused["errors"][0]["detail"]


def test_a_round_without_visible_text_or_dated_far_from_today_is_refused(client, trust, scene, problem, unchanged,
                                                                         steps):
    """Outsider, issue 24: a series named " " made rounds called "  (1 of 2)"; a round named "\u202e"; single rounds
    dated 1900 and 2100."""
    unchanged()
    single = {"name": "Spring drop-ins", "template_id": scene.template["id"], "academy_ids": [trust.oak],
              "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=30)).isoformat()}
    series = {"name": "Drop-ins", "template_id": scene.template["id"], "academy_ids": [trust.oak], "count": 2,
              "starts_on": TODAY.isoformat()}
    for path, change, pointer in (
            ("/qa-rounds", {"name": "\u202e"}, "name"),
            ("/qa-rounds", {"name": " \u200b "}, "name"),
            ("/qa-rounds/series", {"name": " "}, "name"),
            ("/qa-rounds", {"starts_on": "1900-01-01", "ends_on": "1900-02-01"}, "starts_on"),
            ("/qa-rounds", {"starts_on": "2100-01-01", "ends_on": "2100-02-01"}, "starts_on"),
            ("/qa-rounds", {"ends_on": "2100-02-01"}, "ends_on"),
            ("/qa-rounds", {"ends_on": (TODAY - timedelta(days=1)).isoformat()}, "ends_on"),
            ("/qa-rounds/series", {"starts_on": (TODAY - timedelta(days=800)).isoformat()}, "starts_on"),
            ("/qa-rounds/series", {"count": 12, "interval_weeks": 26}, "count")):
        refused = problem(client.post(path, json={**(single if path == "/qa-rounds" else series), **change},
                                      headers=trust.trust_hr.headers), 422)
        assert refused["errors"][0]["pointer"] == f"#/{pointer}", (change, refused)
    far = problem(client.post("/qa-rounds", json={**single, "starts_on": "1900-01-01", "ends_on": "1900-02-01"},
                              headers=trust.trust_hr.headers), 422)
    assert "too far from today: choose a start date within two years" in far["detail"]
    backwards = problem(client.post("/qa-rounds", json={**single, "ends_on": (TODAY - timedelta(days=1)).isoformat()},
                                    headers=trust.trust_hr.headers), 422)
    assert "choose an end date on or after the start date" in str(backwards)


def test_sharing_a_strength_pairs_strong_colleagues_with_those_who_want_coaching(client, trust, scene, steps, problem,
                                                                                 qa_db):
    scene.seen(NOW)
    steps.ok(client.post("/qa-coaching-requests", json={"criterion": "adaptive"}, headers=trust.ta.headers), 201)
    problem(client.post("/qa-coaching-requests", json={"criterion": "adaptive"}, headers=trust.ta.headers), 409)
    query = f"/qa-rounds/{scene.now['id']}/pairs?criterion=adaptive&academy_id={trust.oak}"
    problem(client.get(query, headers=trust.hod.headers), 403)
    offered = steps.ok(client.get(query, headers=trust.oak_hr.headers))
    assert {s["name"] for s in offered["strong"]} == {"Hannah Hughes", "Dev Davies", "Tom Taylor"}
    assert {w["name"]: w["reason"] for w in offered["wanting"]} == {
        "Tara Thomas": "asked for coaching", "Lily Lewis": "latest grade is in intervention"}
    assert len(offered["pairs"]) == 2
    pairs = [{"coach_id": p["coach"]["id"], "colleague_id": p["colleague"]["id"]} for p in offered["pairs"]]
    url = f"/qa-rounds/{scene.now['id']}/actions"
    body = {"kind": "share", "criterion": "adaptive", "academy_id": trust.oak, "department": "Maths",
            "owner_id": trust.head.id}
    problem(client.post(url, json={**body, "pairs": [{"coach_id": trust.other_teacher.id,
                                                      "colleague_id": trust.teacher.id}]},
                        headers=trust.oak_hr.headers), 422)
    assert qa_db.count("coaching_links") == 0
    made = steps.ok(client.post(url, json={**body, "pairs": pairs}, headers=trust.oak_hr.headers), 201)
    assert len(made["links"]) == 2 and made["band_then"] == "strength"
    coached = steps.ok(client.get("/qa-coaching-links", headers=trust.other_teacher.headers))
    assert [(link["colleague_name"], link["criterion_label"]) for link in coached] == [("Lily Lewis",
                                                                                        "Adaptive teaching")]
    coach = next(p["coach"]["id"] for p in offered["pairs"] if p["colleague"]["name"] == "Lily Lewis")
    coach_person = next(p for p in (trust.head, trust.hod, trust.teacher) if p.id == coach)
    assert [link["colleague_name"] for link in steps.ok(client.get("/qa-coaching-links",
                                                                   headers=coach_person.headers))] == ["Lily Lewis"]
    assert steps.ok(client.get("/qa-coaching-links", headers=trust.elm_teacher.headers)) == []


def test_the_smallest_cell_setting_is_gone(client, trust, scene, problem):
    """Each map is made from the teachers its viewer may see, so the setting protected nothing: its endpoint is no
    longer there and the map has no `min_cell`."""
    assert client.put("/qa-settings", json={"min_cell": 4}, headers=trust.trust_hr.headers).status_code == 404
    assert client.get("/qa-settings", headers=trust.trust_hr.headers).status_code == 404
    assert "min_cell" not in scene.map(trust.trust_hr)


@pytest.mark.parametrize("change, status, says", [
    ({"idea": "Trial \ud800 whiteboards"}, 422, "surrogate"),
    ({"idea": "Trial \x00 whiteboards"}, 422, "NUL"),
    ({"department": "Maths\nHistory"}, 422, "one line"),
    ({"idea": "x" * 4001}, 422, "Length"),
    ({"kind": "celebration"}, 422, "Must be one of"),
    ({"criterion": "Adaptive!"}, 422, "criterion's key"),
    ({"owner_id": "not an id"}, 422, "UUID"),
    ({"review_on": "9999-01-01"}, 422, "between 1900 and 2100"),
    ({"idea": "x" * 70_000}, 413, ""),
])
def test_a_bad_action_is_a_clear_4xx_and_changes_nothing(client, trust, scene, problem, unchanged, change, status,
                                                          says):
    scene.seen(NOW)
    body = {"kind": "challenge", "criterion": "adaptive", "academy_id": trust.oak, "department": "Maths",
            "owner_id": trust.head.id, "review_on": (TODAY + timedelta(days=42)).isoformat(),
            "idea": "Trial mini whiteboards", **change}
    unchanged()
    refused = problem(client.post(f"/qa-rounds/{scene.now['id']}/actions", json=body,
                                  headers=trust.oak_hr.headers), status)
    assert says in str(refused)


def test_bad_queries_and_paths_are_4xx(client, trust, scene, problem):
    problem(client.get(f"/qa-rounds/{scene.now['id']}/pairs?criterion=adaptive&academy_id={trust.oak}&x=1",
                       headers=trust.oak_hr.headers), 422)
    problem(client.get(f"/qa-rounds/{scene.now['id']}/pairs?criterion=behaviour&academy_id={trust.oak}",
                       headers=trust.oak_hr.headers), 422)  # not a criterion of the round's template
    problem(client.get(f"/qa-rounds/{uuid.uuid4()}/map", headers=trust.trust_hr.headers), 404)
    problem(client.get(f"/qa-actions/{uuid.uuid4()}", headers=trust.trust_hr.headers), 404)
    assert client.get("/qa-rounds/not-an-id", headers=trust.trust_hr.headers).status_code == 404


# -- outsider's findings, issue 24 (a round another academy may not see; dashboards; departments; criteria)

def test_a_round_the_caller_may_not_see_is_refused_in_the_words_an_unknown_round_gets(client, trust, scene, problem,
                                                                                      unchanged):
    """Oak's HR calendared a round of Oak only; Elm's line manager used its id. Every refusal reads as a random id's,
    before any check that would name the round, its dates or its academies."""
    oak_only = scene.round("Oak confidential capability review", TODAY - timedelta(days=20), TODAY,
                           academies=("oak",), who=trust.oak_hr)
    other = steps_template(client, trust)
    unchanged()
    url = f"/appraisals/{scene.appraisals['elm_teacher']['id']}/observations"

    def observe(round_id, **more):
        body = {"template_id": scene.template["id"], "observed_on": (TODAY - timedelta(days=2)).isoformat(),
                "focus": "Adaptive teaching", "grades": {"adaptive": "Secure"}, "department": "Maths",
                "qa_round_id": round_id, "observer_id": trust.elm_head.id, **more}
        return problem(client.post(url, json=body, headers=trust.elm_head.headers), 422)

    unknown = observe(str(uuid.uuid4()))
    assert unknown["detail"] == "there is no such QA round; choose one from the calendar"
    for refused in (observe(oak_only["id"]),  # it said "does not cover this teacher's academy"
                    observe(oak_only["id"], observed_on=(TODAY - timedelta(days=25)).isoformat()),  # "runs from ..."
                    observe(oak_only["id"], template_id=other["id"], grades={})):  # "uses its own template"
        assert refused["detail"] == unknown["detail"] and refused["errors"] == unknown["errors"]
        assert "Oak" not in str(refused) and "capability" not in str(refused)
    read = problem(client.get(f"/qa-rounds/{oak_only['id']}", headers=trust.elm_head.headers), 404)
    for path in ("", "/map", "/actions", "/pairs?criterion=adaptive"):
        assert problem(client.get(f"/qa-rounds/{oak_only['id']}{path}", headers=trust.elm_hr.headers),
                       404)["detail"] == read["detail"]
        assert problem(client.get(f"/qa-rounds/{uuid.uuid4()}{path}", headers=trust.elm_hr.headers),
                       404)["detail"] == read["detail"]
    assert oak_only["id"] not in read["detail"]


def steps_template(client, trust) -> dict:
    response = client.post("/observation-templates", json={**TEMPLATE, "name": "Another drop-in"},
                           headers=trust.trust_hr.headers)
    assert response.status_code == 201, response.json
    return response.json


def test_the_dashboard_shows_the_newest_ended_round_with_someone_on_the_viewer_s_map(client, trust, scene, steps,
                                                                                     problem):
    """Outsider, issue 24: an academy's own empty round took the trust's map (every teacher observed in it) off trust
    HR's targets dashboard; then a trust-wide round starting today, with one observation in it, replaced the map of
    the round before. Rule: the newest ended round with an observed teacher the viewer may see, trust HR's rounds
    covering every academy first; only when there is none, the newest started round, saying it is still running."""
    def dashboard(who):
        found = steps.ok(client.get("/qa-rounds/latest-map", headers=who.headers))
        return found["round"]["name"], found["still_running"]

    assert dashboard(trust.trust_hr) == ("Autumn 1", False)  # nobody observed anywhere yet: the newest ended round
    scene.seen(NOW)
    scene.round("Oak confidential capability review", TODAY - timedelta(days=5), TODAY + timedelta(days=20),
                academies=("oak",), who=trust.oak_hr)
    scene.round("Spring 1", TODAY + timedelta(days=11), TODAY + timedelta(days=50))  # not started
    assert dashboard(trust.trust_hr) == ("Autumn 2", True)  # no ended round has anyone on it: the running one
    assert dashboard(trust.oak_hr) == ("Autumn 2", True)  # nobody observed in their own round yet
    found = steps.ok(client.get("/qa-rounds/latest-map", headers=trust.trust_hr.headers))
    own = scene.map(trust.trust_hr)
    assert found["made_from"]["words"] == (f"This round is still running until {TODAY + timedelta(days=10):%-d %B %Y}, "
                                           "so its map will change as more teachers are observed. "
                                           + own["made_from"]["words"])
    assert {**found, "made_from": own["made_from"]} == own  # otherwise the same map as the round's own
    assert found["made_from"]["teachers"] == 6
    oak_only = next(r for r in steps.ok(client.get("/qa-rounds", headers=trust.oak_hr.headers))
                    if r["name"] == "Oak confidential capability review")
    scene.seen([("teacher", "D", "Maths")], qa_round=oak_only)
    assert dashboard(trust.oak_hr) == ("Oak confidential capability review", True)
    assert dashboard(trust.trust_hr) == ("Autumn 2", True)  # the trust-wide round first
    assert dashboard(trust.elm_hr) == ("Autumn 2", True)  # the Oak round is not theirs to see
    # one teacher observed in the round that has ended: its map, not the running round's, is on every dashboard
    scene.seen([("elm_teacher", "S", "History")], qa_round=scene.before, on=TODAY - timedelta(days=40))
    assert dashboard(trust.trust_hr) == ("Autumn 1", False)
    assert dashboard(trust.elm_hr) == ("Autumn 1", False)
    assert dashboard(trust.oak_hr) == ("Oak confidential capability review", True)  # nobody at Oak in Autumn 1
    ended = steps.ok(client.get("/qa-rounds/latest-map", headers=trust.trust_hr.headers))
    assert ended == scene.map(trust.trust_hr, scene.before) and "still running" not in ended["made_from"]["words"]
    problem(client.get("/qa-rounds/latest-map", headers=trust.teacher.headers), 403)


def test_no_started_round_means_no_dashboard_map(client, trust, problem, steps):
    steps.ok(client.post("/observation-templates", json=TEMPLATE, headers=trust.trust_hr.headers), 201)
    problem(client.get("/qa-rounds/latest-map", headers=trust.trust_hr.headers), 404)


def test_a_department_is_one_row_whatever_its_case_and_spaces(client, trust, scene, qa_db):
    """Outsider, issue 24: "english ", "ENGLISH" and "English" made three rows. A new observation keeps the academy's
    spelling; rows stored before are grouped ignoring case and spaces."""
    scene.seen([("hod", "S", "English"), ("teacher", "D", "english "), ("head", "S", "ENGLISH")])
    assert {r["department"] for r in qa_db.rows("observations")} == {"English"}
    found = scene.map(trust.oak_hr)
    assert [r["department"] for r in found["rows"]] == ["English", None]
    assert cell(found, "English")["teachers"] == 3
    from sqlalchemy import update  # as stored before this rule: three spellings

    observations = qa_db.tables["observations"]
    with qa_db.context.engine.begin() as conn:
        for (observation,), spelling in zip(conn.execute(observations.select().with_only_columns(observations.c.id)
                                                         .order_by(observations.c.observed_on, observations.c.id)),
                                            ("English", "english", "ENGLISH")):
            conn.execute(update(observations).where(observations.c.id == observation).values(department=spelling))
    assert len({r["department"] for r in qa_db.rows("observations")}) == 3
    regrouped = scene.map(trust.oak_hr)
    assert len(regrouped["rows"]) == 2 and cell(regrouped, regrouped["rows"][0]["department"])["teachers"] == 3


def test_coaching_is_asked_for_in_a_criterion_of_the_templates_in_use(client, trust, scene, problem, unchanged):
    unchanged()
    refused = problem(client.post("/qa-coaching-requests", json={"criterion": "no-such-criterion"},
                                  headers=trust.ta.headers), 422)
    assert refused["detail"].startswith("there is no such criterion") and "no-such" not in refused["detail"]
    assert refused["errors"][0]["pointer"] == "#/criterion"
    problem(client.post("/qa-coaching-requests", json={"criterion": "notes"}, headers=trust.ta.headers), 422)


def test_a_rule_broken_by_an_action_points_at_its_field_in_plain_words(client, trust, scene, problem, unchanged):
    scene.seen(NOW)
    unchanged()
    body = {"kind": "challenge", "criterion": "adaptive", "academy_id": trust.oak, "owner_id": trust.head.id,
            "review_on": (TODAY + timedelta(days=42)).isoformat()}
    refused = problem(client.post(f"/qa-rounds/{scene.now['id']}/actions", json=body,
                                  headers=trust.oak_hr.headers), 422)
    assert refused["detail"] == "a challenge needs an idea to trial"
    assert refused["errors"] == [{"location": "json", "pointer": "#/idea", "detail": refused["detail"]}]


def test_an_appraiser_at_another_academy_is_told_nothing_of_a_template_they_may_not_see(client, trust, scene, steps,
                                                                                        problem):
    """Every reference checked for the QA round's leak: Oak's own template, which an appraiser at Elm may not GET,
    was named by the kind check ("template '...' is for a drop-in")."""
    oak_own = steps.ok(client.post("/observation-templates", json={**TEMPLATE, "name": "Oak's own drop-in",
                                                                   "academy_id": trust.oak},
                                   headers=trust.oak_hr.headers), 201)
    a = scene.appraisals["teacher"]
    steps.ok(client.put(f"/appraisals/{a['id']}/appraiser", json={"appraiser_id": trust.elm_head.id},
                        headers=trust.trust_hr.headers))
    assert client.get(f"/observation-templates/{oak_own['id']}", headers=trust.elm_head.headers).status_code == 404
    answers = []
    for template_id in (oak_own["id"], str(uuid.uuid4())):
        body = {"template_id": template_id, "kind": "lesson_observation", "observed_on": TODAY.isoformat(),
                "focus": "Adaptive teaching", "observer_id": trust.elm_head.id}
        answers.append(problem(client.post(f"/appraisals/{a['id']}/observations", json=body,
                                           headers=trust.elm_head.headers), 422))
    assert answers[0] == answers[1] and "Oak" not in str(answers[0])
