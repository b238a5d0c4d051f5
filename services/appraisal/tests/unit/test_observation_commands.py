"""Observation templates, observations on them and coaching action steps, as commands against the in-memory
repositories (issue 24): what each changes and audits, that none publishes an event, and that a refusal commits
nothing."""
from __future__ import annotations

from datetime import date

import pytest

from staffroom_shared.errors import Forbidden, Unprocessable

from appraisal.service import appraisals as commands
from appraisal.service import observation_templates as templates

from .test_commands import ELM, OAK, Trust, as_, unchanged

CRITERIA = [{"key": "behaviour", "label": "Behaviour", "grades": [{"label": "Secure", "band": "strength"},
                                                                   {"label": "Not yet", "band": "intervention"}]},
            {"key": "questioning", "label": "Questioning", "grades": []}]


@pytest.fixture
def trust() -> Trust:
    return Trust()


def make(trust: Trust, who=None, **more):
    return templates.create_template(trust.uow, who or trust.hr, {"name": "Lesson observation",
                                                                   "kind": "lesson_observation", "academy_id": OAK,
                                                                   "criteria": CRITERIA, **more})


def test_academy_hr_make_their_academy_s_template_audited_without_events(trust):
    made = make(trust)
    assert trust.uow.templates.get(made.id) is made and made.criteria[0].grades[0].band.value == "strength"
    assert trust.uow.audits[-1]["action"] == "observation_template.created" and trust.uow.published == []


def test_academy_hr_cannot_make_a_trust_wide_or_another_academy_s_template(trust):
    with pytest.raises(Forbidden, match="only trust HR keep the trust-wide templates"):
        unchanged(trust, lambda: make(trust, academy_id=None))
    with pytest.raises(Forbidden):
        unchanged(trust, lambda: make(trust, academy_id=ELM))
    assert make(trust, trust.trust_hr, academy_id=None).academy_id is None


def test_an_observation_s_grades_are_checked_against_its_template_and_refusal_commits_nothing(trust):
    made, a = make(trust, notice_days=3), trust.open()
    body = {"template_id": made.id, "observed_on": date(2026, 9, 21), "focus": "Routines",
            "notice_given_on": date(2026, 9, 18)}
    with pytest.raises(Unprocessable, match="'Good' is not a grade for criterion 'Behaviour'"):
        unchanged(trust, lambda: commands.add_observation(trust.uow, as_(trust.head), a.id,
                                                          {**body, "grades": {"behaviour": "Good"}}))
    with pytest.raises(Unprocessable, match="needs 3 days' notice, and the teacher had 1"):
        unchanged(trust, lambda: commands.add_observation(trust.uow, as_(trust.head), a.id,
                                                          {**body, "notice_given_on": date(2026, 9, 20)}))
    seen = commands.add_observation(trust.uow, as_(trust.head), a.id, {**body, "grades": {"behaviour": "Secure"}})
    assert (seen.kind.value, seen.grades, seen.template_id) == ("lesson_observation", {"behaviour": "Secure"}, made.id)
    assert trust.uow.templates.in_use(made.id)


def test_action_steps_are_written_by_the_appraiser_and_followed_up_once_audited(trust):
    a = trust.open()
    with pytest.raises(Forbidden):
        unchanged(trust, lambda: commands.agree_action_step(trust.uow, as_(trust.teacher), a.id, {
            "step": "Mine", "follow_up_on": date(2026, 10, 15)}, today=date(2026, 10, 1)))
    step = commands.agree_action_step(trust.uow, as_(trust.head), a.id, {
        "step": "Wait five seconds", "follow_up_on": date(2026, 10, 15)}, today=date(2026, 10, 1))
    commands.follow_up_action_step(trust.uow, as_(trust.head), a.id, step.id, "Waits every time",
                                   today=date(2026, 10, 15))
    assert a.action_steps == [step] and step.seen_at_follow_up == "Waits every time"
    assert [x["action"] for x in trust.uow.audits][-2:] == ["agree_a_coaching_action_step",
                                                             "follow_up_a_coaching_action_step"]
    assert trust.uow.published[-1].type == "appraisal.cycle_opened"  # nothing published since the opening
