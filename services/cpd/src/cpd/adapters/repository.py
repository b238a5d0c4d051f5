"""Finding programmes, cohorts, enrolments, agreements, the trust's settings and the local staff copy."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..domain.agreements import TrainingAgreement
from ..domain.catalogue import Cohort, Policy, Programme
from ..domain.enrolments import Enrolment, EnrolmentStatus
from .orm import budgets, cohorts, enrolments, settings, staff


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


@dataclass
class EnrolmentFilter:
    academy_ids: list[uuid.UUID] | None = None  # None: all
    visible_to: uuid.UUID | None = None  # not HR: own enrolments and those of the people they line-manage
    staff_id: uuid.UUID | None = None
    cohort_id: uuid.UUID | None = None
    programme_id: uuid.UUID | None = None
    status: EnrolmentStatus | None = None


class CpdRepository:
    def __init__(self, session: Session):
        self.session = session

    # -- the local staff copy
    def person(self, staff_id: uuid.UUID | None) -> dict | None:
        if staff_id is None:
            return None
        row = self.session.execute(select(staff).where(staff.c.staff_id == staff_id)).first()
        return dict(row._mapping) if row else None

    def line_manager_of(self, staff_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.scalar(select(staff.c.line_manager_id).where(staff.c.staff_id == staff_id))

    def reports_of(self, manager_id: uuid.UUID):
        return select(staff.c.staff_id).where(staff.c.line_manager_id == manager_id)

    # -- settings and budgets
    def policy(self) -> Policy:
        row = self.session.execute(select(settings).where(settings.c.id == 1)).first()
        if row is None:
            return Policy()
        return Policy(approval_threshold=Decimal(row.approval_threshold), agreement_threshold=Decimal(row.agreement_threshold),
                      repayment_schedule=tuple(tuple(band) for band in row.repayment_schedule))

    def budget(self, academy_id: uuid.UUID, year_starting: int) -> Decimal | None:
        return self.session.scalar(select(budgets.c.amount).where(
            budgets.c.academy_id == academy_id, budgets.c.year_starting == year_starting))

    def budgets(self, academy_ids: list[uuid.UUID] | None, year_starting: int | None = None) -> list[dict]:
        query = select(budgets).order_by(budgets.c.year_starting, budgets.c.academy_id)
        if academy_ids is not None:
            query = query.where(budgets.c.academy_id.in_(academy_ids))
        if year_starting is not None:
            query = query.where(budgets.c.year_starting == year_starting)
        return [dict(r._mapping) for r in self.session.execute(query)]

    # -- catalogue
    def programme(self, programme_id: uuid.UUID) -> Programme | None:
        return self.session.get(Programme, programme_id)

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

    def cohort(self, cohort_id: uuid.UUID) -> Cohort | None:
        return self.session.get(Cohort, cohort_id)

    def cohorts_of(self, programme_id: uuid.UUID) -> list[Cohort]:
        return list(self.session.scalars(select(Cohort).where(Cohort.programme_id == programme_id)
                                         .order_by(Cohort.starts_on, Cohort.name)))

    def lock_cohort(self, cohort_id: uuid.UUID) -> int | None:
        """Lock the cohort row until commit (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises
        writers) and return its waiting-list counter; None if there is no such cohort."""
        return self.session.scalar(select(cohorts.c.waiting_seq).where(cohorts.c.id == cohort_id).with_for_update())

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

    # -- enrolments
    def cohort_of_enrolment(self, enrolment_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.scalar(select(enrolments.c.cohort_id).where(enrolments.c.id == enrolment_id))

    def enrolment(self, enrolment_id: uuid.UUID, *, for_update: bool = False) -> Enrolment | None:
        return self.session.get(Enrolment, enrolment_id, with_for_update=for_update or None,
                                populate_existing=for_update)

    def in_cohort(self, cohort_id: uuid.UUID, capacity: int) -> list[Enrolment]:
        """What allocation needs, read fresh (call with the cohort locked): the confirmed places, the head of
        the waiting list (never more than the cohort holds), and newcomers not yet numbered. Bounded by the
        cohort's size, not by the length of its waiting list."""
        fresh = {"populate_existing": True}
        in_this = Enrolment.cohort_id == cohort_id
        confirmed = self.session.scalars(select(Enrolment).where(in_this, Enrolment.status == EnrolmentStatus.CONFIRMED)
                                         .execution_options(**fresh)).all()
        waiting = Enrolment.status == EnrolmentStatus.WAITING
        head = self.session.scalars(select(Enrolment).where(in_this, waiting, Enrolment.waiting_since.is_not(None))
                                    .order_by(Enrolment.waiting_since).limit(capacity).execution_options(**fresh)).all()
        newcomers = self.session.scalars(select(Enrolment).where(in_this, waiting, Enrolment.waiting_since.is_(None))
                                         .order_by(Enrolment.id).execution_options(**fresh)).all()
        return [*confirmed, *head, *newcomers]

    def waiting_position(self, enrolment: Enrolment) -> int:
        """1 for the next in line."""
        return self.session.scalar(select(func.count()).select_from(Enrolment).where(
            Enrolment.cohort_id == enrolment.cohort_id, Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.waiting_since <= enrolment.waiting_since))

    def open_request(self, staff_id: uuid.UUID, cohort_id: uuid.UUID) -> Enrolment | None:
        from ..domain.enrolments import OPEN_REQUEST

        return self.session.scalars(select(Enrolment).where(
            Enrolment.staff_id == staff_id, Enrolment.cohort_id == cohort_id,
            Enrolment.status.in_(OPEN_REQUEST))).first()

    def enrolments(self, f: EnrolmentFilter, *, page: int, page_size: int) -> tuple[list[Enrolment], int]:
        query = select(Enrolment)
        if f.academy_ids is not None:
            query = query.where(Enrolment.academy_id.in_(f.academy_ids))
        if f.visible_to is not None:
            query = query.where(or_(Enrolment.staff_id == f.visible_to,
                                    Enrolment.staff_id.in_(self.reports_of(f.visible_to))))
        for name in ("staff_id", "cohort_id", "programme_id", "status"):
            if getattr(f, name) is not None:
                query = query.where(getattr(Enrolment, name) == getattr(f, name))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        items = self.session.scalars(query.order_by(Enrolment.requested_on.desc(), Enrolment.id)
                                     .offset((page - 1) * page_size).limit(page_size)).all()
        return list(items), total

    # -- training agreements
    def agreement(self, agreement_id: uuid.UUID, *, for_update: bool = False) -> TrainingAgreement | None:
        return self.session.get(TrainingAgreement, agreement_id, with_for_update=for_update or None)

    def agreement_for(self, enrolment_id: uuid.UUID) -> TrainingAgreement | None:
        return self.session.scalars(select(TrainingAgreement).where(
            TrainingAgreement.enrolment_id == enrolment_id)).first()

    def agreements(self, *, staff_id: uuid.UUID | None = None, academy_ids: list[uuid.UUID] | None = None,
                   signed_only: bool = False, for_update: bool = False) -> list[TrainingAgreement]:
        query = select(TrainingAgreement)
        if staff_id is not None:
            query = query.where(TrainingAgreement.staff_id == staff_id)
        if academy_ids is not None:
            query = query.where(TrainingAgreement.academy_id.in_(academy_ids))
        if signed_only:
            query = query.where(TrainingAgreement.signed_on.is_not(None))
        if for_update:
            query = query.with_for_update()
        return list(self.session.scalars(query.order_by(TrainingAgreement.id)))
