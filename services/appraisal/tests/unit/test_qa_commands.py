"""The QA map's commands and queries against in-memory repositories (issue 24): what each makes, its audit row, and
that a refusal commits nothing; the map and pairs read through the same fakes. No database, no Flask."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from staffroom_shared.errors import Forbidden, Unprocessable
from staffroom_shared.principal import Principal

from appraisal.domain.model import Appraisal, Observation
from appraisal.domain.observations import Band, Criterion, Grade, Template
from appraisal.service import qa

from .qa_fakes import FakeQaUnitOfWork
from .test_commands import ELM, OAK, as_, staff

TODAY = date.today()
GRADES = (Grade("Secure", Band.STRENGTH), Grade("Developing", Band.DEVELOPMENT), Grade("Not yet", Band.INTERVENTION))


class Scene:
    """Oak: a head managing four teachers (one her reviewee by appraisal); a trust-wide graded template; a round."""

    def __init__(self):
        self.uow = FakeQaUnitOfWork()
        self.head = staff("Hana", "leadership")
        self.teachers = [staff(name, line_manager_id=self.head.staff_id) for name in ("Tom", "Ann", "Raj", "Lee")]
        for person in (self.head, *self.teachers):
            self.uow.staff.add(person)
        self.uow.staff.save_academy(OAK, "Oak Primary Academy", "140001")
        self.uow.staff.save_academy(ELM, "Elm Secondary Academy", "140002")
        self.template = Template(name="Drop-in", kind="drop_in", criteria=(
            Criterion("adaptive", "Adaptive teaching", None, GRADES),))
        self.uow.templates.add(self.template)
        self.oak_hr = as_(None, "academy_hr")
        self.trust_hr = Principal(staff_id=uuid.uuid4(), roles=frozenset({"trust_hr"}), academy_id=None, subject="t")
        self.round = qa.create_series(self.uow, self.trust_hr, self.body(ends_on=TODAY + timedelta(days=5)))[0]
        self.uow.audits.clear()
        self.uow.commits = 0

    def body(self, **more) -> dict:
        return {"name": "Autumn drop-ins", "template_id": self.template.id, "academy_ids": [OAK],
                "starts_on": TODAY - timedelta(days=20), "count": 3, "interval_weeks": 6, "ends_on": None, **more}

    def observe(self, teacher, grade: str, department: str, appraiser=None, qa_round=None, on=TODAY):
        appraisal = Appraisal(cycle_id=uuid.uuid4(), reviewee_id=teacher.staff_id, academy_id=teacher.academy_id,
                              template="teachers", appraiser_id=appraiser)
        appraisal.observations.append(Observation(
            appraisal_id=appraisal.id, kind="drop_in", observer_id=self.head.staff_id, observed_on=on,
            focus="Adaptive teaching", template_id=self.template.id, grades={"adaptive": grade},
            department=department, qa_round_id=(qa_round or self.round).id))
        self.uow.appraisals.add(appraisal)


@pytest.fixture
def scene() -> Scene:
    return Scene()


def test_trust_hr_calendar_a_series_each_round_audited(scene):
    made = qa.create_series(scene.uow, scene.trust_hr, scene.body())
    assert [r.name for r in made] == [f"Autumn drop-ins ({n} of 3)" for n in (1, 2, 3)]
    assert len({r.series_id for r in made}) == 1
    assert [a["action"] for a in scene.uow.audits] == ["qa_round.created"] * 3 and scene.uow.commits == 1


@pytest.mark.parametrize("who, change, refusal", [
    ("oak_hr", {"academy_ids": [OAK, ELM]}, Forbidden),
    ("trust_hr", {"count": 0}, Unprocessable),
    ("trust_hr", {"template_id": uuid.uuid4()}, Unprocessable),
    ("trust_hr", {"academy_ids": [OAK, uuid.uuid4()]}, Unprocessable),  # not one of the trust's academies
])
def test_a_refused_series_commits_nothing(scene, who, change, refusal):
    before = len(scene.uow.qa.rounds())
    with pytest.raises(refusal):
        qa.create_series(scene.uow, getattr(scene, who), scene.body(**change))
    assert scene.uow.commits == 0 and scene.uow.audits == [] and len(scene.uow.qa.rounds()) == before


def _cells(found: dict) -> dict:
    """What a map shows, by (academy, department): each cell's teachers, counts, band and movement."""
    return {(row["academy_name"], row["department"]): row["cells"] for row in found["rows"]} | {
        ("trust", None): found["trust"]}


def test_a_line_manager_s_map_is_made_from_their_reviewees_only_and_says_so(scene):
    tom, ann, raj, lee = scene.teachers
    scene.observe(tom, "Secure", "Maths", appraiser=scene.head.staff_id)
    for teacher in (ann, raj, lee):  # Maths's other three: not hers to see
        scene.observe(teacher, "Not yet", "Maths")
    shown = qa.qa_map(scene.uow, as_(scene.head), scene.round.id)
    [maths, total] = shown["rows"]
    assert maths["department"] == "Maths" and maths["cells"][0]["teachers"] == 1
    assert maths["cells"][0]["band"] is Band.STRENGTH  # her reviewee's figure, not Maths's (three of four: intervention)
    assert total["cells"][0]["teachers"] == 1 and shown["trust"] is None
    assert shown["made_from"]["teachers"] == 1
    assert shown["made_from"]["words"] == (
        "Made only from the 1 teacher you appraise who was observed in this round: each cell is your reviewees' "
        "figure, not the department's, and the trust as a whole is not on your map.")
    assert qa.qa_map(scene.uow, scene.oak_hr, scene.round.id)["rows"][0]["cells"][0]["teachers"] == 4


@pytest.mark.parametrize("who", ["line manager", "head"])
def test_one_more_observation_of_a_teacher_the_viewer_may_not_see_leaves_their_map_as_it_was(scene, who):
    """Outsider, issue 24 (a): a department's cell of three or more, read before and after one more observation, gave
    that teacher's grades; and (b): a cell of one band told each teacher's grade."""
    tom, ann, raj, lee = scene.teachers
    elm = [staff(name, academy_id=ELM) for name in ("Eve", "Eli", "Ed", "Em")]
    for person in elm:
        scene.uow.staff.add(person)
    both = qa.create_series(scene.uow, scene.trust_hr, scene.body(academy_ids=[OAK, ELM], ends_on=TODAY))[0]
    previous = qa.create_series(scene.uow, scene.trust_hr, scene.body(
        academy_ids=[OAK, ELM], starts_on=TODAY - timedelta(days=60), ends_on=TODAY - timedelta(days=40)))[0]
    for teacher in (ann, raj, *elm[:3]):
        scene.observe(teacher, "Not yet", "Maths", qa_round=both)
        scene.observe(teacher, "Secure", "Maths", qa_round=previous, on=TODAY - timedelta(days=50))
    scene.observe(tom, "Secure", "Maths", appraiser=scene.head.staff_id, qa_round=both)
    viewer = as_(scene.head) if who == "line manager" else scene.oak_hr
    before = qa.qa_map(scene.uow, viewer, both.id)
    # one more teacher each viewer may not see: at Elm (a head's other academy), and Oak's Lee (not her reviewee)
    scene.observe(elm[3], "Developing", "Maths", qa_round=both)
    if who == "line manager":
        scene.observe(lee, "Developing", "Maths", qa_round=both)
        scene.observe(lee, "Secure", "Maths", qa_round=previous, on=TODAY - timedelta(days=50))
    after = qa.qa_map(scene.uow, viewer, both.id)
    assert _cells(after) == _cells(before) and after["made_from"] == before["made_from"]
    assert [row["academy_name"] for row in after["rows"]] == ["Oak Primary Academy"] * 2 and after["trust"] is None
    everything = _cells(qa.qa_map(scene.uow, scene.trust_hr, both.id))
    assert everything[("Elm Secondary Academy", "Maths")][0]["teachers"] == 4  # trust HR: the whole trust
    # movement from the same viewer's map of the round before: her one reviewee is new; the head's Maths was strong
    maths = _cells(after)[("Oak Primary Academy", "Maths")][0]
    assert maths["movement"] == ("new" if who == "line manager" else "down")


def test_an_owner_who_may_not_act_on_the_cell_is_not_shown_its_band(scene):
    """An intervention's band then and now is every teacher in the cell: read before and after one more observation
    it would tell its owner, a middle leader, that teacher's grade."""
    tom, ann, raj, lee = scene.teachers
    for teacher in (tom, ann, raj):
        scene.observe(teacher, "Not yet", "History")
    made = qa.create_action(scene.uow, scene.oak_hr, scene.round.id, {
        "kind": "challenge", "criterion": "adaptive", "academy_id": OAK, "department": "History",
        "owner_id": lee.staff_id, "idea": "Mini whiteboards", "review_on": TODAY + timedelta(days=30)})
    as_hr = qa.action(scene.uow, scene.oak_hr, made.id)
    assert as_hr["band_then"] is Band.INTERVENTION and as_hr["band_now"] is Band.INTERVENTION
    as_owner = qa.action(scene.uow, as_(lee), made.id)
    assert as_owner["band_then"] is None and as_owner["band_now"] is None and as_owner["band_now_round"] is None
    assert [a["band_now"] for a in qa.actions(scene.uow, as_(lee), scene.round.id)] == [None]


def test_confirmed_pairs_become_coaching_links_and_a_wrong_pair_makes_nothing(scene):
    tom, ann, raj, lee = scene.teachers
    for teacher, grade in ((tom, "Secure"), (ann, "Secure"), (raj, "Not yet"), (lee, "Developing")):
        scene.observe(teacher, grade, "Maths")
    offered = qa.pairs(scene.uow, scene.oak_hr, scene.round.id, "adaptive", OAK)
    assert {(p["coach"]["name"], p["colleague"]["name"]) for p in offered["pairs"]} in (
        {("Tom Test", "Raj Test"), ("Ann Test", "Lee Test")}, {("Ann Test", "Raj Test"), ("Tom Test", "Lee Test")})
    body = {"kind": "share", "criterion": "adaptive", "academy_id": OAK, "department": "Maths",
            "owner_id": scene.head.staff_id}
    with pytest.raises(Unprocessable, match="pair a colleague strong"):
        qa.create_action(scene.uow, scene.oak_hr, scene.round.id, {**body, "pairs": [
            {"coach_id": raj.staff_id, "colleague_id": tom.staff_id}]})
    assert scene.uow.commits == 0 and scene.uow.qa.link_list == []
    pairs = [{"coach_id": p["coach"]["id"], "colleague_id": p["colleague"]["id"]} for p in offered["pairs"]]
    action = qa.create_action(scene.uow, scene.oak_hr, scene.round.id, {**body, "pairs": pairs})
    assert action.band_then is Band.DEVELOPMENT  # two of four strong: not two thirds; one of four: under a third
    assert len(scene.uow.qa.links(action_id=action.id)) == 2
    [audit] = scene.uow.audits
    assert audit["action"] == "qa_action.created" and len(audit["changes"]["pairs"]) == 2
    assert [link["colleague_name"] for link in qa.my_links(scene.uow, as_(raj))] == ["Raj Test"]


def test_a_line_manager_none_of_whose_reviewees_was_observed_is_told_so_not_shown_the_department(scene):
    tom, ann = scene.teachers[:2]
    scene.observe(ann, "Not yet", "Maths")  # not hers: her map stays empty
    shown = qa.qa_map(scene.uow, as_(scene.head), scene.round.id)
    assert shown["made_from"]["teachers"] == 0 and shown["trust"] is None
    assert [row["department"] for row in shown["rows"]] == [None]  # her academy, no cell observed
    assert shown["rows"][0]["cells"][0]["teachers"] == 0
    assert shown["made_from"]["words"] == (
        "Made only from the teachers you appraise, and none of them has been observed in this round yet. It does not "
        "show departments' figures.")
