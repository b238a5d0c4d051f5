"""The cascade's rules (issue 24) without Flask or a database: levels and links, templates and the cap, how far
people have got; and the commands against in-memory repositories."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from staffroom_shared.errors import Forbidden, NotFound, Unprocessable
from staffroom_shared.principal import Principal

from appraisal.domain.model import (
    Appraisal, AppraisalError, Objective, Review, StaffGroup, StaffRecord, Stage, Status,
)
from appraisal.domain.priorities import (
    NO_SUCH_PRIORITY, Level, ObjectiveTemplate, Priority, Progress, RollUpViewer, Whose, below, cannot_take, counts,
    progress_of, school_year_of, seen_supporters, supporters,
)
from appraisal.service import cycles, objective_templates, priorities

from .fake_priorities import FakeCascadeUnitOfWork

OAK, ELM = uuid.uuid4(), uuid.uuid4()


def trust(title="Reading", year=2026) -> Priority:
    return Priority(level=Level.TRUST, school_year=year, title=title, description="x")


def academy(parent=None, academy_id=OAK, year=2026) -> Priority:
    return Priority(level=Level.ACADEMY, school_year=year, title="KS2 reading", description="x", academy_id=academy_id,
                    parent_id=parent.id if parent else None)


def team(parent) -> Priority:
    return Priority(level=Level.TEAM, school_year=2026, title="Year 6 reading", description="x",
                    academy_id=parent.academy_id, parent_id=parent.id, team="Year 6", owner_id=uuid.uuid4())


def appraisal(academy_id=OAK, status=Status.NOT_STARTED) -> Appraisal:
    return Appraisal(cycle_id=uuid.uuid4(), reviewee_id=uuid.uuid4(), academy_id=academy_id,
                     template=StaffGroup.TEACHERS, status=status)


def objective(a: Appraisal, priority: Priority | None = None) -> Objective:
    o = Objective(appraisal_id=a.id, title="x", description="x", type="pupil_outcomes", success_criteria="x",
                  priority_id=priority.id if priority else None)
    a.objectives.append(o)
    return o


# -- levels and links ----------------------------------------------------------------------------------------

def test_a_trust_priority_belongs_to_no_academy():
    with pytest.raises(AppraisalError, match="belongs to no academy"):
        Priority(level=Level.TRUST, school_year=2026, title="x", description="x", academy_id=OAK)


def test_a_team_priority_names_its_team_owner_and_academy_priority():
    with pytest.raises(AppraisalError, match="names its department or team"):
        Priority(level=Level.TEAM, school_year=2026, title="x", description="x", academy_id=OAK)


def test_an_academy_priority_serves_a_trust_priority_of_the_same_year_or_none():
    academy().may_serve(None)
    academy().may_serve(trust())
    with pytest.raises(AppraisalError, match="another school year"):
        academy().may_serve(trust(year=2025))
    with pytest.raises(AppraisalError, match="serves a trust priority"):
        academy().may_serve(academy())


def test_a_team_priority_serves_its_own_academy_s_priority_only():
    oak = academy(trust())
    team(oak).may_serve(oak)
    with pytest.raises(AppraisalError, match="another academy"):
        team(oak).may_serve(academy(academy_id=ELM))
    with pytest.raises(AppraisalError, match="serves one of its academy"):
        team(oak).may_serve(None)


def test_a_refused_link_reads_in_plain_english_and_names_the_field_it_is_about():
    """Outsider, issue 24: a team priority set to serve itself was refused with "an team priority serves a academy
    improvement-plan priority", and no pointer."""
    year6 = team(academy(trust()))
    with pytest.raises(AppraisalError, match="^a team priority serves an academy improvement-plan priority$") as no:
        year6.change({"parent_id": year6.id}, year6)
    assert no.value.field == "parent_id"
    with pytest.raises(AppraisalError, match="^an academy improvement-plan priority serves a trust priority$"):
        academy().may_serve(academy())
    with pytest.raises(AppraisalError, match="^an academy improvement-plan priority names its academy$") as no:
        Priority(level=Level.ACADEMY, school_year=2026, title="x", description="x")
    assert no.value.field == "academy_id"


def test_an_archived_priority_takes_no_new_links():
    parent = trust()
    parent.archive()
    with pytest.raises(AppraisalError, match="archived"):
        academy().may_serve(parent)
    with pytest.raises(AppraisalError, match="archived"):
        parent.may_link(appraisal(), 2026)


def test_an_objective_may_serve_the_trust_s_or_its_own_academy_s_priority_in_its_year():
    trust().may_link(appraisal(ELM), 2026)
    academy().may_link(appraisal(OAK), 2026)
    with pytest.raises(AppraisalError, match="^there is no such priority"):
        academy().may_link(appraisal(ELM), 2026)
    with pytest.raises(AppraisalError, match="not this appraisal's school year"):
        trust().may_link(appraisal(), 2027)


def test_below_finds_every_priority_under_one():
    top = trust()
    oak = academy(top)
    year6 = team(oak)
    other = trust("Attendance")
    assert below(top.id, [top, oak, year6, other]) == {top.id, oak.id, year6.id}
    assert below(oak.id, [top, oak, year6, other]) == {oak.id, year6.id}


def test_the_school_year_starts_in_august():
    assert school_year_of(date(2026, 9, 1)) == 2026 and school_year_of(date(2027, 7, 31)) == 2026
    assert school_year_of(date(2027, 8, 1)) == 2027


# -- templates ---------------------------------------------------------------------------------------------------

def person(post="Year 6 Teacher", staff_type="teaching") -> StaffRecord:
    return StaffRecord(staff_id=uuid.uuid4(), academy_id=OAK, first_name="Tom", last_name="Taylor", email="t@x",
                       staff_type=staff_type, post=post, start_date=date(2020, 9, 1))


def test_a_template_fits_the_post_whatever_its_case_and_spacing_and_the_staff_group():
    by_post = ObjectiveTemplate(title="x", type="pupil_outcomes", description="x", success_criteria="x",
                                post="year 6  teacher")
    assert by_post.fits(person()) and not by_post.fits(person("Year 5 Teacher"))
    both = ObjectiveTemplate(title="x", type="pupil_outcomes", description="x", success_criteria="x",
                             post="Year 6 teacher", staff_group="support")
    assert not both.fits(person())
    assert not ObjectiveTemplate(title="x", type="pupil_outcomes", description="x", success_criteria="x",
                                 post="Year 6 teacher", academy_id=ELM).fits(person())


def test_a_template_names_whom_it_is_for():
    with pytest.raises(AppraisalError, match="whom the template is for"):
        ObjectiveTemplate(title="x", type="pupil_outcomes", description="x", success_criteria="x")


def test_templates_that_would_pass_the_cap_are_refused_all_together():
    a = appraisal()
    for _ in range(5):
        objective(a)
    two = [ObjectiveTemplate(title=t, type="pupil_outcomes", description="x", success_criteria="x",
                             staff_group="teachers") for t in ("a", "b")]
    assert cannot_take(a, two[:1]) is None
    assert "at most 6" in cannot_take(a, two)
    assert "only until they are agreed" in cannot_take(appraisal(status=Status.OBJECTIVES_AGREED), two[:1])


# -- how far people have got -----------------------------------------------------------------------------------

def review(a: Appraisal, stage: Stage, ratings: dict) -> None:
    a.reviews.append(Review(appraisal_id=a.id, stage=stage, assessments={str(o.id): {"rating": r, "comment": ""}
                                                                        for o, r in ratings.items()},
                            overall_outcome="meets_expectations", completed_by=uuid.uuid4(),
                            completed_on=date(2027, 2, 1)))


def test_progress_comes_from_the_latest_review_s_rating_then_agreement():
    a = appraisal()
    o = objective(a)
    assert progress_of(a, o) == Progress.NOT_AGREED
    a.status = Status.OBJECTIVES_AGREED
    assert progress_of(a, o) == Progress.UNDER_WAY
    review(a, Stage.MID_YEAR, {o: "partially_met"})
    assert progress_of(a, o) == Progress.BEHIND
    review(a, Stage.END_OF_YEAR, {o: "exceeded"})
    assert progress_of(a, o) == Progress.MET


def test_a_person_counts_once_at_their_least_advanced_and_withdrawn_appraisals_not_at_all():
    p = trust()
    a = appraisal(status=Status.OBJECTIVES_AGREED)
    good, weak = objective(a, p), objective(a, p)
    review(a, Stage.MID_YEAR, {good: "met", weak: "not_met"})
    gone = appraisal(status=Status.WITHDRAWN)
    objective(gone, p)
    found = supporters([a, gone], {p.id})
    assert [(s.progress, s.objectives) for s in found] == [(Progress.BEHIND, 2)]
    assert counts(found) == {**{x.value: 0 for x in Progress}, "behind": 1}


# -- commands against fakes --------------------------------------------------------------------------------------

def as_(staff_id, *roles, academy_id=OAK) -> Principal:
    return Principal(staff_id=staff_id, roles=frozenset(roles or ("staff",)), academy_id=academy_id,
                     subject=str(staff_id))


@pytest.fixture
def school():
    uow = FakeCascadeUnitOfWork()
    head = person("Headteacher", "leadership")
    tom, lily = person(), person()
    tom.line_manager_id = lily.line_manager_id = head.staff_id
    for p in (head, tom, lily):
        uow.staff.add(p)
    hr = as_(uuid.uuid4(), "academy_hr")
    cycle = cycles.create_cycle(uow, hr, {"name": "2026/27", "template": "teachers", "academy_id": OAK,
                                          "school_year": 2026})
    cycles.open_cycle(uow, hr, cycle.id, today=date(2026, 10, 1))
    return uow, hr, head, tom, lily


def test_academy_hr_cannot_set_a_trust_priority_and_nothing_is_committed(school):
    uow, hr, *_ = school
    before = uow.commits
    with pytest.raises(Forbidden):
        priorities.create(uow, hr, {"level": "trust", "school_year": 2026, "title": "x", "description": "x"})
    assert uow.commits == before and uow.priorities.by_id == {}


def test_a_line_manager_sets_a_team_priority_they_own(school):
    uow, hr, head, tom, _ = school
    oak = priorities.create(uow, hr, {"level": "academy", "school_year": 2026, "title": "KS2", "description": "x"})
    mine = priorities.create(uow, as_(head.staff_id), {"level": "team", "school_year": 2026, "title": "Y6",
                                                       "description": "x", "team": "Year 6", "parent_id": oak.id})
    assert (mine.owner_id, mine.academy_id) == (head.staff_id, OAK)
    assert uow.audits[-1]["action"] == "priority.created"
    with pytest.raises(Forbidden):  # Tom manages nobody
        priorities.create(uow, as_(tom.staff_id), {"level": "team", "school_year": 2026, "title": "Y6",
                                                   "description": "x", "team": "Year 6", "parent_id": oak.id})


def test_apply_to_the_role_adds_drafts_to_those_it_fits_and_refuses_one_at_the_cap(school):
    uow, hr, head, tom, lily = school
    lily.post = "Year 5 teacher"
    made = objective_templates.create(uow, hr, {"title": "Reading", "type": "pupil_outcomes", "description": "x",
                                                "success_criteria": "x", "post": "Year 6 teacher"})
    answer = objective_templates.apply(uow, as_(head.staff_id), [made.id], None)
    [done] = answer["applied"]
    assert done["reviewee_id"] == tom.staff_id and answer["refused"] == []
    [a] = uow.appraisals.of(tom.staff_id)
    assert [o.title for o in a.objectives] == ["Reading"] and a.status == Status.NOT_STARTED
    assert uow.audits[-1]["action"] == "apply_objective_templates"
    for n in range(5):
        a.objectives.append(Objective(appraisal_id=a.id, title=f"o{n}", description="x", type="pupil_outcomes",
                                      success_criteria="x"))
    [b] = uow.appraisals.of(lily.staff_id)
    answer = objective_templates.apply(uow, as_(head.staff_id), [made.id], [a.id, b.id])
    assert [r["reviewee_id"] for r in answer["refused"]] == [tom.staff_id]
    assert [x["reviewee_id"] for x in answer["applied"]] == [lily.staff_id] and len(a.objectives) == 6


def test_apply_to_someone_you_do_not_appraise_is_404_and_commits_nothing(school):
    uow, hr, head, tom, lily = school
    made = objective_templates.create(uow, hr, {"title": "Reading", "type": "pupil_outcomes", "description": "x",
                                                "success_criteria": "x", "staff_group": "teachers"})
    [a] = uow.appraisals.of(tom.staff_id)
    before = uow.commits
    with pytest.raises(NotFound):
        objective_templates.apply(uow, as_(tom.staff_id), [made.id], [a.id])
    with pytest.raises(Unprocessable):
        objective_templates.apply(uow, as_(head.staff_id), [uuid.uuid4()], [a.id])
    assert uow.commits == before and a.objectives == []


# -- the roll-up is made only from the appraisals the viewer may see (outsider, issue 24) -------------------------

def test_a_viewer_sees_everyone_their_academy_or_their_own_reviewees_only():
    mine, other_manager = uuid.uuid4(), uuid.uuid4()
    a, b, c = appraisal(), appraisal(), appraisal(academy_id=ELM)
    a.appraiser_id, b.appraiser_id, c.appraiser_id = mine, other_manager, mine
    assert [RollUpViewer(Whose.TRUST).may_see(x) for x in (a, b, c)] == [True, True, True]
    assert [RollUpViewer(Whose.ACADEMY, academy_id=OAK).may_see(x) for x in (a, b, c)] == [True, True, False]
    assert [RollUpViewer(Whose.REVIEWEES, OAK, mine).may_see(x) for x in (a, b, c)] == [True, False, True]
    p = trust()
    for x in (a, b, c):
        objective(x, p)
    found = seen_supporters([a, b, c], {p.id}, RollUpViewer(Whose.REVIEWEES, OAK, mine))
    assert {s.appraisal_id for s in found} == {a.id, c.id}


@pytest.fixture
def roll_up_world():
    """Oak: Priya line-manages Tom; Ellie's appraiser is Ann. Elm: Eve. All serve one trust priority and Oak's."""
    uow = FakeCascadeUnitOfWork()
    uow.staff.save_academy(OAK, "Oak Primary", "1")
    uow.staff.save_academy(ELM, "Elm Primary", "2")
    priya, ann, tom, ellie, eve = (person() for _ in range(5))
    eve.academy_id = ELM
    tom.line_manager_id, ellie.line_manager_id = priya.staff_id, ann.staff_id
    for p in (priya, ann, tom, ellie, eve):
        uow.staff.add(p)
    reading = trust()
    ks2 = academy(reading)
    for p in (reading, ks2):
        uow.priorities.add(p)
    made = {}
    for who, appraiser, at in ((tom, priya, OAK), (ellie, ann, OAK), (eve, ann, ELM)):
        a = Appraisal(cycle_id=uuid.uuid4(), reviewee_id=who.staff_id, appraiser_id=appraiser.staff_id,
                      academy_id=at, template=StaffGroup.TEACHERS, status=Status.OBJECTIVES_AGREED)
        objective(a, ks2 if at == OAK else reading)
        uow.appraisals.add(a)
        made[who] = a
    return uow, {"priya": priya, "ann": ann}, made, (tom, ellie, eve)


VIEWERS = {
    "trust HR": lambda people: as_(uuid.uuid4(), "trust_hr"),
    "Elm's HR": lambda people: as_(uuid.uuid4(), "academy_hr", academy_id=ELM),
    "Oak's HR": lambda people: as_(uuid.uuid4(), "academy_hr"),
    "a line manager": lambda people: as_(people["priya"].staff_id),
}
# whom each viewer may not see, of Tom (Priya's reviewee), Ellie (Oak, Ann's) and Eve (Elm, Ann's)
UNSEEN = {"trust HR": [], "Elm's HR": [0, 1], "Oak's HR": [2], "a line manager": [1, 2]}


@pytest.mark.parametrize("kind", VIEWERS)
def test_a_viewer_s_roll_up_is_the_same_after_someone_they_may_not_see_is_reviewed(roll_up_world, kind):
    uow, people, made, reviewees = roll_up_world
    viewer = VIEWERS[kind](people)
    before = priorities.roll_up(uow, viewer, 2026, None)
    for index in UNSEEN[kind]:
        a = made[reviewees[index]]
        review(a, Stage.MID_YEAR, {a.objectives[0]: "not_met"})
    assert priorities.roll_up(uow, viewer, 2026, None) == before
    # ...and it does move when someone they may see is reviewed
    seen = [made[r] for i, r in enumerate(reviewees) if i not in UNSEEN[kind]]
    for a in seen:
        review(a, Stage.MID_YEAR, {a.objectives[0]: "not_met"})
    after = priorities.roll_up(uow, viewer, 2026, None)
    assert sum(r["counts"]["behind"] for r in after["priorities"]) > 0
    assert sum(r["counts"]["behind"] for r in before["priorities"]) == 0


def test_the_roll_up_says_whose_figures_they_are(roll_up_world):
    uow, people, *_ = roll_up_world
    made_from = priorities.roll_up(uow, as_(people["priya"].staff_id), 2026, None)["made_from"]
    assert (made_from["whom"], made_from["people"]) == (Whose.REVIEWEES, 1)
    assert made_from["words"] == ("Made only from the 1 person you appraise whose objectives serve these priorities: "
                                  "each figure is your reviewees', not the academy's or a team's.")
    made_from = priorities.roll_up(uow, as_(uuid.uuid4(), "academy_hr"), 2026, None)["made_from"]
    assert (made_from["whom"], made_from["people"]) == (Whose.ACADEMY, 2) and "Oak Primary" in made_from["words"]
    made_from = priorities.roll_up(uow, as_(uuid.uuid4(), "trust_hr"), 2026, None)["made_from"]
    assert (made_from["whom"], made_from["people"]) == (Whose.TRUST, 3) and "across the trust" in made_from["words"]


def test_staff_who_appraise_nobody_have_no_roll_up(roll_up_world):
    uow, people, made, (tom, *_) = roll_up_world
    with pytest.raises(Forbidden):
        priorities.roll_up(uow, as_(tom.staff_id), 2026, None)


# -- a priority one may not see is answered as one that never was ------------------------------------------------

def test_another_academy_s_priority_is_refused_as_if_it_did_not_exist(school):
    uow, hr, head, *_ = school
    elm = Priority(level=Level.ACADEMY, school_year=2026, title="Checking for understanding", description="x",
                   academy_id=ELM)
    uow.priorities.add(elm)
    answers = []
    for parent_id in (elm.id, uuid.uuid4()):
        with pytest.raises(Unprocessable) as refused:
            priorities.create(uow, as_(head.staff_id), {"level": "team", "school_year": 2026, "title": "Y6",
                                                        "description": "x", "team": "Year 6", "parent_id": parent_id})
        answers.append(refused.value.description)
    assert answers == [NO_SUCH_PRIORITY, NO_SUCH_PRIORITY]
    a = appraisal()
    with pytest.raises(AppraisalError, match="^there is no such priority"):
        elm.may_link(a, 2026)
