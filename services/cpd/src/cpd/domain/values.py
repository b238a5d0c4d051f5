"""Value types and helpers every CPD sub-domain shares: money to the penny, dates as people write them."""
from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

PENNY = Decimal("0.01")


def in_words(day: date) -> str:
    """A date as a refusal shows it to the person who typed it: 1 March 2027."""
    return f"{day.day} {day:%B %Y}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))

