"""Appraisal's event handlers and daily job on a real database: a SQLite file and PostgreSQL, both built
by the Alembic migrations, with events delivered through the shared InboxConsumer as real envelopes."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

from appraisal import bootstrap
from appraisal.adapters.orm import appraisals
from appraisal.service.cycles import create_cycle, open_cycle
from staffroom_shared.principal import Principal
from staffroom_shared.testing import ConsumerWorld, consumer_world_fixtures

TRUST_HR = Principal(staff_id=None, roles=frozenset({"trust_hr"}), academy_id=None, subject="tests")


class World(ConsumerWorld):
    """One appraisal database and the consumer that feeds it, with helpers to say what happened."""

    def open_cycle(self, template: str = "teachers", *, today: date | None = None, **dates) -> uuid.UUID:
        """A trust-wide cycle running around `today`, its key dates overridable."""
        today = today or date.today()
        data = {"name": f"{template} {uuid.uuid4().hex[:6]}", "template": template, "academy_id": None,
                "starts_on": today - timedelta(days=60), "objectives_due": today + timedelta(days=30),
                "mid_year_due": today + timedelta(days=120), "end_of_year_due": today + timedelta(days=200),
                "ends_on": today + timedelta(days=250), **dates}
        cycle = create_cycle(self.context.uow(), TRUST_HR, data)
        open_cycle(self.context.uow(), TRUST_HR, cycle.id, today=today)
        return cycle.id

    def force(self, reviewee_id, **values) -> None:
        """Puts the person's appraisal straight into a state (a shortcut past the steps that reach it),
        through a unit of work as any change is, so its read-model document follows."""
        with self.context.uow() as uow:
            (appraisal,) = uow.appraisals.of(reviewee_id)
            for name, value in values.items():
                setattr(appraisal, name, value)
            uow.commit()

    def appraisals_of(self, staff_id) -> list:
        return self.rows(appraisals, appraisals.c.reviewee_id == staff_id)


sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)
