"""The QA map's rules (issue 24), without Flask or a database: rounds and six-weekly series around the summer, the
cells and their bands, suppression that no subtraction undoes, movement between rounds, pairs for coaching, and
actions from a cell."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from appraisal.domain.model import AppraisalError
from appraisal.domain.observations import Band, Criterion, Grade, Template
from appraisal.domain.qa import (
    ActionKind, ActionStatus, CellKey, Hidden, Movement, QaAction, QaRound, Seen, band_of, cells, min_cell, movement,
    previous_round, series_dates, series_names, suggest_pairs, suppress,
)

S, D, I = Band.STRENGTH, Band.DEVELOPMENT, Band.INTERVENTION
GRADES = (Grade("Secure", S), Grade("Developing", D), Grade("Not yet", I))
TEMPLATE = Template(name="Drop-in", kind="drop_in", criteria=(
    Criterion("adaptive", "Adaptive teaching", "TS5", GRADES), Criterion("notes", "Notes")))
OAK, ELM = uuid.UUID(int=1), uuid.UUID(int=2)
LABEL = {S: "Secure", D: "Developing", I: "Not yet"}


def seen(band: Band | None, academy=OAK, department="Maths", teacher=None, on=date(2026, 10, 1), appraiser=None):
    return Seen.of(TEMPLATE, teacher_id=teacher or uuid.uuid4(), academy_id=academy, department=department,
                   observed_on=on, grades={"adaptive": LABEL[band]} if band else {}, appraiser_id=appraiser)


def a_round(**more) -> QaRound:
    return QaRound(**{"name": "Autumn 1", "template_id": uuid.uuid4(), "academy_ids": [OAK, ELM],
                      "starts_on": date(2026, 9, 7), "ends_on": date(2026, 10, 16), **more})


# -- rounds and series

def test_an_observation_belongs_to_a_round_on_its_template_within_its_dates_in_a_covered_academy():
    r = a_round(academy_ids=[OAK])
    assert r.admits(r.template_id, date(2026, 9, 7), OAK) is None
    assert "its own template" in r.admits(uuid.uuid4(), date(2026, 9, 7), OAK)
    assert "outside it" in r.admits(r.template_id, date(2026, 10, 17), OAK)
    assert "does not cover" in r.admits(r.template_id, date(2026, 9, 8), ELM)


def test_a_round_ends_on_or_after_it_starts_and_covers_an_academy():
    with pytest.raises(AppraisalError, match="ends on or after"):
        a_round(ends_on=date(2026, 9, 1))
    with pytest.raises(AppraisalError, match="at least one academy"):
        a_round(academy_ids=[])


def test_a_six_weekly_series_runs_back_to_back():
    dates = series_dates(date(2026, 9, 7), 3, 6)
    assert dates == [(date(2026, 9, 7), date(2026, 10, 18)), (date(2026, 10, 19), date(2026, 11, 29)),
                     (date(2026, 11, 30), date(2027, 1, 10))]
    assert series_names("Drop-ins", 3) == ["Drop-ins (1 of 3)", "Drop-ins (2 of 3)", "Drop-ins (3 of 3)"]


def test_a_series_skips_august_ending_on_31_july_and_restarting_on_the_first_monday_of_september():
    dates = series_dates(date(2027, 6, 28), 3, 6)
    assert dates[0] == (date(2027, 6, 28), date(2027, 7, 31))
    assert dates[1][0] == date(2027, 9, 6)  # 1 September 2027 is a Wednesday
    assert dates[2][0] == date(2027, 9, 6) + timedelta(weeks=6)
    assert not any(start.month == 8 or end.month == 8 for start, end in dates)


@pytest.mark.parametrize("count, weeks", [(0, 6), (13, 6), (3, 0), (3, 27)])
def test_a_series_has_a_sensible_count_and_interval(count, weeks):
    with pytest.raises(AppraisalError):
        series_dates(date(2026, 9, 7), count, weeks)


def test_the_smallest_cell_is_never_below_three():
    assert min_cell(3) == 3 and min_cell(5) == 5
    with pytest.raises(AppraisalError, match="3 to 20"):
        min_cell(2)


# -- bands

@pytest.mark.parametrize("strength, development, intervention, band", [
    (2, 0, 1, I),  # a third needing intervention outweighs two thirds strong
    (2, 1, 0, S),  # two thirds strong
    (3, 2, 0, D),  # three fifths strong: not yet a strength
    (5, 3, 3, D),  # 3 of 11 need intervention: less than a third
    (0, 0, 1, I),
])
def test_a_cell_s_band_follows_the_shares_of_its_teachers_bands(strength, development, intervention, band):
    from collections import Counter
    assert band_of(Counter({S: strength, D: development, I: intervention})) is band


def test_each_teacher_counts_once_per_cell_by_their_latest_observation_in_the_round():
    tom = uuid.uuid4()
    found = cells(TEMPLATE, [seen(I, teacher=tom, on=date(2026, 9, 10)), seen(S, teacher=tom, on=date(2026, 10, 1)),
                             seen(S), seen(D, department="History"), seen(None, department="Art")])
    maths = found[CellKey("adaptive", OAK, "Maths")]
    assert maths.teachers == 2 and maths.counts[S] == 2 and maths.band is S
    assert found[CellKey("adaptive", OAK)].teachers == 3
    assert found[CellKey("adaptive")].teachers == 3
    assert CellKey("adaptive", OAK, "Art") not in found  # observed, but not graded on the criterion
    assert not any(k.criterion == "notes" for k in found)  # ungraded criteria make no cells


# -- suppression

def _hidden(observations, may_see=lambda s: False, smallest=3):
    found = cells(TEMPLATE, observations)
    return found, suppress(found, smallest, may_see)


def test_a_cell_of_fewer_than_three_teachers_is_hidden_and_every_total_over_teachers_the_viewer_may_not_see():
    found, hidden = _hidden([seen(S), seen(S), seen(S), seen(D, department="History"),  # History: one teacher
                             seen(S, department="Science"), seen(S, department="Science"), seen(I, department="Science"),
                             seen(S, department="Science")])
    assert hidden[CellKey("adaptive", OAK, "History")] is Hidden.FEW
    assert CellKey("adaptive", OAK, "Maths") not in hidden and CellKey("adaptive", OAK, "Science") not in hidden
    assert hidden[CellKey("adaptive", OAK)] is Hidden.OTHERS and hidden[CellKey("adaptive")] is Hidden.OTHERS
    _no_cell_recoverable(found, hidden)


def test_a_total_moves_by_one_hidden_teacher_only_for_someone_who_may_see_that_teacher():
    """Outsider, issue 24: the trust's row, read before and after one more teacher was observed in a small cell of
    another academy, moved by exactly that teacher's grades. A total is shown only to whoever may see all of it."""
    before = [seen(S), seen(S), seen(S)] + [seen(S, academy=ELM) for _ in range(3)]
    after = before + [seen(I, academy=ELM, department="Drama")]
    ours = lambda s: s.academy_id == OAK  # noqa: E731 - Oak's head: may see Oak's teachers only
    for observations in (before, after):
        found, hidden = _hidden(observations, may_see=ours)
        assert hidden[CellKey("adaptive")] is Hidden.OTHERS and hidden[CellKey("adaptive", ELM)] is Hidden.OTHERS
        assert CellKey("adaptive", OAK) not in hidden  # their own academy's total, every teacher theirs
    found, hidden = _hidden(after, may_see=lambda s: True)  # trust HR
    assert hidden == {} and found[CellKey("adaptive")].teachers == 7


def _no_cell_recoverable(found, hidden, smallest=3):
    """In every group, the hidden members (a total shown) hold at least `smallest` teachers between them."""
    for total in [k for k in found if k.department is None]:
        members = [k for k in found if k.criterion == total.criterion and (
            (total.academy_id is None and k.academy_id is not None and k.department is None)
            or (total.academy_id is not None and k.academy_id == total.academy_id and k.department is not None))]
        hidden_members = [m for m in members if m in hidden]
        if total not in hidden and hidden_members:
            assert sum(found[m].teachers for m in hidden_members) >= smallest, (total, hidden_members)


def test_a_viewer_who_may_see_every_teacher_in_a_small_cell_sees_it():
    mine = uuid.uuid4()
    found, hidden = _hidden([seen(S, appraiser=mine), seen(D, appraiser=mine)],
                            may_see=lambda s: s.appraiser_id == mine)
    assert hidden == {}
    found, hidden = _hidden([seen(S, appraiser=mine), seen(D)], may_see=lambda s: s.appraiser_id == mine)
    assert hidden[CellKey("adaptive", OAK, "Maths")] is Hidden.FEW


def test_a_larger_trust_setting_hides_more():
    _, hidden = _hidden([seen(S) for _ in range(4)], smallest=5)
    assert CellKey("adaptive", OAK, "Maths") in hidden


# -- movement

def test_movement_compares_bands():
    assert movement(S, D) is Movement.UP and movement(I, D) is Movement.DOWN
    assert movement(D, D) is Movement.SAME and movement(S, None) is Movement.NEW


def test_the_round_before_is_the_one_before_in_the_series_else_the_last_on_the_template():
    series = uuid.uuid4()
    first = a_round(series_id=series)
    second = a_round(series_id=series, template_id=first.template_id, starts_on=date(2026, 10, 19),
                     ends_on=date(2026, 11, 29))
    other = a_round(template_id=first.template_id, starts_on=date(2027, 1, 4), ends_on=date(2027, 2, 1))
    assert previous_round(second, [first, second, other]) is first
    assert previous_round(other, [first, second, other]) is second
    assert previous_round(first, [first, second, other]) is None


# -- sharing a strength

def test_pairs_give_each_colleague_one_coach_the_coaches_taking_turns():
    a, b, x, y, z = (uuid.uuid4() for _ in range(5))
    assert suggest_pairs([a, b], [x, y, z]) == [(a, x), (b, y), (a, z)]
    assert suggest_pairs([a], [a]) == []


# -- actions

def test_a_challenge_needs_an_idea_and_a_review_date_and_an_intervention_its_plan():
    base = {"round_id": uuid.uuid4(), "criterion": "adaptive", "academy_id": OAK, "department": "Maths",
            "owner_id": uuid.uuid4(), "band_then": I}
    with pytest.raises(AppraisalError, match="needs idea"):
        QaAction(kind=ActionKind.CHALLENGE, review_on=date(2027, 1, 1), **base)
    with pytest.raises(AppraisalError, match="review date"):
        QaAction(kind=ActionKind.CHALLENGE, details={"idea": "Mini whiteboards"}, **base)
    with pytest.raises(AppraisalError, match="success criteria and support and monitoring"):
        QaAction(kind=ActionKind.INTERVENTION, review_on=date(2027, 1, 1), **base)
    planned = QaAction(kind=ActionKind.INTERVENTION, review_on=date(2027, 1, 1), details={
        "success_criteria": "All secure", "support": "Coaching", "monitoring": "Drop-ins"}, **base)
    assert planned.status is ActionStatus.PLANNED


def test_an_action_is_reviewed_with_what_the_review_found_and_then_stays_reviewed():
    action = QaAction(round_id=uuid.uuid4(), criterion="adaptive", academy_id=OAK, department=None,
                      kind=ActionKind.CHALLENGE, owner_id=uuid.uuid4(), band_then=D, review_on=date(2027, 1, 1),
                      details={"idea": "Mini whiteboards"})
    with pytest.raises(AppraisalError, match="what the review found"):
        action.move_to(ActionStatus.REVIEWED, None, date(2027, 1, 2))
    action.move_to(ActionStatus.REVIEWED, "Most now check understanding", date(2027, 1, 2))
    with pytest.raises(AppraisalError, match="plan a new one"):
        action.move_to(ActionStatus.UNDER_WAY, None, date(2027, 1, 3))


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_is_recoverable_from_shown_cells_whatever_the_map(seed):
    import random
    rng = random.Random(seed)
    mine = uuid.uuid4()
    observations = [seen(rng.choice([S, D, I]), academy=rng.choice([OAK, ELM, uuid.UUID(int=3)]),
                         department=rng.choice(["Maths", "History", "Art", "Science"]),
                         appraiser=mine if rng.random() < 0.3 else None)
                    for _ in range(rng.randint(1, 14))]
    smallest = rng.choice([3, 4])
    found, hidden = _hidden(observations, may_see=lambda s: s.appraiser_id == mine, smallest=smallest)
    _no_cell_recoverable(found, hidden, smallest)
    for key, why in hidden.items():  # only what the viewer may not see in full is ever hidden
        assert not all(s.appraiser_id == mine for s in found[key].latest.values()), (key, why)


def test_an_action_cannot_be_reviewed_before_it_is_planned():
    """Outsider, issue 24: a challenge with its review a month ago was kept."""
    from appraisal.domain.qa import ActionKind, QaAction

    with pytest.raises(AppraisalError, match="has passed"):
        QaAction(round_id=uuid.uuid4(), criterion="adaptive", academy_id=OAK, department=None,
                 kind=ActionKind.CHALLENGE, owner_id=uuid.uuid4(), band_then=None,
                 review_on=date.today() - timedelta(days=30), details={"idea": "Mini whiteboards"})
    with pytest.raises(AppraisalError, match="^an intervention needs"):
        QaAction(round_id=uuid.uuid4(), criterion="adaptive", academy_id=OAK, department=None,
                 kind=ActionKind.INTERVENTION, owner_id=uuid.uuid4(), band_then=None, review_on=date.today())
