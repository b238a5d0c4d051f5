"""Repository of pulse series and the runs each has made (its pulses)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import insert, select

from staffroom_shared.uow import Repository

from ..domain.pulses import PulseSeries, SeriesStatus
from .orm import pulses


class SeriesRepository(Repository):
    """Pulse series (aggregates) and their pulses."""

    def add(self, series: PulseSeries) -> PulseSeries:
        self.session.add(series)
        return self.track(series)

    def get(self, series_id: uuid.UUID, *, lock: bool = False) -> PulseSeries | None:
        """The series, or None; `lock`: FOR UPDATE (PostgreSQL), so a second daily job waits and finds it moved on."""
        query = select(PulseSeries).where(PulseSeries.id == series_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.track(self.session.scalars(query).first())

    def listed(self) -> list[PulseSeries]:
        return self.track_all(self.session.scalars(select(PulseSeries).order_by(PulseSeries.title, PulseSeries.id)))

    def active_ids(self) -> list[uuid.UUID]:
        """The series the daily job may have to make a pulse of."""
        return list(self.session.scalars(select(PulseSeries.id).where(PulseSeries.status == SeriesStatus.ACTIVE)
                                         .order_by(PulseSeries.id)))

    def made(self, series_id: uuid.UUID, opens_on: date, run_id: uuid.UUID) -> None:
        """Note the run as the series' pulse of that day; a second for the same day breaks the primary key."""
        self.session.flush()  # the run first: the row points at it
        self.session.execute(insert(pulses).values(series_id=series_id, opens_on=opens_on, run_id=run_id))

    def pulses(self, series_id: uuid.UUID) -> list[uuid.UUID]:
        """The runs the series made, oldest opening first."""
        return list(self.session.scalars(select(pulses.c.run_id).where(pulses.c.series_id == series_id)
                                         .order_by(pulses.c.opens_on)))
