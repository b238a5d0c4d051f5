"""Finding and keeping enrolments (with what allocation reads under the cohort's lock) and training agreements."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from staffroom_shared.uow import Repository

from ..domain.agreements import TrainingAgreement
from ..domain.enrolments import OPEN_REQUEST, Enrolment, EnrolmentStatus
from .orm import staff


@dataclass
class EnrolmentFilter:
    academy_ids: list[uuid.UUID] | None = None  # None: all
    visible_to: uuid.UUID | None = None  # not HR: own enrolments and those of the people they line-manage
    staff_id: uuid.UUID | None = None
    cohort_id: uuid.UUID | None = None
    programme_id: uuid.UUID | None = None
    status: EnrolmentStatus | None = None


class Enrolments(Repository):
    def add(self, enrolment: Enrolment) -> Enrolment:
        self.session.add(enrolment)
        return self.track(enrolment)

    def get(self, enrolment_id: uuid.UUID, *, for_update: bool = False) -> Enrolment | None:
        return self.track(self.session.get(Enrolment, enrolment_id, with_for_update=for_update or None,
                                           populate_existing=for_update))

    def cohort_of(self, enrolment_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.scalar(select(Enrolment.cohort_id).where(Enrolment.id == enrolment_id))

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
        return self.track_all([*confirmed, *head, *newcomers])

    def waiting_count(self, cohort_id: uuid.UUID) -> int:
        """How many are numbered on the cohort's waiting list."""
        return self.session.scalar(select(func.count()).select_from(Enrolment).where(
            Enrolment.cohort_id == cohort_id, Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.waiting_since.is_not(None)))

    def waiting_position(self, enrolment: Enrolment) -> int | None:
        """1 for the next in line; None when not on the waiting list."""
        if enrolment.status != EnrolmentStatus.WAITING or enrolment.waiting_since is None:
            return None
        return self.session.scalar(select(func.count()).select_from(Enrolment).where(
            Enrolment.cohort_id == enrolment.cohort_id, Enrolment.status == EnrolmentStatus.WAITING,
            Enrolment.waiting_since <= enrolment.waiting_since))

    def open_request(self, staff_id: uuid.UUID, cohort_id: uuid.UUID) -> Enrolment | None:
        return self.session.scalars(select(Enrolment).where(
            Enrolment.staff_id == staff_id, Enrolment.cohort_id == cohort_id,
            Enrolment.status.in_(OPEN_REQUEST))).first()

    def open_ones_of(self, staff_id: uuid.UUID) -> list[Enrolment]:
        """The person's open requests and places."""
        return self.track_all(e for e in self.find(EnrolmentFilter(staff_id=staff_id), page=1, page_size=10_000)[0]
                              if e.status in OPEN_REQUEST)

    def find(self, f: EnrolmentFilter, *, page: int, page_size: int) -> tuple[list[Enrolment], int]:
        query = select(Enrolment)
        if f.academy_ids is not None:
            query = query.where(Enrolment.academy_id.in_(f.academy_ids))
        if f.visible_to is not None:
            reports = select(staff.c.staff_id).where(staff.c.line_manager_id == f.visible_to)
            query = query.where(or_(Enrolment.staff_id == f.visible_to, Enrolment.staff_id.in_(reports)))
        for name in ("staff_id", "cohort_id", "programme_id", "status"):
            if getattr(f, name) is not None:
                query = query.where(getattr(Enrolment, name) == getattr(f, name))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        items = self.session.scalars(query.order_by(Enrolment.requested_on.desc(), Enrolment.id)
                                     .offset((page - 1) * page_size).limit(page_size)).all()
        return list(items), total


class Agreements(Repository):
    def add(self, agreement: TrainingAgreement) -> TrainingAgreement:
        self.session.add(agreement)
        return self.track(agreement)

    def get(self, agreement_id: uuid.UUID, *, for_update: bool = False) -> TrainingAgreement | None:
        return self.track(self.session.get(TrainingAgreement, agreement_id, with_for_update=for_update or None))

    def locked(self, agreement_id: uuid.UUID) -> TrainingAgreement:
        """The agreement locked and read again (another signing may have committed while this one waited)."""
        agreement = self.get(agreement_id, for_update=True)
        self.session.refresh(agreement)
        return agreement

    def for_enrolment(self, enrolment_id: uuid.UUID) -> TrainingAgreement | None:
        return self.session.scalars(select(TrainingAgreement).where(
            TrainingAgreement.enrolment_id == enrolment_id)).first()

    def find(self, *, staff_id: uuid.UUID | None = None, academy_ids: list[uuid.UUID] | None = None,
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
        return self.track_all(self.session.scalars(query.order_by(TrainingAgreement.id)))
