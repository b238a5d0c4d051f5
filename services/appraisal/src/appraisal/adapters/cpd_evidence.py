"""Appraisal's copy of CPD impact (cpd.intent_recorded, cpd.impact_recorded): kept per enrolment, the newer of two
events winning, and read back as evidence for a reviewee's appraisal."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update

from staffroom_shared.uow import Repository

from ..domain.cpd_evidence import CpdEvidence
from .orm import cpd_evidence

_BASE = ("staff_id", "programme_title", "completed_on")


class CpdEvidenceRepository(Repository):
    def _keep(self, enrolment_id: uuid.UUID, base: dict, values: dict, stamp: str, at: datetime) -> None:
        """Insert the enrolment's row, or update its part (`stamp` says which) unless a newer event set it."""
        exists = self.session.scalar(select(cpd_evidence.c.enrolment_id)
                                     .where(cpd_evidence.c.enrolment_id == enrolment_id).with_for_update())
        if exists is None:
            self.session.execute(insert(cpd_evidence).values(enrolment_id=enrolment_id, **base, **values,
                                                             **{stamp: at}))
            return
        column = cpd_evidence.c[stamp]
        self.session.execute(update(cpd_evidence).where(cpd_evidence.c.enrolment_id == enrolment_id,
                                                        or_(column.is_(None), column <= at))
                             .values(**values, **{stamp: at}))

    def keep_intent(self, data: dict, at: datetime) -> None:
        self._keep(data["enrolment_id"], {k: data[k] for k in _BASE},
                   {"intent": data["intent"], "satisfaction": data["satisfaction"],
                    "development_need_id": data["development_need_id"]}, "intent_at", at)

    def keep_impact(self, data: dict, at: datetime) -> None:
        self._keep(data["enrolment_id"], {k: data[k] for k in _BASE},
                   {"impact_rating": data["rating"], "impact_seen": data["seen"],
                    "impact_recorded_on": data["recorded_on"]}, "impact_at", at)

    def of_reviewee(self, staff_id: uuid.UUID) -> list[CpdEvidence]:
        rows = self.session.execute(select(cpd_evidence).where(cpd_evidence.c.staff_id == staff_id)
                                    .order_by(cpd_evidence.c.completed_on, cpd_evidence.c.enrolment_id))
        return [CpdEvidence(
            enrolment_id=r.enrolment_id, staff_id=r.staff_id, programme_title=r.programme_title,
            completed_on=r.completed_on, intent=r.intent, satisfaction=r.satisfaction, impact_rating=r.impact_rating,
            impact_seen=r.impact_seen, impact_recorded_on=r.impact_recorded_on,
            linked_to_development_need=r.development_need_id is not None) for r in rows]

    def forget(self, staff_id: uuid.UUID) -> None:
        """At erasure: what they wrote, and what was written about them, goes."""
        self.session.execute(delete(cpd_evidence).where(cpd_evidence.c.staff_id == staff_id))
