"""Repositories of 360 and upward feedback: requests, rounds, invitations, the sealed ballot box and the trust's k.

An upward round for a thousand people is written with bulk inserts (requests and invitations), so opening it is one
transaction of a few statements plus its outbox rows.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone
from typing import Iterator

from sqlalchemy import delete, func, insert, literal, select, update

from staffroom_shared.uow import Repository

from ..domain.feedback import (
    DEFAULT_K, Category, FeedbackInvitation, FeedbackRequest, FeedbackRound, OpenRequest, RequestStatus, ShownReport,
    shows_anonymous, untagged,
)
from ..domain.model import StaffMember
from .orm import (
    feedback_ballots, feedback_invitations, feedback_requests, feedback_rounds, feedback_settings,
    former_line_managers, staff,
)

BALLOTS_AT_A_TIME = 10


class FeedbackRepository(Repository):
    """Feedback requests and rounds (aggregates: what they record is collected at commit), their invitations and
    ballots, and who line-manages whom in the copy of the directory."""

    # -- the trust's setting
    def k(self) -> int:
        found = self.session.execute(select(feedback_settings.c.k).where(feedback_settings.c.id == 1)).scalar()
        return DEFAULT_K if found is None else found

    def set_k(self, k: int, actor: str) -> None:
        if self.session.execute(update(feedback_settings).where(feedback_settings.c.id == 1)
                                .values(k=k, updated_by=actor)).rowcount == 0:
            self.session.execute(insert(feedback_settings).values(id=1, k=k, updated_by=actor))

    # -- who manages whom
    def managers_of(self) -> dict[uuid.UUID, uuid.UUID | None]:
        return dict(self.session.execute(select(staff.c.staff_id, staff.c.line_manager_id)).all())

    def line_manager_of(self, staff_id: uuid.UUID) -> uuid.UUID | None:
        return self.session.execute(select(staff.c.line_manager_id).where(staff.c.staff_id == staff_id)).scalar()

    def reports_of(self, staff_id: uuid.UUID, *, since: datetime | None = None) -> set[uuid.UUID]:
        """Their direct reports now; with `since`, also everyone who was one at any moment since then."""
        now = set(self.session.scalars(select(staff.c.staff_id).where(staff.c.line_manager_id == staff_id)))
        if since is None:
            return now
        return now | set(self.session.scalars(select(former_line_managers.c.staff_id).where(
            former_line_managers.c.line_manager_id == staff_id, former_line_managers.c.until >= since)))

    def lock_people(self, staff_ids) -> None:
        """Hold these people's rows of the staff copy until the commit, in one order (no deadlock between two
        rounds): opening requests about one person is serialised, so two opened at the same instant cannot both
        pass the overlap check (a no-op on SQLite, whose writers are one at a time anyway)."""
        ids = sorted(set(staff_ids))
        for chunk in range(0, len(ids), 1000):
            self.session.execute(select(staff.c.staff_id).where(staff.c.staff_id.in_(ids[chunk:chunk + 1000]))
                                 .order_by(staff.c.staff_id).with_for_update())

    def colleagues(self, academy_id: uuid.UUID) -> list[StaffMember]:
        rows = self.session.execute(select(staff).where(staff.c.academy_id == academy_id)
                                    .order_by(staff.c.last_name, staff.c.first_name, staff.c.staff_id))
        return [StaffMember(staff_id=r.staff_id, academy_id=r.academy_id, staff_type=r.staff_type,
                            start_date=r.start_date, leaving_date=r.leaving_date) for r in rows]

    # -- requests
    def add(self, request: FeedbackRequest) -> FeedbackRequest:
        self.session.add(request)
        return self.track(request)

    def add_all(self, requests: list[FeedbackRequest]) -> None:
        self.session.add_all(requests)
        self.track_all(requests)

    def get(self, request_id: uuid.UUID, *, lock: bool = False, shared: bool = False) -> FeedbackRequest | None:
        query = select(FeedbackRequest).where(FeedbackRequest.id == request_id)
        if lock or shared:
            query = query.with_for_update(read=shared and not lock)
        return self.track(self.session.scalars(query).first())

    def listed(self, *, subject_ids=None, academy_id: uuid.UUID | None = None, every: bool = False,
               round_id: uuid.UUID | None = None) -> list[FeedbackRequest]:
        """Requests about these people, or of one academy, or all (`every`), or of one round; newest closing first."""
        query = select(FeedbackRequest).order_by(FeedbackRequest.closes_on.desc(), FeedbackRequest.id)
        if round_id is not None:
            query = query.where(FeedbackRequest.round_id == round_id)
        elif subject_ids is not None:
            query = query.where(FeedbackRequest.subject_id.in_(list(subject_ids)))
        elif academy_id is not None:
            query = query.where(FeedbackRequest.academy_id == academy_id)
        elif not every:
            return []
        return self.track_all(self.session.scalars(query))

    def open_about(self, subject_ids) -> dict[uuid.UUID, list[OpenRequest]]:
        """The open requests about these people, each with whom it asked (F7: no two share a rater)."""
        rows = self.session.execute(
            select(feedback_requests.c.id, feedback_requests.c.subject_id, feedback_requests.c.title,
                   feedback_requests.c.closes_on, feedback_rounds.c.title.label("round_title"),
                   feedback_invitations.c.staff_id)
            .join(feedback_invitations, feedback_invitations.c.request_id == feedback_requests.c.id)
            .outerjoin(feedback_rounds, feedback_rounds.c.id == feedback_requests.c.round_id)
            .where(feedback_requests.c.status == RequestStatus.OPEN,
                   feedback_requests.c.subject_id.in_(list(subject_ids)))
            .order_by(feedback_requests.c.closes_on, feedback_requests.c.id))
        found: dict[uuid.UUID, dict] = {}
        for r in rows:
            one = found.setdefault(r.id, {"subject": r.subject_id, "title": r.title, "closes_on": r.closes_on,
                                          "round_title": r.round_title, "raters": set(), "outside": False})
            if r.staff_id is None:
                one["outside"] = True
            else:
                one["raters"].add(r.staff_id)
        out: dict[uuid.UUID, list[OpenRequest]] = {}
        for one in found.values():
            out.setdefault(one["subject"], []).append(OpenRequest(
                one["title"], one["closes_on"], frozenset(one["raters"]), one["outside"], one["round_title"]))
        return out

    def shown_since(self, subject_ids, since: date) -> dict[uuid.UUID, list[ShownReport]]:
        """The requests about these people closed on or after `since` whose report showed an anonymous category."""
        ids = list(subject_ids)
        if not ids:
            return {}
        rows = self.session.execute(
            select(feedback_requests.c.id, feedback_requests.c.subject_id, feedback_requests.c.title,
                   feedback_requests.c.closed_at, feedback_requests.c.report)
            .where(feedback_requests.c.status == RequestStatus.CLOSED, feedback_requests.c.subject_id.in_(ids),
                   feedback_requests.c.closed_at >= datetime.combine(since, time(), timezone.utc))
            .order_by(feedback_requests.c.closed_at))
        shown = [r for r in rows if shows_anonymous(r.report)]
        asked: dict[uuid.UUID, list[uuid.UUID | None]] = {}
        if shown:
            for request_id, staff_id in self.session.execute(
                    select(feedback_invitations.c.request_id, feedback_invitations.c.staff_id)
                    .where(feedback_invitations.c.request_id.in_([r.id for r in shown]))):
                asked.setdefault(request_id, []).append(staff_id)
        found: dict[uuid.UUID, list[ShownReport]] = {}
        for r in shown:
            people = asked.get(r.id, [])
            found.setdefault(r.subject_id, []).append(ShownReport(
                r.title, r.closed_at.date(), frozenset(p for p in people if p is not None), None in people))
        return found

    def due_to_close(self, today: date) -> list[uuid.UUID]:
        return list(self.session.scalars(select(feedback_requests.c.id).where(
            feedback_requests.c.status == RequestStatus.OPEN, feedback_requests.c.closes_on < today)
            .order_by(feedback_requests.c.id)))

    # -- invitations
    def add_invitations(self, invitations: list[FeedbackInvitation]) -> None:
        if invitations:
            self.session.flush()  # the requests they belong to are written first (a foreign key)
            self.session.execute(insert(feedback_invitations), [
                {"request_id": i.request_id, "staff_id": i.staff_id, "category": i.category,
                 "token_hash": i.token_hash, "answered": False} for i in invitations])

    def invitation(self, hashed: str, *, lock: bool = False) -> FeedbackInvitation | None:
        query = select(FeedbackInvitation).where(FeedbackInvitation.token_hash == hashed)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).first()

    def mark_answered(self, hashed: str) -> bool:
        """One answer per invitation, even from two tabs at once: the guarded update decides."""
        marked = self.session.execute(
            update(feedback_invitations).where(feedback_invitations.c.token_hash == hashed,
                                               feedback_invitations.c.answered.is_(False))
            .values(answered=True).execution_options(synchronize_session=False))
        return marked.rowcount == 1

    def forget_answered(self, request_id: uuid.UUID) -> None:
        """At the close: whether each answered is cleared, so no count of a category (hidden or not) is left."""
        self.session.execute(update(feedback_invitations).where(feedback_invitations.c.request_id == request_id)
                             .values(answered=None).execution_options(synchronize_session=False))

    def colleague_addresses(self, addresses: list[str]) -> set[str]:
        """Which of these addresses (trimmed, lower case), or the same without a +tag, belong to anyone in the copy
        of the directory, current or past, compared trimmed and in lower case."""
        if not addresses:
            return set()
        normal = func.lower(func.trim(staff.c.email))
        wanted = sorted({*addresses, *(untagged(a) for a in addresses)})
        return set(self.session.scalars(select(normal).where(normal.in_(wanted)).distinct()))

    def trust_domains(self, domains: list[str]) -> set[str]:
        """Which of these domains any address in the copy of the directory (current or past staff) is at."""
        normal = func.lower(func.trim(staff.c.email))
        # a domain is letters, digits, hyphens and dots (domain.feedback.email_address): no LIKE wildcard in it
        return {d for d in domains if self.session.execute(
            select(literal(1)).where(normal.like(f"%@{d}")).limit(1)).first() is not None}

    def invited(self, request_id: uuid.UUID) -> list[tuple[uuid.UUID, Category]]:
        """Who was asked and in which category (never whether or what they answered), in order of category."""
        return [(s, Category(c)) for s, c in self.session.execute(
            select(feedback_invitations.c.staff_id, feedback_invitations.c.category)
            .where(feedback_invitations.c.request_id == request_id)
            .order_by(feedback_invitations.c.category, feedback_invitations.c.staff_id))]

    def answered_count(self, request_id: uuid.UUID) -> int:
        return self.session.execute(select(func.count()).where(
            feedback_invitations.c.request_id == request_id, feedback_invitations.c.answered.is_(True))).scalar()

    def asked_of(self, staff_id: uuid.UUID) -> list[tuple[FeedbackRequest, Category, bool]]:
        """The open requests this person was asked to answer, in which category, with whether they have."""
        rows = self.session.execute(
            select(FeedbackRequest, feedback_invitations.c.category, feedback_invitations.c.answered)
            .join(feedback_invitations, feedback_invitations.c.request_id == FeedbackRequest.id)
            .where(feedback_invitations.c.staff_id == staff_id, FeedbackRequest.status == RequestStatus.OPEN)
            .order_by(FeedbackRequest.closes_on, FeedbackRequest.id))
        return [(self.track(r), Category(c), answered) for r, c, answered in rows]

    def invitation_of(self, request_id: uuid.UUID, staff_id: uuid.UUID, *, lock: bool = False
                      ) -> FeedbackInvitation | None:
        """A member of staff's own invitation to a request (for "Answer now"); locked, a second one waits."""
        query = select(FeedbackInvitation).where(FeedbackInvitation.request_id == request_id,
                                                 FeedbackInvitation.staff_id == staff_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).first()

    # -- the ballot box
    def add_ballot(self, request_id: uuid.UUID, box: bytes) -> None:
        self.session.execute(insert(feedback_ballots).values(id=uuid.uuid4(), request_id=request_id, sealed=box))

    def boxes(self, request_id: uuid.UUID) -> Iterator[bytes]:
        return iter(self.session.scalars(select(feedback_ballots.c.sealed)
                                         .where(feedback_ballots.c.request_id == request_id)
                                         .execution_options(yield_per=BALLOTS_AT_A_TIME)))

    def destroy_ballots(self, request_id: uuid.UUID) -> None:
        self.session.execute(delete(feedback_ballots).where(feedback_ballots.c.request_id == request_id))

    # -- upward rounds
    def add_round(self, round_: FeedbackRound) -> FeedbackRound:
        self.session.add(round_)
        self.session.flush()  # before its requests: the mapping has no relationship to order the foreign key by
        return self.track(round_)

    def round(self, round_id: uuid.UUID, *, lock: bool = False) -> FeedbackRound | None:
        query = select(FeedbackRound).where(FeedbackRound.id == round_id)
        if lock:
            query = query.with_for_update()
        return self.track(self.session.scalars(query).first())

    def rounds(self, academy_id: uuid.UUID | None = None, *, every: bool = False) -> list[FeedbackRound]:
        query = select(FeedbackRound).order_by(FeedbackRound.opened_on.desc(), FeedbackRound.title)
        if not every:
            query = query.where(FeedbackRound.academy_id == academy_id)
        return self.track_all(self.session.scalars(query))

    def round_progress(self, round_id: uuid.UUID) -> list[tuple[uuid.UUID, uuid.UUID, int, int, RequestStatus]]:
        """(request, manager, invited, answered, status) for each manager of the round: counts only."""
        answered = (select(feedback_invitations.c.request_id, func.count().label("n"))
                    .where(feedback_invitations.c.answered.is_(True))
                    .group_by(feedback_invitations.c.request_id).subquery())
        rows = self.session.execute(
            select(feedback_requests.c.id, feedback_requests.c.subject_id, feedback_requests.c.invited,
                   func.coalesce(answered.c.n, 0), feedback_requests.c.status)
            .outerjoin(answered, answered.c.request_id == feedback_requests.c.id)
            .where(feedback_requests.c.round_id == round_id).order_by(feedback_requests.c.subject_id))
        return [(r, s, i, a, RequestStatus(st)) for r, s, i, a, st in rows]

    # -- retention
    def _closed_before(self, moment: datetime):
        return select(feedback_requests.c.id).where(feedback_requests.c.closed_at.is_not(None),
                                                    feedback_requests.c.closed_at < moment)

    def forget_invitations_closed_before(self, moment: datetime) -> int:
        """Who was asked in requests closed before `moment`, and whether they answered."""
        return self.session.execute(delete(feedback_invitations).where(
            feedback_invitations.c.request_id.in_(self._closed_before(moment)))).rowcount

    def forget_requests_closed_before(self, moment: datetime) -> int:
        """Requests closed before `moment`, with their reports (and anything still under them)."""
        closed = self._closed_before(moment)
        for table in (feedback_invitations, feedback_ballots):
            self.session.execute(delete(table).where(table.c.request_id.in_(closed)))
        return self.session.execute(delete(feedback_requests).where(
            feedback_requests.c.closed_at.is_not(None), feedback_requests.c.closed_at < moment)).rowcount
