"""CPD's event handlers and daily job on a real database: a SQLite file and PostgreSQL, both built by the
Alembic migrations, with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from cpd import bootstrap
from cpd.adapters.orm import plan_items, plans
from cpd.domain.agreements import TrainingAgreement
from cpd.domain.catalogue import Cohort, Programme
from cpd.domain.enrolments import Enrolment
from staffroom_shared.events import new_event
from staffroom_shared.testing import ConsumerWorld, consumer_world_fixtures


class World(ConsumerWorld):
    """One CPD database and the consumer that feeds it, with helpers to say what happened."""

    def person(self, **overrides) -> dict:
        return super().person(**{"start_date": date.today() - timedelta(days=90), **overrides})  # a new starter

    def promote(self, person: dict, post: str, staff_type: str | None = None, **extra) -> dict:
        promoted = {**person, "post": post, "staff_type": staff_type or person["staff_type"]}
        self.deliver(self.staff_event("staff.promoted", promoted, previous_post=person["post"],
                                      previous_staff_type=person["staff_type"],
                                      effective_date=extra.pop("effective_date", date(2027, 1, 1)), **extra))
        return promoted

    def need(self, person: dict, *, need_id=None, area="Adaptive teaching", correlation_id="review-1"):
        return new_event("appraisal.development_need_identified", {
            "appraisal_id": uuid.uuid4(), "cycle_id": uuid.uuid4(), "reviewee_id": person["staff_id"],
            "appraiser_id": person["line_manager_id"], "academy_id": person["academy_id"],
            "need_id": need_id or uuid.uuid4(), "stage": "mid_year", "area": area,
            "description": "Plan lessons that meet the needs of pupils with SEND", "suggested_support":
                "Observe the SENCO's Year 7 lessons", "identified_on": date(2027, 2, 20)},
            producer="appraisal", correlation_id=correlation_id, academy_id=person["academy_id"])

    def programme(self, title: str, kind: str, *, academy_id=None, npq=None, active=True, **extra) -> Programme:
        programme = Programme(title=title, kind=kind, provider="Oak Trust", delivery_mode="in_person",
                              cost=Decimal("0"), academy_id=academy_id, npq=npq, active=active, **extra)
        with self.context.uow() as uow:
            uow.session.add(programme)
            uow.session.flush()  # no mapped relationship orders the cohort after its programme
            uow.session.add(Cohort(programme_id=programme.id, name="Autumn", starts_on=date(2026, 9, 1),
                                   ends_on=date(2026, 12, 18), capacity=30))
            uow.commit()
        return programme

    def signed_agreement(self, person: dict, cost: str, *, completed_on: date | None) -> TrainingAgreement:
        """A costly programme the person took a place on (and maybe completed) under a signed agreement."""
        programme = self.programme("NPQ in Senior Leadership", "npq", npq="NPQSL")
        with self.context.uow() as uow:
            cohort = uow.session.scalars(select(Cohort).where(Cohort.programme_id == programme.id)).one()
            enrolment = Enrolment(cohort_id=cohort.id, programme_id=programme.id, staff_id=person["staff_id"],
                                  academy_id=person["academy_id"], cost=Decimal(cost), requested_on=date(2025, 6, 1),
                                  status="completed" if completed_on else "confirmed", completed_on=completed_on)
            uow.session.add(enrolment)
            uow.session.flush()
            agreement = TrainingAgreement(enrolment_id=enrolment.id, staff_id=person["staff_id"],
                                          academy_id=person["academy_id"], cost=Decimal(cost),
                                          schedule=[[12, 100], [24, 50]], signed_on=date(2025, 6, 2))
            uow.session.add(agreement)
            uow.commit()
        return agreement

    def plan_of(self, staff_id):
        found = self.rows(plans, plans.c.staff_id == staff_id)
        return found[0] if found else None

    def items_of(self, staff_id) -> list:
        plan = self.plan_of(staff_id)
        if plan is None:
            return []
        return self.rows(plan_items, plan_items.c.plan_id == plan.id, order_by=plan_items.c.title)


sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)
