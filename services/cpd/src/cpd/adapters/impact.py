"""Finding and keeping CPD impact records, and the trust's interval before the impact check."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import false, insert, select, update

from staffroom_shared.uow import Repository

from ..domain.impact import DEFAULT_CHECK_AFTER_WEEKS, CpdImpact
from .orm import impact_settings, staff


class ImpactRecords(Repository):
    def add(self, record: CpdImpact) -> CpdImpact:
        self.session.add(record)
        return self.track(record)

    def for_enrolment(self, enrolment_id: uuid.UUID, *, for_update: bool = False) -> CpdImpact | None:
        query = select(CpdImpact).where(CpdImpact.enrolment_id == enrolment_id)
        if for_update:
            query = query.with_for_update()
        return self.track(self.session.scalars(query).first())

    def checks_to_ask(self, today: date) -> list[CpdImpact]:
        """Records whose check is due and whose line manager has not been asked, locked (the daily job asks once)."""
        query = (select(CpdImpact).where(CpdImpact.check_due_on <= today, CpdImpact.check_asked_on.is_(None),
                                         CpdImpact.impact_recorded_on.is_(None))
                 .order_by(CpdImpact.check_due_on, CpdImpact.id).with_for_update())
        return self.track_all(list(self.session.scalars(query)))

    def for_reports_of(self, manager_id: uuid.UUID) -> list[CpdImpact]:
        """The impact records of the people the manager line-manages now."""
        reports = select(staff.c.staff_id).where(staff.c.line_manager_id == manager_id)
        query = select(CpdImpact).where(CpdImpact.staff_id.in_(reports)).order_by(CpdImpact.check_due_on,
                                                                                    CpdImpact.id)
        return list(self.session.scalars(query))

    def of_staff(self, staff_id: uuid.UUID) -> list[CpdImpact]:
        return list(self.session.scalars(select(CpdImpact).where(CpdImpact.staff_id == staff_id)
                                         .order_by(CpdImpact.completed_on.desc(), CpdImpact.id)))

    def for_programme(self, programme_id: uuid.UUID, academy_ids: list[uuid.UUID] | None) -> list[CpdImpact]:
        query = select(CpdImpact).where(CpdImpact.programme_id == programme_id)
        if academy_ids is not None:
            query = query.where(CpdImpact.academy_id.in_(academy_ids)) if academy_ids else query.where(false())
        return list(self.session.scalars(query.order_by(CpdImpact.completed_on, CpdImpact.id)))

    def check_after_weeks(self) -> int:
        weeks = self.session.scalar(select(impact_settings.c.check_after_weeks).where(impact_settings.c.id == 1))
        return DEFAULT_CHECK_AFTER_WEEKS if weeks is None else weeks

    def save_check_after_weeks(self, weeks: int) -> None:
        changed = self.session.execute(update(impact_settings).where(impact_settings.c.id == 1)
                                       .values(check_after_weeks=weeks)).rowcount
        if changed == 0:
            self.session.execute(insert(impact_settings).values(id=1, check_after_weeks=weeks))
