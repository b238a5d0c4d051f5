"""Figures as people work them out by hand: a mean or a share rounded half up ("3.25" reads "3.3"), the same in every
service's answers and every page.

Python's round() rounds half to even, and on a float's binary value, so a mean of 3.25 read "3.2" where a hand count
gives 3.3 (outsider, issue 24). Here the sum is added up exactly in decimal and rounded half up once.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal


def _decimal(value) -> Decimal:
    # str() of a float is its shortest repr, the number as it was written or as a hand count gives it
    return value if isinstance(value, Decimal) else Decimal(str(value))


def half_up(value, places: int = 1) -> float | None:
    """`value` to `places` decimals, a half rounded up (away from zero); None stays None."""
    if value is None:
        return None
    return float(_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def mean(values: Iterable, places: int = 1) -> float | None:
    """The mean of `values` to `places` decimals, a half rounded up; None if there are none."""
    values = [_decimal(v) for v in values]
    return half_up(sum(values) / len(values), places) if values else None


def ratio(numerator, denominator, places: int = 1, scale: int = 1) -> float | None:
    """numerator × scale / denominator (scale 100 for a percentage) to `places` decimals, a half rounded up; None
    when the denominator is 0 or None."""
    if not denominator:
        return None
    return half_up(_decimal(numerator) * scale / _decimal(denominator), places)
