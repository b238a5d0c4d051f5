"""Observation templates' rules (issue 24), without Flask or a database: criteria, grade sets and their bands, and
an observation's grades checked against its template."""
from __future__ import annotations

import pytest

from appraisal.domain.model import AppraisalError
from appraisal.domain.observations import (
    Band, Criterion, Grade, GradeNotInSet, ObservationKind, Template, bands,
)

SECURE = (Grade("Secure", Band.STRENGTH), Grade("Developing", Band.DEVELOPMENT), Grade("Not yet", Band.INTERVENTION))


def criterion(key="behaviour", grades=SECURE, **more) -> Criterion:
    return Criterion(key=key, label=more.pop("label", key.capitalize()), standard=more.pop("standard", None),
                     grades=grades)


def template(*criteria: Criterion, **more) -> Template:
    return Template(name="Lesson observation", kind="lesson_observation",
                    criteria=criteria or (criterion(), criterion("questioning", ())), **more)


def test_observation_kinds_include_drop_ins_and_instructional_coaching():
    assert ObservationKind("drop_in") is ObservationKind.DROP_IN
    assert ObservationKind("instructional_coaching") is ObservationKind.INSTRUCTIONAL_COACHING
    assert ObservationKind.DROP_IN.label == "drop-in"


def test_a_template_may_mix_graded_and_ungraded_criteria():
    made = template()
    assert [c.graded for c in made.criteria] == [True, False]
    assert made.kind is ObservationKind.LESSON_OBSERVATION and made.academy_id is None and not made.retired


def test_a_template_has_one_to_twenty_criteria():
    with pytest.raises(AppraisalError, match="1 to 20 criteria"):
        Template(name="Empty", kind="drop_in", criteria=())
    with pytest.raises(AppraisalError, match="1 to 20 criteria"):
        template(*(criterion(f"c{i}", ()) for i in range(21)))
    assert len(template(*(criterion(f"c{i}", ()) for i in range(20))).criteria) == 20


def test_criterion_keys_are_unique_within_a_template():
    with pytest.raises(AppraisalError, match="repeated: behaviour"):
        template(criterion(), criterion(label="Behaviour again"))


def test_a_grade_set_is_empty_or_two_to_six_distinct_grades():
    with pytest.raises(AppraisalError, match="has 1 grades"):
        criterion(grades=(Grade("Secure", Band.STRENGTH),))
    with pytest.raises(AppraisalError, match="has 7 grades"):
        criterion(grades=tuple(Grade(f"G{i}", Band.STRENGTH) for i in range(7)))
    with pytest.raises(AppraisalError, match="same grade twice"):
        criterion(grades=(Grade("Secure", Band.STRENGTH), Grade("secure", Band.DEVELOPMENT)))
    assert criterion(grades=()).graded is False


def test_every_grade_has_a_band_the_qa_map_knows():
    with pytest.raises(AppraisalError, match="band must be one of strength, development, intervention"):
        Grade("Outstanding", "excellent")
    assert Grade("Outstanding", "strength").band is Band.STRENGTH


def test_a_criterion_s_standard_is_a_teachers_standard_or_none():
    assert criterion(standard="TS7").standard == "TS7"
    with pytest.raises(AppraisalError, match="not a Teachers' Standard"):
        criterion(standard="TS9")


def test_notice_is_none_or_up_to_sixty_days():
    assert template(notice_days=None).notice_days is None
    assert template(notice_days=5).notice_days == 5
    with pytest.raises(AppraisalError, match="notice is 0 to 60 days"):
        template(notice_days=61)


def test_grades_must_be_in_their_criterion_s_set_and_the_error_names_the_criterion():
    made = template()
    assert made.check_grades({"behaviour": "Secure"}) == {"behaviour": "Secure"}
    assert made.check_grades({}) == {}  # a graded criterion may be left out: not seen in a short visit
    with pytest.raises(GradeNotInSet, match="'Outstanding' is not a grade for criterion 'Behaviour'") as refused:
        made.check_grades({"behaviour": "Outstanding"})
    assert refused.value.criterion == "behaviour"
    with pytest.raises(GradeNotInSet, match="criterion 'Questioning' is not graded"):
        made.check_grades({"questioning": "Secure"})
    with pytest.raises(GradeNotInSet, match="'marking' is not a criterion"):
        made.check_grades({"marking": "Secure"})


def test_bands_give_each_graded_criterion_s_band_and_leave_out_the_ungraded():
    made = template(criterion(), criterion("questioning", ()),
                    criterion("feedback", (Grade("Strong", Band.STRENGTH), Grade("Weak", Band.INTERVENTION))))
    assert bands(made, {"behaviour": "Developing", "feedback": "Weak"}) == {
        "behaviour": Band.DEVELOPMENT, "feedback": Band.INTERVENTION}
    assert bands(made, {}) == {}


def test_criteria_are_stored_and_read_back_the_same():
    made = criterion(standard="TS4")
    assert Criterion.from_stored(made.stored()) == made


def test_a_template_s_criteria_stay_as_graded_once_used_and_a_refused_change_changes_nothing():
    made = template()
    with pytest.raises(AppraisalError, match="retire it and make a new one"):
        made.change({"criteria": (criterion("other", ()),)}, in_use=True)
    with pytest.raises(AppraisalError, match="notice is 0 to 60"):
        made.change({"name": "Renamed", "notice_days": 99}, in_use=False)
    assert made.name == "Lesson observation" and made.notice_days is None
    assert made.change({"retired": True, "name": "Old form"}, in_use=True) == {
        "retired": [False, True], "name": ["Lesson observation", "Old form"]}
