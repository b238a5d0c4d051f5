"""England's bank holidays, for deadlines counted in working days (a subject access request's month, statutory
induction's working days): one rule for every service.

The `holidays` package keeps these, but it cannot be installed beside python-dateutil 4, which the suite pins.
"""
from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

# Bank holidays moved or added by proclamation (gov.uk/bank-holidays), by year: what the rules below do not give.
_PROCLAIMED = {
    2020: ({date(2020, 5, 4)}, {date(2020, 5, 8)}),  # early May moved to VE Day's 75th anniversary
    2022: ({date(2022, 5, 30)}, {date(2022, 6, 2), date(2022, 6, 3), date(2022, 9, 19)}),  # jubilee; state funeral
    2023: (set(), {date(2023, 5, 8)}),  # the coronation
}


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales's bank holidays in `year`: New Year's Day, Good Friday, Easter Monday, the first and last
    Mondays of May, the last Monday of August, Christmas Day and Boxing Day (Banking and Financial Dealings Act
    1971, Schedule 1, with Good Friday and Christmas Day as common-law holidays); a New Year's Day, Christmas Day or
    Boxing Day on a weekend has its substitute on the next weekday not already a holiday; and the years changed
    by proclamation."""
    days = {_weekday_on_or_after(date(year, 1, 1)), easter(year) - timedelta(days=2), easter(year) + timedelta(days=1),
            date(year, 5, 1) + relativedelta(weekday=MO(1)), date(year, 5, 31) + relativedelta(weekday=MO(-1)),
            date(year, 8, 31) + relativedelta(weekday=MO(-1))}
    christmas = _weekday_on_or_after(date(year, 12, 25))
    days |= {christmas, _weekday_on_or_after(max(date(year, 12, 26), christmas + timedelta(days=1)))}
    removed, added = _PROCLAIMED.get(year, (set(), set()))
    return frozenset((days - removed) | added)


def _weekday_on_or_after(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def working_day(day: date) -> bool:
    """A weekday that is not a bank holiday in England."""
    return day.weekday() < 5 and day not in bank_holidays(day.year)

