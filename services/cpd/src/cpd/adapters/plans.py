"""Finding and keeping development plans (their items come with them)."""
from __future__ import annotations

import uuid

from sqlalchemy import false, or_, select

from staffroom_shared.uow import Repository

from ..domain.plans import DevelopmentPlan
from .orm import staff


class Plans(Repository):
    def add(self, plan: DevelopmentPlan) -> DevelopmentPlan:
        self.session.add(plan)
        self.session.flush()  # one plan per person: a second one made at the same moment fails here
        return self.track(plan)

    def get(self, plan_id: uuid.UUID, *, for_update: bool = False) -> DevelopmentPlan | None:
        return self.track(self.session.get(DevelopmentPlan, plan_id, with_for_update=for_update or None))

    def of_staff(self, staff_id: uuid.UUID, *, for_update: bool = False) -> DevelopmentPlan | None:
        query = select(DevelopmentPlan).where(DevelopmentPlan.staff_id == staff_id)
        if for_update:
            query = query.with_for_update()
        return self.track(self.session.scalars(query).first())

    def visible(self, scope: list[uuid.UUID] | None, caller_id: uuid.UUID | None, *, academy_id=None,
                staff_id=None) -> list[DevelopmentPlan]:
        """Plans for HR of the academies in `scope` (None: all academies), and the caller's own and their
        reports' (as line manager)."""
        query = select(DevelopmentPlan)
        reports = select(staff.c.staff_id).where(staff.c.line_manager_id == caller_id)
        mine = [DevelopmentPlan.staff_id == caller_id] if caller_id else []
        if caller_id:
            mine.append(DevelopmentPlan.staff_id.in_(reports))
        if scope is None:
            pass
        elif scope:
            query = query.where(or_(DevelopmentPlan.academy_id.in_(scope), *mine))
        else:
            query = query.where(or_(*mine)) if mine else query.where(false())
        if academy_id is not None:
            query = query.where(DevelopmentPlan.academy_id == academy_id)
        if staff_id is not None:
            query = query.where(DevelopmentPlan.staff_id == staff_id)
        return list(self.session.scalars(query.order_by(DevelopmentPlan.academy_id, DevelopmentPlan.staff_id)))
