"""Finding and keeping places on national professional qualifications (domain.npq)."""
from __future__ import annotations

import uuid

from sqlalchemy import false, or_, select

from staffroom_shared.uow import Repository

from ..domain.npq import NpqPlace
from .orm import staff


class NpqPlaces(Repository):
    def add(self, place: NpqPlace) -> NpqPlace:
        self.session.add(place)
        self.session.flush()
        return self.track(place)

    def get(self, place_id: uuid.UUID, *, for_update: bool = False) -> NpqPlace | None:
        return self.track(self.session.get(NpqPlace, place_id, with_for_update=for_update or None))

    def of_staff(self, staff_id: uuid.UUID, *, for_update: bool = False) -> list[NpqPlace]:
        """The person's places, newest cohort first. `for_update` (registering) first locks the person's row in the
        staff copy (PostgreSQL), so two registrations at once, even the first, are checked one after the other
        against the rule that nobody holds two places on one NPQ."""
        query = select(NpqPlace).where(NpqPlace.staff_id == staff_id)
        if for_update:
            self.session.execute(select(staff.c.staff_id).where(staff.c.staff_id == staff_id).with_for_update())
            query = query.with_for_update()
        return self.track_all(self.session.scalars(query.order_by(NpqPlace.cohort_starts_on.desc(), NpqPlace.id)))

    def visible(self, scope: list[uuid.UUID] | None, caller_id: uuid.UUID | None, *, academy_id=None,
                short_code=None, staff_id=None) -> list[NpqPlace]:
        """HR of the academies in `scope` (None: all): theirs; and everyone their own and their reports' (as line
        manager), as development plans are read."""
        query = select(NpqPlace)
        mine = []
        if caller_id is not None:
            reports = select(staff.c.staff_id).where(staff.c.line_manager_id == caller_id)
            mine = [NpqPlace.staff_id == caller_id, NpqPlace.staff_id.in_(reports)]
        if scope is None:
            pass
        elif scope:
            query = query.where(or_(NpqPlace.academy_id.in_(scope), *mine))
        else:
            query = query.where(or_(*mine)) if mine else query.where(false())
        if academy_id is not None:
            query = query.where(NpqPlace.academy_id == academy_id)
        if short_code is not None:
            query = query.where(NpqPlace.short_code == short_code)
        if staff_id is not None:
            query = query.where(NpqPlace.staff_id == staff_id)
        return list(self.session.scalars(query.order_by(NpqPlace.cohort_starts_on.desc(), NpqPlace.short_code,
                                                         NpqPlace.staff_id, NpqPlace.id)))
