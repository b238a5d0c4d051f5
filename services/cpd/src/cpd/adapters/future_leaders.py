"""Finding and keeping future leaders' nominations (with their shadowing placements) and secondments."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import or_, select

from staffroom_shared.uow import Repository

from ..domain.future_leaders import Nomination, NominationStatus, Secondment, SecondmentStatus, Shadowing

OPEN_NOMINATION = (NominationStatus.NOMINATED, NominationStatus.ACCEPTED)


class Nominations(Repository):
    def add(self, nomination: Nomination) -> Nomination:
        self.session.add(nomination)
        self.session.flush()
        return self.track(nomination)

    def add_shadowing(self, placement: Shadowing) -> Shadowing:
        self.session.add(placement)
        self.session.flush()  # after its nomination
        return placement

    def get(self, nomination_id: uuid.UUID, *, for_update: bool = False) -> Nomination | None:
        return self.track(self.session.get(Nomination, nomination_id, with_for_update=for_update or None))

    def open_for(self, staff_id: uuid.UUID) -> Nomination | None:
        """The person's nomination still open (nominated, or accepted)."""
        return self.session.scalars(select(Nomination).where(
            Nomination.staff_id == staff_id, Nomination.status.in_(OPEN_NOMINATION))).first()

    def visible(self, scope: list[uuid.UUID] | None, caller_id: uuid.UUID | None, *, academy_id=None,
                status=None) -> list[Nomination]:
        """HR of the academies in `scope` (None: all): theirs. Others: their own, and those they nominated."""
        query = select(Nomination)
        if scope is None:
            pass
        elif scope:
            query = query.where(Nomination.academy_id.in_(scope))
        elif caller_id is not None:
            query = query.where(or_(Nomination.staff_id == caller_id, Nomination.nominated_by == caller_id))
        else:
            return []
        if academy_id is not None:
            query = query.where(Nomination.academy_id == academy_id)
        if status is not None:
            query = query.where(Nomination.status == status)
        return list(self.session.scalars(query.order_by(Nomination.academy_id, Nomination.nominated_on.desc(),
                                                         Nomination.id)))

    def pathway(self, nomination_id: uuid.UUID) -> tuple[list[Shadowing], list[Secondment]]:
        shadowings = self.session.scalars(select(Shadowing).where(Shadowing.nomination_id == nomination_id)
                                          .order_by(Shadowing.starts_on))
        secondments = self.session.scalars(select(Secondment).where(Secondment.nomination_id == nomination_id)
                                           .order_by(Secondment.starts_on))
        return list(shadowings), list(secondments)


class Secondments(Repository):
    def add(self, secondment: Secondment) -> Secondment:
        self.session.add(secondment)
        self.session.flush()
        return self.track(secondment)

    def get(self, secondment_id: uuid.UUID, *, for_update: bool = False) -> Secondment | None:
        return self.track(self.session.get(Secondment, secondment_id, with_for_update=for_update or None))

    def due(self, today: date) -> list[Secondment]:
        """Planned or started secondments whose start date has come, locked (FOR UPDATE, PostgreSQL): a second
        daily run at the same moment waits, then finds them moved on."""
        return self.track_all(self.session.scalars(select(Secondment).where(
            or_(Secondment.status == SecondmentStatus.PLANNED, Secondment.status == SecondmentStatus.STARTED),
            Secondment.starts_on <= today).order_by(Secondment.starts_on, Secondment.id).with_for_update()).all())

    def visible(self, scope: list[uuid.UUID] | None, caller_id: uuid.UUID | None, *, academy_id=None,
                status=None) -> list[Secondment]:
        """HR of the academies in `scope` (None: all): secondments from or to them. Others: their own."""
        query = select(Secondment)
        if scope is None:
            pass
        elif scope:
            query = query.where(or_(Secondment.home_academy_id.in_(scope), Secondment.host_academy_id.in_(scope)))
        elif caller_id is not None:
            query = query.where(Secondment.staff_id == caller_id)
        else:
            return []
        if academy_id is not None:
            query = query.where(or_(Secondment.home_academy_id == academy_id, Secondment.host_academy_id == academy_id))
        if status is not None:
            query = query.where(Secondment.status == status)
        return list(self.session.scalars(query.order_by(Secondment.starts_on, Secondment.id)))
