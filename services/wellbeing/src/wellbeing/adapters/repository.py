"""Repositories: every query and write of survey runs, invitations, the staff copy, academies, drafts and ballots.

The service layer reaches them on its unit of work (`uow.runs`, `uow.invitations`, ...) and never writes SQL;
tests/unit/fakes.py keeps the same methods in memory. The published figures have their own (adapters.results).
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Iterator

from sqlalchemy import and_, case, delete, func, insert, select, update

from staffroom_shared import staff_copy
from staffroom_shared.events import Event
from staffroom_shared.uow import Repository

from ..domain.model import Invitation, InvitationStatus, RunStatus, StaffMember, SurveyRun
from .orm import academies, ballots, drafts, former_line_managers, invitations, metadata, runs, staff

ACTIVE = (RunStatus.SCHEDULED, RunStatus.OPEN)
BALLOTS_AT_A_TIME = 10


class RunRepository(Repository):
    """Survey runs (aggregates: what they record is collected at commit)."""

    def add(self, run: SurveyRun) -> SurveyRun:
        self.session.add(run)
        return self.track(run)

    def get(self, run_id: uuid.UUID, *, lock: bool = False, shared: bool = False) -> SurveyRun | None:
        """The run, or None; `lock`: FOR UPDATE (PostgreSQL), `shared`: FOR SHARE, so a close waits for it."""
        query = select(SurveyRun).where(SurveyRun.id == run_id)
        if lock or shared:
            query = query.with_for_update(read=shared and not lock)
        return self.track(self.session.scalars(query).first())

    def active_ids(self) -> list[uuid.UUID]:
        """Runs the daily job may have to open, remind or close, in the order they open."""
        return list(self.session.scalars(select(SurveyRun.id).where(SurveyRun.status.in_(ACTIVE))
                                         .order_by(SurveyRun.opens_on, SurveyRun.id)))

    def active(self, run_id: uuid.UUID) -> SurveyRun | None:
        """The run if it is still scheduled or open, locked: a second daily job at the same moment waits, then finds
        the run moved on."""
        return self.track(self.session.scalars(select(SurveyRun).where(
            SurveyRun.id == run_id, SurveyRun.status.in_(ACTIVE)).with_for_update()).first())

    def listed(self, status: RunStatus | None = None) -> list[SurveyRun]:
        """Every run (of one status), newest opening first."""
        query = select(SurveyRun).order_by(SurveyRun.opens_on.desc(), SurveyRun.title)
        if status is not None:
            query = query.where(SurveyRun.status == status)
        return self.track_all(self.session.scalars(query))

    def open_for(self, staff_id: uuid.UUID) -> list[tuple[SurveyRun, InvitationStatus]]:
        """The open runs this person is invited to, with whether they answered, closing soonest first."""
        rows = self.session.execute(
            select(SurveyRun, invitations.c.status).join(invitations, and_(invitations.c.run_id == SurveyRun.id))
            .where(invitations.c.staff_id == staff_id, SurveyRun.status == RunStatus.OPEN)
            .order_by(SurveyRun.closes_on)).all()
        return [(self.track(run), status) for run, status in rows]


class InvitationRepository(Repository):
    """Who was invited to a run and whether they answered (never what)."""

    def get(self, run_id: uuid.UUID, staff_id: uuid.UUID, *, lock: bool = False) -> Invitation | None:
        return self.session.get(Invitation, (run_id, staff_id), with_for_update=lock or None)

    def add(self, invitation: Invitation) -> Invitation:
        self.session.add(invitation)
        self.session.flush()
        return invitation

    def by_token(self, hashed: str, *, lock: bool = False) -> Invitation | None:
        """The invitation a link's token (its hash) finds; `lock`: FOR UPDATE, read again as it is now."""
        query = select(Invitation).where(Invitation.token_hash == hashed)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.scalars(query).first()

    def mark_submitted(self, hashed: str) -> bool:
        """Mark the invitation answered, only if it was not yet: one submission per invitation, even from two tabs
        at once (the guarded update decides). True when this call marked it."""
        marked = self.session.execute(
            update(invitations).where(invitations.c.token_hash == hashed,
                                      invitations.c.status == InvitationStatus.INVITED)
            .values(status=InvitationStatus.SUBMITTED).execution_options(synchronize_session=False))
        return marked.rowcount == 1

    def waiting(self, run_id: uuid.UUID) -> list[uuid.UUID]:
        """Who was invited and has not answered."""
        return list(self.session.scalars(select(invitations.c.staff_id).where(
            invitations.c.run_id == run_id, invitations.c.status == InvitationStatus.INVITED)
            .order_by(invitations.c.staff_id)))

    def asked(self, run_id: uuid.UUID) -> dict[tuple[str, str, str], int]:
        """How many the run invited in each finest group: (academy id, staff type, service band)."""
        query = (select(invitations.c.academy_id, invitations.c.staff_type, invitations.c.service_band, func.count())
                 .where(invitations.c.run_id == run_id)
                 .group_by(invitations.c.academy_id, invitations.c.staff_type, invitations.c.service_band))
        return {(str(academy_id), staff_type, band): n for academy_id, staff_type, band, n in self.session.execute(query)}

    def progress(self, run_id: uuid.UUID, academy_ids) -> list[tuple[uuid.UUID, int, int]]:
        """(academy, invited, answered so far) per academy (of these, or all): counts only."""
        query = (select(invitations.c.academy_id, func.count(),
                        func.sum(case((invitations.c.status == InvitationStatus.SUBMITTED, 1), else_=0)))
                 .where(invitations.c.run_id == run_id).group_by(invitations.c.academy_id)
                 .order_by(invitations.c.academy_id))
        if academy_ids is not None:
            query = query.where(invitations.c.academy_id.in_(list(academy_ids)))
        return [(a, invited, int(done or 0)) for a, invited, done in self.session.execute(query)]

    def forget_of_runs_closed_before(self, moment: datetime) -> int:
        return self.session.execute(delete(invitations).where(invitations.c.run_id.in_(closed_before(moment)))).rowcount

    def forget_sent_links(self) -> None:
        """Invitations carry each person's link, sealed to notifications; once the relay has handed them to the bus,
        the outbox need not keep even that."""
        outbox = metadata.tables["outbox"]
        self.session.execute(delete(outbox).where(outbox.c.event_type == "wellbeing.invitation_issued",
                                                  outbox.c.sent_at.is_not(None)))


def closed_before(moment: datetime):
    """The ids of the runs closed before `moment` (a subquery)."""
    return select(runs.c.id).where(runs.c.closed_at.is_not(None), runs.c.closed_at < moment)


def _member(row) -> StaffMember:
    return StaffMember(staff_id=row.staff_id, academy_id=row.academy_id, staff_type=row.staff_type,
                       start_date=row.start_date, leaving_date=row.leaving_date)


class StaffRepository(Repository):
    """The local copy of the directory, from staff.* events."""

    def everyone(self) -> list[StaffMember]:
        """Every member of staff the directory has told us of, in order of their id."""
        return [_member(row) for row in self.session.execute(select(staff).order_by(staff.c.staff_id))]

    def get(self, staff_id: uuid.UUID) -> StaffMember:
        return _member(self.session.execute(select(staff).where(staff.c.staff_id == staff_id)).one())

    def find(self, staff_id: uuid.UUID) -> StaffMember | None:
        row = self.session.execute(select(staff).where(staff.c.staff_id == staff_id)).first()
        return None if row is None else _member(row)

    def names(self, ids) -> dict[uuid.UUID, str]:
        return staff_copy.names(self.session, staff, ids)

    # How long a former line manager is remembered: longer than any feedback request stays open.
    FORMER_MANAGERS_KEPT = timedelta(days=400)

    def keep(self, event: Event, fields: tuple[str, ...]) -> bool:
        """Store the snapshot the event carries, unless a newer one is held already; when it changes someone's line
        manager, remember the one before and until when (`former_line_managers`)."""
        staff_id = uuid.UUID(str(event.payload["staff_id"]))
        before = self.session.execute(select(staff.c.line_manager_id).where(staff.c.staff_id == staff_id)).scalar()
        kept = staff_copy.keep(self.session, staff, event, fields)
        now = event.payload.get("line_manager_id")
        if kept and before is not None and str(before) != str(now):
            key = {"staff_id": staff_id, "line_manager_id": before}
            self.session.execute(delete(former_line_managers).where(*(
                former_line_managers.c[k] == v for k, v in key.items())))
            self.session.execute(insert(former_line_managers).values(**key, until=event.occurred_at))
            self.session.execute(delete(former_line_managers).where(
                former_line_managers.c.until < event.occurred_at - self.FORMER_MANAGERS_KEPT))
        return kept


class AcademyRepository(Repository):
    """The academies' names, from academy.* events."""

    def unknown(self, academy_ids: list[uuid.UUID]) -> list[uuid.UUID]:
        """Those of `academy_ids` the directory has not told us of."""
        known = set(self.session.scalars(select(academies.c.academy_id).where(academies.c.academy_id.in_(academy_ids))))
        return [a for a in academy_ids if a not in known]

    def names(self) -> dict[str, str]:
        return {str(a): name for a, name in self.session.execute(select(academies.c.academy_id, academies.c.name))}

    def name(self, academy_id: uuid.UUID, name: str) -> None:
        updated = self.session.execute(academies.update().where(academies.c.academy_id == academy_id)
                                       .values(name=name))
        if updated.rowcount == 0:
            self.session.execute(academies.insert().values(academy_id=academy_id, name=name))


class DraftRepository(Repository):
    """Partial answers, sealed (adapters.sealed), by the hash of the link's token."""

    def sealed(self, hashed: str) -> bytes | None:
        return self.session.execute(select(drafts.c.sealed).where(drafts.c.token_hash == hashed)).scalar()

    def replace(self, hashed: str, run_id: uuid.UUID, box: bytes) -> None:
        self.forget(hashed)
        self.session.execute(insert(drafts).values(token_hash=hashed, run_id=run_id, sealed=box))

    def forget(self, hashed: str) -> None:
        self.session.execute(delete(drafts).where(drafts.c.token_hash == hashed))

    def forget_run(self, run_id: uuid.UUID) -> None:
        self.session.execute(delete(drafts).where(drafts.c.run_id == run_id))


class BallotRepository(Repository):
    """The ballot box: submitted answers, sealed, until the run closes."""

    def add(self, run_id: uuid.UUID, box: bytes) -> None:
        self.session.execute(insert(ballots).values(id=uuid.uuid4(), run_id=run_id, sealed=box))

    def boxes(self, run_id: uuid.UUID) -> Iterator[bytes]:
        """The run's sealed ballots, read a few at a time: each is padded to the longest answers the run allows
        (hundreds of KB with many written questions)."""
        return iter(self.session.scalars(select(ballots.c.sealed).where(ballots.c.run_id == run_id)
                                         .execution_options(yield_per=BALLOTS_AT_A_TIME)))

    def destroy(self, run_id: uuid.UUID) -> None:
        self.session.execute(delete(ballots).where(ballots.c.run_id == run_id))
