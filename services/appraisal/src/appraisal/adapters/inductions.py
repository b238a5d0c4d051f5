"""Appraisal's copy of who serves statutory induction (cpd.induction_started, cpd.induction_ended), one row per
induction, written so that a redelivery or an ended event overtaking its started one leaves the same row."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import delete, insert, select, text, update

from staffroom_shared.uow import Repository

from ..domain.induction import InductionSpell
from .orm import induction_spells


class InductionRepository(Repository):
    def _locked(self, induction_id: uuid.UUID):
        return self.session.execute(select(induction_spells).where(induction_spells.c.induction_id == induction_id)
                                    .with_for_update()).first()

    def started(self, induction_id: uuid.UUID, staff_id: uuid.UUID, academy_id: uuid.UUID, starts_on: date,
                expected_completion: date) -> InductionSpell:
        """Keep the start; an end already kept (its event came first) stays."""
        values = {"staff_id": staff_id, "academy_id": academy_id, "starts_on": starts_on,
                  "expected_completion": expected_completion}
        if self._locked(induction_id) is None:
            self.session.execute(insert(induction_spells).values(induction_id=induction_id, **values))
        else:
            self.session.execute(update(induction_spells).where(induction_spells.c.induction_id == induction_id)
                                 .values(**values))
        return self.get(induction_id)

    def ended(self, induction_id: uuid.UUID, staff_id: uuid.UUID, academy_id: uuid.UUID, ended_on: date,
              outcome: str) -> InductionSpell:
        values = {"ended_on": ended_on, "outcome": outcome}
        if self._locked(induction_id) is None:
            self.session.execute(insert(induction_spells).values(induction_id=induction_id, staff_id=staff_id,
                                                                 academy_id=academy_id, **values))
        else:
            self.session.execute(update(induction_spells).where(induction_spells.c.induction_id == induction_id)
                                 .values(**values))
        return self.get(induction_id)

    def get(self, induction_id: uuid.UUID) -> InductionSpell | None:
        row = self.session.execute(select(induction_spells)
                                   .where(induction_spells.c.induction_id == induction_id)).first()
        return None if row is None else _spell(row)

    def spells(self, staff_ids=None) -> list[InductionSpell]:
        """Every induction kept (a trust's ECTs are hundreds), or those of `staff_ids`."""
        query = select(induction_spells).order_by(induction_spells.c.staff_id, induction_spells.c.starts_on)
        if staff_ids is not None:
            query = query.where(induction_spells.c.staff_id.in_(list(staff_ids)))
        return [_spell(row) for row in self.session.execute(query)]

    def hold_writes(self) -> None:
        """Until this transaction ends no induction event can be applied (PostgreSQL; SQLite's single writer already
        serialises): a cycle opening and an induction starting at the same moment would otherwise each miss the
        other, and the ECT be given an appraisal nobody withdraws."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(text("LOCK TABLE induction_spells IN SHARE MODE"))

    def forget(self, staff_id: uuid.UUID) -> None:
        """At erasure, with the rest of the copies."""
        self.session.execute(delete(induction_spells).where(induction_spells.c.staff_id == staff_id))


def _spell(row) -> InductionSpell:
    return InductionSpell(induction_id=row.induction_id, staff_id=row.staff_id, starts_on=row.starts_on,
                          ended_on=row.ended_on, outcome=row.outcome)
