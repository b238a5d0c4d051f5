"""Money as people write it, the same in every service's words and every page: "£2,450", "£12.50"."""
from __future__ import annotations

from decimal import Decimal


def pounds(amount) -> str:
    return f"£{Decimal(str(amount)):,.2f}".removesuffix(".00")
