"""Lifecycle surveys' storage: the standing series and which runs are their pools."""
from __future__ import annotations

import uuid

from sqlalchemy import case, func, insert, select

from staffroom_shared.uow import Repository

from ..domain.lifecycle import LifecycleSeries
from ..domain.model import InvitationStatus, RunStatus, SurveyRun
from .orm import invitations, lifecycle_pools


class LifecycleRepository(Repository):
    """The onboarding and exit series (aggregates) and their pools (ordinary runs, marked with their kind)."""

    def series(self, kind: str, *, lock: bool = False) -> LifecycleSeries | None:
        query = select(LifecycleSeries).where(LifecycleSeries.kind == kind)
        return self.track(self.session.scalars(query.with_for_update() if lock else query).first())

    def every_series(self) -> list[LifecycleSeries]:
        return self.track_all(self.session.scalars(select(LifecycleSeries).order_by(LifecycleSeries.kind)))

    def add(self, series: LifecycleSeries) -> LifecycleSeries:
        self.session.add(series)
        return self.track(series)

    def add_pool(self, kind: str, pool: SurveyRun) -> SurveyRun:
        self.session.add(pool)
        self.session.flush()
        self.session.execute(insert(lifecycle_pools).values(run_id=pool.id, kind=kind))
        return self.track(pool)

    def pools(self, kind: str | None = None, *, status: RunStatus | None = None, lock: bool = False) -> list[SurveyRun]:
        """The pools (of one kind, of one status), in the order they opened; `lock`: FOR UPDATE."""
        query = (select(SurveyRun).join(lifecycle_pools, lifecycle_pools.c.run_id == SurveyRun.id)
                 .order_by(SurveyRun.opens_on, SurveyRun.id))
        if kind is not None:
            query = query.where(lifecycle_pools.c.kind == kind)
        if status is not None:
            query = query.where(SurveyRun.status == status)
        return self.track_all(self.session.scalars(query.with_for_update(of=SurveyRun) if lock else query))

    def kind_of(self, run_id: uuid.UUID) -> str | None:
        return self.session.scalar(select(lifecycle_pools.c.kind).where(lifecycle_pools.c.run_id == run_id))

    def invited(self, kind: str) -> set[uuid.UUID]:
        """Everyone a pool of this kind invited (each person is asked once per series)."""
        return set(self.session.scalars(
            select(invitations.c.staff_id).join(lifecycle_pools, lifecycle_pools.c.run_id == invitations.c.run_id)
            .where(lifecycle_pools.c.kind == kind)))

    def answered(self, run_id: uuid.UUID) -> int:
        """How many of a pool's invited have answered so far (a count, never who)."""
        return int(self.session.scalar(select(func.coalesce(func.sum(
            case((invitations.c.status == InvitationStatus.SUBMITTED, 1), else_=0)), 0))
            .where(invitations.c.run_id == run_id)))
