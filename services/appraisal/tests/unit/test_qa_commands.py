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

    def observe(self, teacher, grade: str, department: str, appraiser=None):
        appraisal = Appraisal(cycle_id=uuid.uuid4(), reviewee_id=teacher.staff_id, academy_id=teacher.academy_id,
                              template="teachers", appraiser_id=appraiser)
        appraisal.observations.append(Observation(
            appraisal_id=appraisal.id, kind="drop_in", observer_id=self.head.staff_id, observed_on=TODAY,
            focus="Adaptive teaching", template_id=self.template.id, grades={"adaptive": grade},
            department=department, qa_round_id=self.round.id))
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


def test_the_head_sees_their_reviewee_s_small_cell_and_not_another_s(scene):
    tom, ann = scene.teachers[:2]
    scene.observe(tom, "Secure", "Maths", appraiser=scene.head.staff_id)
    scene.observe(ann, "Not yet", "History")
    head = as_(scene.head)
    shown = qa.qa_map(scene.uow, head, scene.round.id)
    by_department = {row["department"]: row["cells"][0] for row in shown["rows"]}
    assert by_department["Maths"]["band"] is Band.STRENGTH and by_department["Maths"]["hidden"] is None
    assert by_department["History"]["hidden"] is not None and by_department["History"]["teachers"] is None
    # History's one teacher must not be Oak's two less Maths's one: Oak's total goes too
    assert by_department[None]["hidden"] is not None
    assert qa.qa_map(scene.uow, scene.oak_hr, scene.round.id)["rows"][1]["cells"][0]["teachers"] == 1


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


def test_the_smallest_cell_is_trust_hr_s_to_set_and_never_below_three(scene):
    with pytest.raises(Forbidden):
        qa.change_settings(scene.uow, scene.oak_hr, {"min_cell": 4})
    with pytest.raises(Unprocessable, match="3 to 20"):
        qa.change_settings(scene.uow, scene.trust_hr, {"min_cell": 2})
    assert scene.uow.commits == 0 and scene.uow.audits == []
    assert qa.change_settings(scene.uow, scene.trust_hr, {"min_cell": 5}) == {"min_cell": 5}
    assert scene.uow.audits[0]["changes"] == {"min_cell": [3, 5]}

