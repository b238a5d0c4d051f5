"""People as the rules look them up (domain.rules.People): a member of staff from the staff copy (someone who has
left gets no more messages), and an academy's HR contacts, falling back to the trust's."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from ..domain.preferences import still_here
from ..domain.rules import Person


class People:
    """On a unit of work's (or a read session's) `staff` and `contacts` repositories, as of `today`."""

    def __init__(self, staff, contacts, today: date | None = None):
        self.staff, self.contacts = staff, contacts
        self.today = today or datetime.now(timezone.utc).date()

    def __call__(self, staff_id: uuid.UUID | None) -> Person | None:
        if staff_id is None:
            return None
        found = self.staff.find(staff_id)
        if found is None or not still_here(found[1], self.today):
            return None
        return found[0]

    def in_group(self, academy_id: uuid.UUID | None, staff_type: str | None) -> list[Person]:
        """Everyone still here at this academy (None: the trust) of this staff type (None: any)."""
        return [p for p in map(self, self.staff.in_group(academy_id, staff_type)) if p is not None]

    def hr(self, academy_id: uuid.UUID | None, fallback: bool = True) -> list[Person]:
        """The academy's HR contacts (None: the trust's); with `fallback`, the trust's if the academy has none."""
        for academy in [str(academy_id)] if academy_id and not fallback else \
                ([str(academy_id)] if academy_id else []) + [""]:
            found = [p for p in map(self, self.contacts.of(academy)) if p is not None]
            if found:
                return found
        return []
