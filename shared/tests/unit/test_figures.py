"""Means and shares rounded as a hand count gives them: a half goes up, at every .x5 boundary."""
from __future__ import annotations

from decimal import Decimal

import pytest

from staffroom_shared.figures import half_up, mean, ratio


def test_the_outsiders_ratings_average_three_point_three_not_three_point_two():
    assert mean([3, 4, 5, 1]) == 3.3  # 3.25: round() gave 3.2


@pytest.mark.parametrize("values, shown", [
    ([1, 2], 1.5), ([2, 2, 2, 3], 2.3), ([4, 4, 4, 5], 4.3), ([1, 1, 1, 2], 1.3), ([3, 3, 3, 4], 3.3),
    ([4, 5, 5, 5], 4.8), ([1, 2, 2, 2], 1.8), ([5] * 19 + [4], 5.0), ([1] * 19 + [2], 1.1), ([0] * 19 + [1], 0.1),
])
def test_a_mean_on_a_half_rounds_up(values, shown):
    assert mean(values) == shown


@pytest.mark.parametrize("value, places, shown", [
    (0.05, 1, 0.1), (0.15, 1, 0.2), (0.25, 1, 0.3), (2.675, 2, 2.68), (1.005, 2, 1.01), (12.5, 0, 13.0),
    (0.125, 2, 0.13), (0.24, 1, 0.2), (Decimal("3.25"), 1, 3.3), (-0.25, 1, -0.3),
])
def test_half_up_at_the_boundaries(value, places, shown):
    assert half_up(value, places) == shown


def test_a_mean_of_a_third_is_not_pushed_up():
    assert mean([1, 1, 2]) == 1.3 and mean([1, 2, 2]) == 1.7 and mean([1, 1, 2], 2) == 1.33


def test_no_values_no_mean_and_none_stays_none():
    assert mean([]) is None and half_up(None) is None


def test_a_percentage_on_a_half_rounds_up_and_nothing_over_nothing_is_none():
    assert ratio(1, 8, 1, 100) == 12.5 and ratio(1, 16, 1, 100) == 6.3 and ratio(1, 8, 0, 100) == 13.0
    assert ratio(3, 0) is None and ratio(3, None) is None
