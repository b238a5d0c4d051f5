"""Finding and keeping programmes and cohorts (with the lock that guards a cohort's places), the trust's CPD
settings, academies' budgets and what was spent against them."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, or_, select, update

from staffroom_shared.uow import Repository

from ..domain.catalogue import Cohort, Policy, Programme, ProgrammeKind
from ..domain.enrolments import EnrolmentStatus
from .orm import academies, budgets, cohorts, enrolments, programmes, settings


@dataclass
class ProgrammeFilter:
    available_to: uuid.UUID | None = None  # a member of staff's academy: its own and trust-wide programmes
    academy_ids: list[uuid.UUID] | None = None  # HR: only these academies' (and trust-wide) programmes
    include_inactive: bool = False
    text: str | None = None
    kind: str | None = None
    tag: str | None = None
    npq: str | None = None
    delivery_mode: str | None = None
    min_cost: Decimal | None = None
    max_cost: Decimal | None = None
    academy_id: uuid.UUID | None = None  # offered by this academy
    trust_wide: bool | None = None


class Catalogue(Repository):
    # -- programmes
    def programme(self, programme_id: uuid.UUID) -> Programme | None:
        return self.session.get(Programme, programme_id)

    def add_programme(self, programme: Programme) -> None:
        self.session.add(programme)

    def programmes(self, f: ProgrammeFilter, *, page: int, page_size: int) -> tuple[list[Programme], int]:
        query = select(Programme)
        if not f.include_inactive:
            query = query.where(Programme.active.is_(True))
        if f.available_to is not None:
            query = query.where(or_(Programme.academy_id.is_(None), Programme.academy_id == f.available_to))
        if f.academy_ids is not None:
            query = query.where(or_(Programme.academy_id.is_(None), Programme.academy_id.in_(f.academy_ids)))
        if f.text:
            like = f"%{f.text.lower()}%"
            query = query.where(or_(func.lower(Programme.title).like(like), func.lower(Programme.provider).like(like),
                                    func.lower(Programme.description).like(like)))
        for name in ("kind", "npq", "delivery_mode"):
            if getattr(f, name) is not None:
                query = query.where(getattr(Programme, name) == getattr(f, name))
        if f.min_cost is not None:
            query = query.where(Programme.cost >= f.min_cost)
        if f.max_cost is not None:
            query = query.where(Programme.cost <= f.max_cost)
        if f.academy_id is not None:
            query = query.where(Programme.academy_id == f.academy_id)
        if f.trust_wide is not None:
            query = query.where(Programme.academy_id.is_(None) if f.trust_wide else Programme.academy_id.is_not(None))
        items = list(self.session.scalars(query.order_by(Programme.title, Programme.id)))
        if f.tag:  # tags are a JSON list: filtered here, the same on SQLite and PostgreSQL
            items = [p for p in items if f.tag.lower() in (t.lower() for t in p.tags)]
        return items[(page - 1) * page_size: page * page_size], len(items)

    def programme_of_kind(self, kind: ProgrammeKind, academy_id: uuid.UUID, npq: str | None = None,
                          titled: str | None = None) -> Programme | None:
        """The programme of this kind offered to the academy (an NPQ of this code; one whose title says `titled`):
        its own before the trust's, then by title."""
        query = select(Programme).where(Programme.kind == kind, Programme.active.is_(True),
                                        or_(Programme.academy_id.is_(None), Programme.academy_id == academy_id))
        if npq is not None:
            query = query.where(Programme.npq == npq)
        found = [p for p in self.session.scalars(query) if titled is None or titled in p.title.lower()]
        found.sort(key=lambda p: (p.academy_id is None, p.title))
        return found[0] if found else None

    # -- cohorts
    def cohort(self, cohort_id: uuid.UUID) -> Cohort | None:
        return self.session.get(Cohort, cohort_id)

    def add_cohort(self, cohort: Cohort) -> None:
        self.session.add(cohort)

    def cohorts_of(self, programme_id: uuid.UUID) -> list[Cohort]:
        return list(self.session.scalars(select(Cohort).where(Cohort.programme_id == programme_id)
                                         .order_by(Cohort.starts_on, Cohort.name)))

    def lock_cohort(self, cohort_id: uuid.UUID) -> int | None:
        """Lock the cohort row until commit (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
        writers) and return its waiting-list counter; None if there is no such cohort."""
        return self.session.scalar(select(cohorts.c.waiting_seq).where(cohorts.c.id == cohort_id).with_for_update())

    def locked_cohort(self, cohort_id: uuid.UUID) -> tuple[Cohort, int] | None:
        """The cohort, locked until commit, and its waiting-list counter (read after the lock, so fresh)."""
        seq = self.lock_cohort(cohort_id)
        if seq is None:
            return None
        return self.session.get(Cohort, cohort_id, populate_existing=True), seq

    def set_waiting_seq(self, cohort_id: uuid.UUID, value: int) -> None:
        self.session.execute(update(cohorts).where(cohorts.c.id == cohort_id).values(waiting_seq=value))

    def places(self, cohort_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, int]]:
        """{cohort id: {"confirmed": n, "waiting": n}} (completed places count as taken)."""
        out = {c: {"confirmed": 0, "waiting": 0} for c in cohort_ids}
        if not cohort_ids:
            return out
        rows = self.session.execute(
            select(enrolments.c.cohort_id, enrolments.c.status, func.count())
            .where(enrolments.c.cohort_id.in_(cohort_ids),
                   enrolments.c.status.in_([EnrolmentStatus.CONFIRMED, EnrolmentStatus.WAITING]))
            .group_by(enrolments.c.cohort_id, enrolments.c.status))
        for cohort_id, status, count in rows:
            out[cohort_id]["confirmed" if EnrolmentStatus(status) == EnrolmentStatus.CONFIRMED else "waiting"] = count
        return out

    # -- settings and budgets
    def policy(self) -> Policy:
        row = self.session.execute(select(settings).where(settings.c.id == 1)).first()
        if row is None:
            return Policy()
        return Policy(approval_threshold=Decimal(row.approval_threshold), agreement_threshold=Decimal(row.agreement_threshold),
                      repayment_schedule=tuple(tuple(band) for band in row.repayment_schedule))

    def save_policy(self, approval_threshold: Decimal, agreement_threshold: Decimal, repayment_schedule: list) -> None:
        values = {"approval_threshold": approval_threshold, "agreement_threshold": agreement_threshold,
                  "repayment_schedule": repayment_schedule}
        if self.session.execute(update(settings).where(settings.c.id == 1).values(**values)).rowcount == 0:
            self.session.execute(insert(settings).values(id=1, **values))

    def budget(self, academy_id: uuid.UUID, year_starting: int) -> Decimal | None:
        return self.session.scalar(select(budgets.c.amount).where(
            budgets.c.academy_id == academy_id, budgets.c.year_starting == year_starting))

    def set_budget(self, academy_id: uuid.UUID, year_starting: int, amount: Decimal, *, new: bool) -> None:
        if new:
            self.session.execute(insert(budgets).values(academy_id=academy_id, year_starting=year_starting, amount=amount))
        else:
            self.session.execute(update(budgets).where(budgets.c.academy_id == academy_id,
                                                       budgets.c.year_starting == year_starting).values(amount=amount))

    def budgets(self, academy_ids: list[uuid.UUID] | None, year_starting: int | None = None) -> list[dict]:
        query = select(budgets).order_by(budgets.c.year_starting, budgets.c.academy_id)
        if academy_ids is not None:
            query = query.where(budgets.c.academy_id.in_(academy_ids))
        if year_starting is not None:
            query = query.where(budgets.c.year_starting == year_starting)
        return [dict(r._mapping) for r in self.session.execute(query)]

    def spent_places(self, statuses: tuple[EnrolmentStatus, ...], first: date, last: date,
                     academy_ids: list[uuid.UUID] | None) -> list[tuple]:
        """(academy id, programme id, programme title, places, total cost) for places in these statuses in cohorts
        starting from `first` to `last`, in the academies given (None: all)."""
        query = (select(enrolments.c.academy_id, enrolments.c.programme_id, programmes.c.title,
                        func.count(), func.sum(enrolments.c.cost))
                 .join(cohorts, cohorts.c.id == enrolments.c.cohort_id)
                 .join(programmes, programmes.c.id == enrolments.c.programme_id)
                 .where(enrolments.c.status.in_(statuses), cohorts.c.starts_on.between(first, last))
                 .group_by(enrolments.c.academy_id, enrolments.c.programme_id, programmes.c.title))
        if academy_ids is not None:
            query = query.where(enrolments.c.academy_id.in_(academy_ids))
        return list(self.session.execute(query))

    def academy_names(self) -> dict[uuid.UUID, str]:
        return dict(self.session.execute(select(academies.c.academy_id, academies.c.name)).all())
