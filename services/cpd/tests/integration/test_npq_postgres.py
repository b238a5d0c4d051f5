"""NPQ places on PostgreSQL, built by the migrations (0009 included): the same person registered for the same NPQ by
several HR requests at once has one place, the others refused in plain words; a passed leadership NPQ's nomination
is committed with the outcome."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import insert, select

from cpd.adapters.orm import academies, nominations, npq_places, staff
from cpd.service import npq as commands
from staffroom_shared.errors import Conflict
from staffroom_shared.principal import Principal

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def context(pg_context):
    return pg_context


def test_concurrent_registrations_make_one_place_and_a_pass_makes_one_nomination(context):
    academy, holder, hr = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with context.engine.begin() as conn:
        conn.execute(insert(academies).values(academy_id=academy, name="Oak Primary", urn="140001"))
        conn.execute(insert(staff), [{"staff_id": p, "academy_id": academy, "first_name": "A", "last_name": str(i),
                                      "email": f"{i}@x.example", "staff_type": "teaching", "post": "Teacher",
                                      "start_date": date(2020, 9, 1)} for i, p in enumerate((holder, hr))])
    as_hr = Principal(staff_id=hr, roles=frozenset({"staff", "academy_hr"}), academy_id=academy, subject=str(hr))

    def register(_):
        try:
            return commands.register(context.uow(actor="hr"), as_hr, {
                "staff_id": holder, "course": "NPQSL", "lead_provider": "Ambition Institute",
                "cohort_starts_on": date(2025, 10, 1), "funding": "scholarship"}, today=date(2025, 9, 1)).id
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(register, range(6)))
    made = [r for r in results if isinstance(r, uuid.UUID)]
    assert len(made) == 1
    assert all("already have a place on the NPQ for Senior Leadership" in str(r) for r in results if r not in made)

    commands.provider_news(context.uow(actor="hr"), as_hr, made[0], "accepted")
    commands.record_outcome(context.uow(actor="hr"), as_hr, made[0], "passed", date(2027, 3, 1),
                            today=date(2027, 3, 2))
    with context.engine.connect() as conn:
        place = conn.execute(select(npq_places).where(npq_places.c.id == made[0])).one()
        nominated = conn.execute(select(nominations).where(nominations.c.staff_id == holder)).all()
        sent = conn.exec_driver_sql("SELECT event_type FROM outbox ORDER BY created_at").scalars().all()
    assert (place.outcome, place.completed_on, place.approval, place.funding) == (
        "passed", date(2027, 3, 1), "accepted", "scholarship")
    assert [(n.reason, n.nominated_on) for n in nominated] == [
        ("Passed the NPQ for Senior Leadership on 1 March 2027", date(2027, 3, 2))]
    assert sorted(sent) == ["cpd.future_leader_nominated", "cpd.npq_completed"]
