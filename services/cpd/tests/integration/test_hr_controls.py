"""HR's budget and catalogue commands on a real database, SQLite and PostgreSQL: a budget set, changed and read back
against what was spent; a programme retired with a place on it, the place and its spend carrying on."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from cpd.adapters.orm import budgets
from cpd.adapters.catalogue import Catalogue as CpdRepository
from cpd.domain.catalogue import Cohort
from cpd.domain.enrolments import Enrolment, EnrolmentStatus
from cpd.service import catalogue, reports
from staffroom_shared.principal import Principal

TRUST_HR = Principal(uuid.uuid4(), frozenset({"staff", "trust_hr"}), None, "trust-hr")
YEAR = 2026


def spend(world) -> dict:
    with world.context.read_sessions() as session:
        return {r["academy_id"]: r for r in reports.spend(CpdRepository(session), TRUST_HR, YEAR)["academies"]}


def test_a_budget_changed_and_a_programme_retired_keep_the_spend_right(world):
    academy_id = world.academy_id
    uow = world.context.uow
    programme = catalogue.create_programme(uow(actor="hr"), TRUST_HR, {
        "title": "Adaptive teaching", "kind": "external_course", "provider": "Ambition Institute",
        "delivery_mode": "blended", "cost": Decimal("300"), "academy_id": academy_id})
    cohort = catalogue.create_cohort(uow(actor="hr"), TRUST_HR, programme.id, {
        "name": "Spring", "starts_on": date(YEAR + 1, 2, 1), "ends_on": date(YEAR + 1, 3, 1), "capacity": 5})
    with uow() as work:
        work.session.add(Enrolment(cohort_id=cohort.id, programme_id=programme.id, staff_id=uuid.uuid4(),
                                   academy_id=academy_id, cost=Decimal("300"), requested_on=date(YEAR, 11, 1),
                                   status=EnrolmentStatus.CONFIRMED))
        work.commit()

    catalogue.set_budget(uow(actor="hr"), TRUST_HR, academy_id, YEAR, Decimal("1000.00"))
    catalogue.set_budget(uow(actor="hr"), TRUST_HR, academy_id, YEAR, Decimal("1250.00"))
    assert [r.amount for r in world.rows(budgets)] == [Decimal("1250.00")]  # changed, not a second row
    row = spend(world)[academy_id]
    assert (row["budget"], row["spent"], row["remaining"], row["percent_used"]) == (
        Decimal("1250.00"), Decimal("300.00"), Decimal("950.00"), 24.0)

    retired = catalogue.set_programme_active(uow(actor="hr"), TRUST_HR, programme.id, False)
    assert retired.active is False
    with world.context.read_sessions() as session:
        assert session.scalars(select(Enrolment.status)).all() == [EnrolmentStatus.CONFIRMED]
        assert session.scalars(select(Cohort.capacity)).all() == [5]
    assert spend(world)[academy_id]["spent"] == Decimal("300.00")
    audit_log = world.context.metadata.tables["audit_log"]
    assert [r.action for r in world.rows(audit_log, order_by=audit_log.c.id)] == [
        "programme.created", "cohort.created", "budget.set", "budget.set", "programme.deactivated"]
