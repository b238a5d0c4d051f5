"""Objectives that cascade over HTTP (issue 24): priorities per level and who sets them, an objective's link to one,
the roll-up, and objective templates applied by a line manager; refusals are problem+json and change nothing."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from staffroom_shared.testing import ServiceDb

from .conftest import TABLES, key_dates

YEAR = (date.today() - timedelta(days=60)).year if (date.today() - timedelta(days=60)).month >= 8 \
    else (date.today() - timedelta(days=60)).year - 1  # the school year of the test cycles (they began 60 days ago)
ALL = TABLES + ("priorities", "objective_templates", "appraisal_documents")


@pytest.fixture
def everything(app):
    return ServiceDb(app, ALL)


@pytest.fixture
def unchanged(everything):
    state = {}
    yield lambda: state.setdefault("before", everything.snapshot())
    assert "before" in state
    assert everything.snapshot() == state["before"]


def ok(response, status=200):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json if response.data else None


def priority(client, who, level, title, **more):
    body = {"level": level, "school_year": YEAR, "title": title, "description": f"{title}, across the year", **more}
    return ok(client.post("/priorities", json=body, headers=who.headers), 201)


@pytest.fixture
def cascade(client, trust):
    """Reading (trust) <- Oak's KS2 reading (academy, Oak HR) <- Year 6 reading (team, Dev Davies, who line-manages)."""
    reading = priority(client, trust.trust_hr, "trust", "Reading for pleasure", success_measure="Every pupil reads daily")
    oak = priority(client, trust.oak_hr, "academy", "KS2 reading", parent_id=reading["id"])
    team = priority(client, trust.hod, "team", "Year 6 reading", parent_id=oak["id"], team="Year 6")
    elm = priority(client, trust.elm_hr, "academy", "Elm attendance")
    return {"trust": reading, "oak": oak, "team": team, "elm": elm}


def test_each_level_is_set_by_whom_the_cascade_says(client, trust, cascade, db):
    assert cascade["oak"]["academy_id"] == trust.oak and cascade["oak"]["parent_id"] == cascade["trust"]["id"]
    assert (cascade["team"]["owner_id"], cascade["team"]["academy_id"]) == (trust.hod.id, trust.oak)
    audit = db.audit(cascade["team"]["id"])[-1]
    assert (audit["actor"], audit["action"]) == (trust.hod.id, "priority.created")
    body = {"level": "trust", "school_year": YEAR, "title": "Wellbeing", "description": "Staff wellbeing"}
    assert client.post("/priorities", json=body, headers=trust.oak_hr.headers).status_code == 403
    body = {"level": "academy", "school_year": YEAR, "title": "Maths", "description": "Maths", "academy_id": trust.oak}
    assert client.post("/priorities", json=body, headers=trust.elm_hr.headers).status_code == 403
    assert client.post("/priorities", json=body, headers=trust.teacher.headers).status_code == 403
    # a teacher who manages nobody sets no team priority
    body = {"level": "team", "school_year": YEAR, "title": "Phonics", "description": "Phonics", "team": "Year 1",
            "parent_id": cascade["oak"]["id"]}
    assert client.post("/priorities", json=body, headers=trust.teacher.headers).status_code == 403


def test_staff_see_the_trust_s_priorities_and_their_own_academy_s_only(client, trust, cascade):
    seen = {p["title"] for p in ok(client.get("/priorities", headers=trust.teacher.headers))}
    assert seen == {"Reading for pleasure", "KS2 reading", "Year 6 reading"}
    assert client.get(f"/priorities/{cascade['elm']['id']}", headers=trust.teacher.headers).status_code == 404
    assert len(ok(client.get("/priorities", headers=trust.trust_hr.headers))) == 4


def test_a_team_priority_serves_its_own_academy_s_priority(client, trust, cascade, problem, unchanged):
    unchanged()
    body = {"level": "team", "school_year": YEAR, "title": "Attendance", "description": "x", "team": "Maths",
            "parent_id": cascade["elm"]["id"]}
    assert "no such priority" in problem(client.post("/priorities", json=body, headers=trust.hod.headers), 422)["detail"]
    body["parent_id"] = cascade["trust"]["id"]
    problem(client.post("/priorities", json=body, headers=trust.hod.headers), 422)


def test_a_team_priority_set_to_serve_itself_is_refused_in_plain_english_at_its_field(client, trust, cascade,
                                                                                          problem, unchanged):
    """Outsider, issue 24: "an team priority serves a academy improvement-plan priority", with no pointer."""
    unchanged()
    refused = problem(client.patch(f"/priorities/{cascade['team']['id']}", json={"parent_id": cascade["team"]["id"]},
                                   headers=trust.hod.headers), 422)
    assert refused["detail"] == "a team priority serves an academy improvement-plan priority"
    assert refused["errors"] == [{"location": "json", "pointer": "#/parent_id", "detail": refused["detail"]}]


def test_a_linked_priority_is_archived_not_deleted(client, trust, cascade, problem, unchanged):
    unchanged()
    problem(client.delete(f"/priorities/{cascade['trust']['id']}", headers=trust.trust_hr.headers), 409)


def test_an_unlinked_priority_can_be_deleted_and_a_linked_one_archived(client, trust, cascade):
    ok(client.delete(f"/priorities/{cascade['elm']['id']}", headers=trust.elm_hr.headers), 204)
    archived = ok(client.post(f"/priorities/{cascade['team']['id']}/archive", headers=trust.hod.headers))
    assert archived["archived"] is True
    assert client.post(f"/priorities/{cascade['team']['id']}/archive", headers=trust.hod.headers).status_code == 409


def test_an_objective_links_to_a_priority_its_reviewee_s_academy_can_see(client, trust, steps, cascade, problem):
    a = steps.started()
    added = steps.add_objective(a, trust.hod, priority_id=cascade["team"]["id"])
    assert added["priority_id"] == cascade["team"]["id"]
    assert steps.get(a["id"], trust.teacher)["objectives"][0]["priority_id"] == cascade["team"]["id"]
    # another academy's priority is refused, pointing at the field
    body = {"title": "x", "description": "x", "type": "pupil_outcomes", "success_criteria": "x",
            "priority_id": cascade["elm"]["id"]}
    refused = problem(client.post(f"/appraisals/{a['id']}/objectives", json=body, headers=trust.hod.headers), 422)
    assert refused["errors"][0]["pointer"] == "#/priority_id" and "no such priority" in refused["detail"]
    # the link is changed and removed like any other field of a draft objective
    url = f"/appraisals/{a['id']}/objectives/{added['id']}"
    view = ok(client.patch(url, json={"priority_id": cascade["trust"]["id"]}, headers=trust.teacher.headers))
    assert view["objectives"][0]["priority_id"] == cascade["trust"]["id"]
    view = ok(client.patch(url, json={"priority_id": None}, headers=trust.teacher.headers))
    assert view["objectives"][0]["priority_id"] is None


def test_once_agreed_the_link_is_kept_as_agreed(client, trust, steps, cascade, problem):
    a = steps.objectives_agreed()
    objective = steps.get(a["id"], trust.hod)["objectives"][0]
    url = f"/appraisals/{a['id']}/objectives/{objective['id']}"
    problem(client.patch(url, json={"priority_id": cascade["oak"]["id"]}, headers=trust.hod.headers), 409)


def roll_up(client, who):
    return ok(client.get("/priorities/roll-up", headers=who.headers))["priorities"]


def test_the_roll_up_counts_people_under_each_priority_by_how_far_they_have_got(client, trust, steps, cascade):
    tom = steps.started()
    lily = steps.appraisal_of({"id": tom["cycle_id"]}, trust.other_teacher)
    steps.add_objective(tom, trust.hod, priority_id=cascade["team"]["id"])
    steps.add_objective(tom, trust.hod, title="Reading at home", priority_id=cascade["oak"]["id"])
    steps.add_objective(lily, trust.head, priority_id=cascade["oak"]["id"])
    steps.agree(lily, trust.head)
    steps.agree(lily, trust.other_teacher)
    rows = {r["priority"]["title"]: r for r in roll_up(client, trust.trust_hr)}
    assert rows["Year 6 reading"]["people"] == 1 and rows["Year 6 reading"]["counts"]["not_agreed"] == 1
    assert rows["KS2 reading"]["people"] == 2  # Tom's team objective counts towards it too, Tom once
    assert rows["KS2 reading"]["counts"]["not_agreed"] == 1 and rows["KS2 reading"]["counts"]["under_way"] == 1
    assert rows["Reading for pleasure"]["people"] == 2
    assert rows["Reading for pleasure"]["academies"] == [{"academy_id": trust.oak, "academy_name": "Oak Primary Academy",
                                                         "people": 2, "counts": rows["KS2 reading"]["counts"]}]
    assert {n["name"] for n in rows["Reading for pleasure"]["named"]} == {"Tom Taylor", "Lily Lewis"}
    # the mid-year review's rating moves Lily on: met is on track
    steps.review(lily, "mid-year", trust.head)
    rows = {r["priority"]["title"]: r for r in roll_up(client, trust.oak_hr)}
    assert rows["KS2 reading"]["counts"]["on_track"] == 1 and "academies" not in rows["KS2 reading"]
    # a line manager's figures are made from their own reviewees only, and say so
    answer = ok(client.get("/priorities/roll-up", headers=trust.hod.headers))
    rows = {r["priority"]["title"]: r for r in answer["priorities"]}
    assert rows["KS2 reading"]["people"] == 1
    assert [n["name"] for n in rows["KS2 reading"]["named"]] == ["Tom Taylor"]
    assert answer["made_from"]["whom"] == "reviewees" and answer["made_from"]["people"] == 1
    assert answer["made_from"]["words"].startswith("Made only from the 1 person you appraise")
    # Elm's HR see none of Oak's people
    rows = {r["priority"]["title"]: r for r in roll_up(client, trust.elm_hr)}
    assert rows["Reading for pleasure"]["people"] == 0 and "KS2 reading" not in rows
    # a teacher who appraises nobody has no roll-up
    assert client.get("/priorities/roll-up", headers=trust.teacher.headers).status_code == 403


def template(client, who, **more):
    body = {"title": "Year 6 reading", "type": "pupil_outcomes", "description": "By July, 85% of Year 6 read at the "
            "expected standard", "success_criteria": "KS2 reading results", "post": "Teacher",
            "staff_group": "teachers", **more}
    return ok(client.post("/objective-templates", json=body, headers=who.headers), 201)


def test_hr_write_templates_for_their_academy_and_staff_see_them(client, trust, cascade):
    mine = template(client, trust.oak_hr, priority_id=cascade["oak"]["id"])
    assert mine["academy_id"] == trust.oak and mine["for_whom"] == "Teacher (teachers)"
    assert [t["id"] for t in ok(client.get("/objective-templates", headers=trust.teacher.headers))] == [mine["id"]]
    assert ok(client.get("/objective-templates", headers=trust.elm_teacher.headers)) == []
    assert client.patch(f"/objective-templates/{mine['id']}", json={"title": "x"},
                        headers=trust.elm_hr.headers).status_code == 404
    assert client.delete(f"/objective-templates/{mine['id']}", headers=trust.hod.headers).status_code == 403
    body = {"title": "x", "type": "pupil_outcomes", "description": "x", "success_criteria": "x", "post": "Teacher"}
    assert client.post("/objective-templates", json=body, headers=trust.hod.headers).status_code == 403


def test_a_template_names_whom_it_is_for(client, trust, problem, unchanged):
    unchanged()
    body = {"title": "x", "type": "pupil_outcomes", "description": "x", "success_criteria": "x"}
    assert "whom the template is for" in problem(
        client.post("/objective-templates", json=body, headers=trust.oak_hr.headers), 422)["detail"]


def test_a_line_manager_applies_a_template_to_everyone_in_the_role(client, trust, steps, cascade, db):
    made = template(client, trust.oak_hr, priority_id=cascade["oak"]["id"])
    tom = steps.started()
    lily = steps.appraisal_of({"id": tom["cycle_id"]}, trust.other_teacher)
    answer = ok(client.post("/objective-templates/apply", json={"template_ids": [made["id"]]},
                            headers=trust.hod.headers))
    # Dev appraises Tom (a Teacher) and Tara (a TA): only Tom is in the role
    assert [a["reviewee_name"] for a in answer["applied"]] == ["Tom Taylor"] and answer["refused"] == []
    [objective] = steps.get(tom["id"], trust.teacher)["objectives"]
    assert (objective["title"], objective["priority_id"]) == ("Year 6 reading", cascade["oak"]["id"])
    assert db.audit(tom["id"])[-1]["action"] == "apply_objective_templates"
    assert steps.get(lily["id"], trust.trust_hr)["objectives"] == []
    # the drafts are ordinary objectives: the line manager adapts one
    ok(client.patch(f"/appraisals/{tom['id']}/objectives/{objective['id']}", json={"title": "Year 6 reading, boys"},
                    headers=trust.hod.headers))


def test_a_bulk_apply_past_the_cap_is_refused_for_that_person_and_the_others_go_ahead(client, trust, steps, cascade):
    made = template(client, trust.oak_hr)
    tom = steps.started()
    ta = steps.started("ta", "support")
    for n in range(6):
        steps.add_objective(tom, trust.hod, title=f"Objective {n}")
    answer = ok(client.post("/objective-templates/apply", json={"template_ids": [made["id"]],
                                                                "appraisal_ids": [tom["id"], ta["id"]]},
                            headers=trust.hod.headers))
    assert [a["reviewee_name"] for a in answer["applied"]] == ["Tara Thomas"]
    [refused] = answer["refused"]
    assert refused["reviewee_name"] == "Tom Taylor" and "at most 6" in refused["reason"]
    assert len(steps.get(tom["id"], trust.hod)["objectives"]) == 6


def test_applying_to_someone_you_do_not_appraise_is_404_and_changes_nothing(client, trust, steps, problem, unchanged):
    made = template(client, trust.oak_hr)
    tom = steps.started()
    lily = steps.appraisal_of({"id": tom["cycle_id"]}, trust.other_teacher)
    unchanged()
    problem(client.post("/objective-templates/apply", json={"template_ids": [made["id"]],
                                                            "appraisal_ids": [tom["id"], lily["id"]]},
                        headers=trust.hod.headers), 404)
    problem(client.post("/objective-templates/apply", json={"template_ids": [str(uuid.uuid4())]},
                        headers=trust.hod.headers), 422)
    problem(client.post("/objective-templates/apply", json={"template_ids": []}, headers=trust.hod.headers), 422)


@pytest.mark.parametrize("body", [
    {"level": "county", "school_year": 2026, "title": "x", "description": "x"},
    {"level": "trust", "school_year": 1999, "title": "x", "description": "x"},
    {"level": "trust", "school_year": 2026, "title": "a\nb", "description": "x"},
    {"level": "trust", "school_year": 2026, "title": "x" * 201, "description": "x"},
    {"level": "trust", "school_year": 2026, "title": "x", "description": "x", "colour": "red"},
])
def test_a_bad_priority_is_422_and_changes_nothing(client, trust, body, problem, unchanged):
    unchanged()
    problem(client.post("/priorities", json=body, headers=trust.trust_hr.headers), 422)


def test_a_nul_in_a_priority_is_refused(client, trust, problem, unchanged):
    unchanged()
    body = {"level": "trust", "school_year": 2026, "title": "Read\u0000ing", "description": "x"}
    problem(client.post("/priorities", json=body, headers=trust.trust_hr.headers), 422)


def test_a_line_manager_s_roll_up_does_not_move_when_a_colleague_they_do_not_appraise_is_reviewed(
        client, trust, steps, cascade):
    """The outsider of issue 24: Priya read the roll-up, Ellie's appraiser (not Priya) recorded Ellie's mid-year
    review as not met, Priya read again and 'behind' had gone from 0 to 1."""
    tom = steps.started()
    lily = steps.appraisal_of({"id": tom["cycle_id"]}, trust.other_teacher)  # appraised by the head, not Dev
    steps.add_objective(tom, trust.hod, priority_id=cascade["oak"]["id"])
    steps.add_objective(lily, trust.head, priority_id=cascade["oak"]["id"])
    steps.agree(lily, trust.head)
    steps.agree(lily, trust.other_teacher)
    before = ok(client.get("/priorities/roll-up", headers=trust.hod.headers))
    body = steps.review_body(lily["id"])
    body["assessments"] = {k: {**v, "rating": "not_met"} for k, v in body["assessments"].items()}
    ok(client.post(f"/appraisals/{lily['id']}/reviews/mid-year", json=body, headers=trust.head.headers), 201)
    assert ok(client.get("/priorities/roll-up", headers=trust.hod.headers)) == before
    # Oak's HR may see Lily's appraisal, so theirs moves
    rows = {r["priority"]["title"]: r for r in roll_up(client, trust.oak_hr)}
    assert rows["KS2 reading"]["counts"]["behind"] == 1


def test_another_academy_s_priority_is_answered_as_one_that_never_was(client, trust, cascade, problem, unchanged):
    unchanged()
    answers = []
    for parent_id in (cascade["elm"]["id"], str(uuid.uuid4())):
        body = {"level": "team", "school_year": YEAR, "title": "Attendance", "description": "x", "team": "Maths",
                "parent_id": parent_id}
        answers.append(problem(client.post("/priorities", json=body, headers=trust.hod.headers), 422)["detail"])
    assert answers[0] == answers[1] and "Elm attendance" not in answers[0]


def test_a_template_serving_another_academy_s_priority_is_answered_as_one_that_never_was(client, trust, cascade,
                                                                                         problem):
    answers = []
    for priority_id in (cascade["elm"]["id"], str(uuid.uuid4())):
        body = {"title": "Year 6 reading", "type": "pupil_outcomes", "description": "x", "success_criteria": "x",
                "post": "Teacher", "priority_id": priority_id}
        answers.append(problem(client.post("/objective-templates", json=body, headers=trust.oak_hr.headers),
                               422)["detail"])
    assert answers[0] == answers[1] and "another academy" not in answers[0]


def test_pay_recommendations_is_json_true_or_false_only(client, trust, steps, problem):
    body = {"name": "2026/27", "template": "teachers", "academy_id": trust.oak, **key_dates(),
            "pay_recommendations": "yes"}
    refused = problem(client.post("/cycles", json=body, headers=trust.oak_hr.headers), 422)
    assert "pay_recommendations" in str(refused)
    steps.cycle(pay_recommendations=True)


def test_an_appraiser_at_another_academy_is_told_nothing_of_a_priority_they_may_not_see(client, trust, steps,
                                                                                        cascade, problem):
    """Outsider, issue 24 (every reference checked for the QA round's leak): an appraiser at Elm, of an Oak teacher,
    may not GET Oak's priorities; linking one named it ("'KS2 reading' is archived")."""
    a = steps.started()
    steps.ok(client.put(f"/appraisals/{a['id']}/appraiser", json={"appraiser_id": trust.elm_head.id},
                        headers=trust.trust_hr.headers))
    ok(client.post(f"/priorities/{cascade['oak']['id']}/archive", headers=trust.oak_hr.headers))
    assert client.get(f"/priorities/{cascade['oak']['id']}", headers=trust.elm_head.headers).status_code == 404
    answers = []
    for priority_id in (cascade["oak"]["id"], str(uuid.uuid4())):
        body = {"title": "x", "description": "x", "type": "pupil_outcomes", "success_criteria": "x",
                "priority_id": priority_id}
        answers.append(problem(client.post(f"/appraisals/{a['id']}/objectives", json=body,
                                           headers=trust.elm_head.headers), 422))
    assert answers[0] == answers[1] and "KS2" not in str(answers[0])


def test_a_priority_or_objective_template_without_visible_text_is_refused(client, trust, problem):
    """Outsider, issue 24: a whitespace-only priority title was taken."""
    for field, blank in (("title", "   "), ("title", "\u200b"), ("description", "\n\n"), ("success_measure", "\u202e")):
        body = {"level": "trust", "school_year": YEAR, "title": "Reading", "description": "Across the year",
                field: blank}
        refused = problem(client.post("/priorities", json=body, headers=trust.trust_hr.headers), 422)
        assert refused["errors"][0]["pointer"] == f"#/{field}" and "visible text" in refused["errors"][0]["detail"]
    template = {"title": " ", "type": "pupil_outcomes", "description": "85% at expected", "success_criteria": "KS2",
                "academy_id": None}
    refused = problem(client.post("/objective-templates", json=template, headers=trust.trust_hr.headers), 422)
    assert refused["errors"][0]["pointer"] == "#/title"
