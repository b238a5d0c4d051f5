"""Recognition and feedback between colleagues in appraisal's database (issue 24): the service layer reaches it as
`uow.recognition`; the colleague search reads the staff copy."""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

from sqlalchemy import and_, delete, func, or_, select, text

from staffroom_shared.uow import Repository

from ..domain.model import StaffRecord
from ..domain.recognition import Recognition, Visibility
from .orm import recognitions, staff

NEWEST_FIRST = (recognitions.c.given_at.desc(), recognitions.c.id)


class RecognitionRepository(Repository):
    def get(self, recognition_id: uuid.UUID, *, for_update: bool = False) -> Recognition | None:
        return self.track(self.session.get(Recognition, recognition_id, with_for_update=for_update or None))

    def add(self, item: Recognition) -> None:
        self.session.add(self.track(item))
        self.session.flush()

    def delete(self, item: Recognition) -> None:
        self.session.delete(item)
        self.session.flush()

    def hold_gives_of(self, giver_id: uuid.UUID) -> None:
        """Until this transaction ends, no other transaction can give as this person, so counting what they gave
        today and giving one more cannot interleave with another request's (outsider, issue 24: 20 gives at once
        were 6 to one colleague, not 3). PostgreSQL: a transaction-scoped advisory lock keyed by the giver, which
        blocks nobody else and goes at commit or rollback; a key another giver's hash shares only makes the two wait
        for each other. SQLite's single writer (BEGIN IMMEDIATE) already serialises."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                 {"key": f"recognition.give:{giver_id}"})

    def given_since(self, giver_id: uuid.UUID, since: datetime) -> list[tuple[datetime, uuid.UUID]]:
        """(when, to whom) of what this person gave since then, withdrawn ones gone with their rows."""
        return [tuple(r) for r in self.session.execute(
            select(recognitions.c.given_at, recognitions.c.recipient_id)
            .where(recognitions.c.giver_id == giver_id, recognitions.c.given_at >= since))]

    def received(self, recipient_id: uuid.UUID, *, hidden: bool | None = False) -> list[Recognition]:
        query = select(Recognition).where(Recognition.recipient_id == recipient_id)
        if hidden is not None:
            query = query.where(Recognition.hidden.is_(hidden))
        return self.track_all(self.session.scalars(query.order_by(*NEWEST_FIRST)))

    def given_by(self, giver_id: uuid.UUID) -> list[Recognition]:
        return self.track_all(self.session.scalars(
            select(Recognition).where(Recognition.giver_id == giver_id).order_by(*NEWEST_FIRST)))

    def shared_with(self, manager_id: uuid.UUID) -> list[Recognition]:
        """What was shared with the line manager of each of this person's current direct reports (the staff copy's
        line manager now: a new manager sees what was shared with the post), not removed."""
        team = select(staff.c.staff_id).where(staff.c.line_manager_id == manager_id)
        return self.track_all(self.session.scalars(
            select(Recognition).where(Recognition.recipient_id.in_(team),
                                      Recognition.visibility == Visibility.LINE_MANAGER,
                                      Recognition.removed_at.is_(None)).order_by(*NEWEST_FIRST)))

    def reported(self, academy_id: uuid.UUID | None, leave_out: uuid.UUID | None) -> list[Recognition]:
        """What recipients reported to HR and HR have not yet decided on (not removed, not dismissed), at this
        academy (None: anywhere), oldest report first; none the caller (`leave_out`) gave or was given."""
        query = select(Recognition).where(recognitions.c.reported_at.is_not(None),
                                          recognitions.c.removed_at.is_(None),
                                          recognitions.c.report_dismissed_at.is_(None))
        if academy_id is not None:
            query = query.where(recognitions.c.academy_id == academy_id)
        if leave_out is not None:
            query = query.where(recognitions.c.giver_id != leave_out, recognitions.c.recipient_id != leave_out)
        return self.track_all(self.session.scalars(query.order_by(recognitions.c.reported_at, recognitions.c.id)))

    def kept_in(self, appraisal_id: uuid.UUID) -> list[Recognition]:
        return self.track_all(self.session.scalars(
            select(Recognition).where(Recognition.evidence_for == appraisal_id)
            .order_by(recognitions.c.given_at, recognitions.c.id)))

    def colleagues(self, words: str, leave_out: uuid.UUID | None, today: date, limit: int) -> list[StaffRecord]:
        """Colleagues anywhere in the trust, in post today, whose name holds every word typed, by surname."""
        query = select(StaffRecord).where(staff.c.start_date <= today,
                                          or_(staff.c.leaving_date.is_(None), staff.c.leaving_date > today))
        if leave_out is not None:
            query = query.where(staff.c.staff_id != leave_out)
        for word in words.split()[:5]:
            like = "%" + "".join(c for c in word.lower() if c not in "\\%_") + "%"  # typed, not a pattern
            query = query.where(or_(func.lower(staff.c.first_name).like(like), func.lower(staff.c.last_name).like(like)))
        return list(self.session.scalars(query.order_by(staff.c.last_name, staff.c.first_name).limit(limit)))

    def delete_given_before(self, cutoff: date) -> int:
        """Retention: what was given before `cutoff` and is not kept as evidence (kept ones go with their appraisal)."""
        return self.session.execute(delete(recognitions).where(and_(
            recognitions.c.given_at < datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=timezone.utc),
            recognitions.c.evidence_for.is_(None)))).rowcount

    def forget(self, staff_id: uuid.UUID) -> int:
        """A leaver erased at the end of their retention: what was given to them goes."""
        return self.session.execute(delete(recognitions).where(recognitions.c.recipient_id == staff_id)).rowcount
