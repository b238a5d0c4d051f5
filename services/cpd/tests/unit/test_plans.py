"""Development plan rules: suggestions without duplicates, the item life cycle, who counts as an ECT, next steps for a role."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from cpd.domain.catalogue import ProgrammeKind
from cpd.domain.errors import IllegalTransition
from cpd.domain.plans import DevelopmentPlan, PlanItem, PlanItemSource, PlanItemStatus
from cpd.domain.plans import programme_for_role
from cpd.domain.values import Person


def _plan() -> DevelopmentPlan:
    return DevelopmentPlan(staff_id=uuid.uuid4(), academy_id=uuid.uuid4(), role="Teacher", created_on=date(2026, 9, 1),
                           created_because="joined")


def _item(**kwargs) -> PlanItem:
    return PlanItem(plan_id=uuid.uuid4(), title=kwargs.pop("title", "Adaptive teaching"),
                    source=kwargs.pop("source", PlanItemSource.DEVELOPMENT_NEED), **kwargs)


def test_a_development_need_is_suggested_once_however_often_it_arrives():
    plan, need = _plan(), uuid.uuid4()
    first = plan.suggest(_item(development_need_id=need))
    assert first is not None and first.plan_id == plan.id and first.status == PlanItemStatus.SUGGESTED
    assert plan.suggest(_item(development_need_id=need, title="Worded differently")) is None
    assert plan.suggest(_item(development_need_id=uuid.uuid4())) is not None
    assert len(plan.items) == 2


def test_the_same_programme_for_the_same_reason_is_suggested_once_but_for_another_reason_again():
    plan, programme = _plan(), uuid.uuid4()
    assert plan.suggest(_item(source=PlanItemSource.INDUCTION, programme_id=programme)) is not None
    assert plan.suggest(_item(source=PlanItemSource.INDUCTION, programme_id=programme)) is None
    assert plan.suggest(_item(source=PlanItemSource.PROMOTION, programme_id=programme)) is not None


@pytest.mark.parametrize("start,to", [
    ("suggested", "accepted"), ("suggested", "dismissed"), ("accepted", "done"), ("accepted", "dismissed"),
    ("dismissed", "accepted")])
def test_plan_items_move_as_the_member_of_staff_decides(start, to):
    item = _item(status=start)
    item.move_to(PlanItemStatus(to))
    assert item.status == to


@pytest.mark.parametrize("start,to,words", [
    ("suggested", "done", "is only suggested, so it cannot be marked done; accept it first"),
    ("done", "dismissed", "is done, so it cannot be dismissed$"), ("done", "accepted", "is done, so it cannot be accepted$"),
    ("dismissed", "done", "is dismissed, so it cannot be marked done; accept it first"),
    ("accepted", "accepted", "is accepted, so it cannot be accepted$")])
def test_plan_items_cannot_skip_or_undo_steps(start, to, words):
    item = _item(status=start)
    with pytest.raises(IllegalTransition, match=f"this plan item {words}"):
        item.move_to(PlanItemStatus(to))
    assert item.status == start


def _person(post: str, staff_type: str = "teaching") -> Person:
    return Person(staff_id=uuid.uuid4(), academy_id=uuid.uuid4(), first_name="A", last_name="B", staff_type=staff_type,
                  post=post, start_date=date(2026, 9, 1), leaving_date=None, line_manager_id=None)


@pytest.mark.parametrize("post,staff_type,ect", [
    ("Early Career Teacher", "teaching", True), ("ECT", "teaching", True), ("Teacher of Science (ECT2)", "teaching", True),
    ("ECT - Year 4", "teaching", True), ("early career teacher of maths", "teaching", True),
    ("Teacher of Maths", "teaching", False), ("ECT Induction Administrator", "support", False),
    ("Selected teacher", "teaching", False)])
def test_who_gets_the_ect_induction(post, staff_type, ect):
    assert _person(post, staff_type).early_career_teacher is ect


@pytest.mark.parametrize("post,staff_type,step", [
    ("Headteacher", "leadership", (ProgrammeKind.NPQ, "NPQH", None)),
    ("Deputy Headteacher", "leadership", (ProgrammeKind.NPQ, "NPQSL", None)),
    ("Assistant Head", "leadership", (ProgrammeKind.NPQ, "NPQSL", None)),
    ("Executive Headteacher", "leadership", (ProgrammeKind.NPQ, "NPQEL", None)),
    ("SENCO", "teaching", (ProgrammeKind.NPQ, "NPQSENCO", None)),
    ("Head of Maths", "teaching", (ProgrammeKind.MIDDLE_LEADERSHIP, None, None)),
    ("Phase Leader (KS2)", "teaching", (ProgrammeKind.MIDDLE_LEADERSHIP, None, None)),
    # issue 20: a teaching assistant was never offered the teaching assistant apprenticeship
    ("Teaching Assistant", "support", (ProgrammeKind.APPRENTICESHIP, None, "teaching assistant")),
    ("Senior Teaching Assistant", "support", (ProgrammeKind.APPRENTICESHIP, None, "teaching assistant")),
    ("HLTA", "support", (ProgrammeKind.APPRENTICESHIP, None, "teaching assistant")),
    # outsider 5, issue 20: an office manager was offered the middle leadership programme, for leaders of teaching
    ("Office Manager", "support", None), ("Site Manager", "support", None), ("Data Lead", "support", None),
    ("Caretaker", "support", None),
    ("Teacher of English", "teaching", None)])
def test_the_usual_next_step_for_a_new_role(post, staff_type, step):
    assert programme_for_role(post, staff_type) == step


def test_a_leaver_is_in_post_until_their_leaving_date():
    person = Person(**{**_person("Teacher").__dict__, "leaving_date": date(2027, 7, 31)})
    assert person.in_post_on(date(2027, 7, 30)) and not person.in_post_on(date(2027, 7, 31))


def test_a_role_is_named_with_the_article_it_takes():
    """Outsider 5, issue 20: "The usual development for a office manager here"."""
    from cpd.domain.plans import _a

    assert (_a("assistant head"), _a("head of maths")) == ("an assistant head", "a head of maths")
