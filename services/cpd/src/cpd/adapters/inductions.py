"""Finding and keeping ECTs' inductions (their posts, absence, timetable, reviews, support plans and extensions come
with them), and each academy's term dates."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import delete, false, insert, select
from sqlalchemy.orm import lazyload

from staffroom_shared.uow import Repository

from ..domain.ects import EctInduction, InductionStatus
from ..domain.induction import Term, TermCalendar
from .orm import academy_terms, induction_timetable


class Inductions(Repository):
    def add(self, induction: EctInduction) -> EctInduction:
        self.session.add(induction)
        self.session.flush()  # one induction per person: a second registered at the same moment fails here
        return self.track(induction)

    def get(self, induction_id: uuid.UUID, *, for_update: bool = False) -> EctInduction | None:
        return self.track(self.session.get(EctInduction, induction_id, with_for_update=for_update or None))

    def of_staff(self, staff_id: uuid.UUID) -> EctInduction | None:
        return self.track(self.session.scalars(select(EctInduction).where(EctInduction.staff_id == staff_id)).first())

    def tutored_by(self, staff_id: uuid.UUID) -> list[EctInduction]:
        return self._listed(select(EctInduction).where(EctInduction.tutor_id == staff_id,
                                                       EctInduction.status == InductionStatus.SERVING))

    def mentored_by(self, staff_id: uuid.UUID) -> list[EctInduction]:
        return self._listed(select(EctInduction).where(EctInduction.mentor_id == staff_id,
                                                       EctInduction.status == InductionStatus.SERVING))

    def in_academies(self, scope: list[uuid.UUID] | None, *, academy_id: uuid.UUID | None = None,
                     serving_only: bool = False) -> list[EctInduction]:
        """HR's list: the academies in `scope` (None: the trust)."""
        query = select(EctInduction)
        if scope is not None:
            query = query.where(EctInduction.academy_id.in_(scope)) if scope else query.where(false())
        if academy_id is not None:
            query = query.where(EctInduction.academy_id == academy_id)
        if serving_only:
            query = query.where(EctInduction.status == InductionStatus.SERVING)
        return self._listed(query)

    def serving_for_update(self) -> list[EctInduction]:
        """Every induction still serving, locked in a fixed order (the daily job: a second run at the same moment
        waits, then finds what the first announced)."""
        return self.track_all(self.session.scalars(
            select(EctInduction).where(EctInduction.status == InductionStatus.SERVING)
            .order_by(EctInduction.id).with_for_update()))

    def _listed(self, query) -> list[EctInduction]:
        """A list's inductions, without what is kept with each (posts, absences, reviews...): a list reads each one's
        summary (EctInduction.summary_of); what is kept loads only when read (bench (l): six statements fewer)."""
        return list(self.session.scalars(query.options(lazyload("*")).order_by(EctInduction.starts_on,
                                                                                EctInduction.id)))

    def timetables_in(self, induction_ids: list[uuid.UUID], school_year: int, term_number: int) -> dict:
        """The share of a full timetable recorded for one term, for each of a list's inductions, in one statement
        (a list does not load each induction's timetable)."""
        if not induction_ids:
            return {}
        t = induction_timetable.c
        return dict(self.session.execute(select(t.induction_id, t.percent).where(
            t.induction_id.in_(induction_ids), t.school_year == school_year, t.term_number == term_number)).all())

    def delete_ended_before(self, cutoff: date) -> int:
        """Retention: an induction ended (decided, or the ECT left) before the cutoff goes with everything in it."""
        ended = select(EctInduction.id).where(EctInduction.ended_on.is_not(None), EctInduction.ended_on < cutoff)
        ids = list(self.session.scalars(ended))
        if not ids:
            return 0
        for induction in self.session.scalars(select(EctInduction).where(EctInduction.id.in_(ids))):
            self.session.delete(induction)
        self.session.flush()
        return len(ids)

    # -- the academy's term dates --

    def calendar(self, academy_id: uuid.UUID) -> TermCalendar | None:
        """The academy's terms, or None when it has given none."""
        rows = self.session.execute(select(academy_terms).where(academy_terms.c.academy_id == academy_id)
                                    .order_by(academy_terms.c.starts_on)).all()
        if not rows:
            return None
        return TermCalendar([Term(r.school_year, r.number, r.starts_on, r.ends_on,
                                  tuple((date.fromisoformat(a), date.fromisoformat(b)) for a, b in r.breaks))
                             for r in rows])

    def save_calendar(self, academy_id: uuid.UUID, calendar: TermCalendar) -> None:
        """Replace the academy's term dates with these (checked by the domain first)."""
        self.session.execute(delete(academy_terms).where(academy_terms.c.academy_id == academy_id))
        self.session.execute(insert(academy_terms), [
            {"academy_id": academy_id, "school_year": t.school_year, "number": t.number, "starts_on": t.starts,
             "ends_on": t.ends, "breaks": [[a.isoformat(), b.isoformat()] for a, b in t.breaks]}
            for t in calendar.terms])

    def using_calendar(self, academy_id: uuid.UUID) -> list[EctInduction]:
        """The inductions still serving at the academy, whose schedules count in its term dates."""
        return self.track_all(self._listed(select(EctInduction).where(  # their summaries change with the dates
            EctInduction.academy_id == academy_id, EctInduction.status == InductionStatus.SERVING)))

