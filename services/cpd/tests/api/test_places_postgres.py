"""Many people asking for places in one cohort at once, on PostgreSQL: exactly `capacity` confirmed, the rest
waiting in the order they got the cohort lock, nobody booked twice; freed places go to the first in line."""
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from cpd.adapters.orm import cohorts, enrolments, programmes, staff
from cpd.domain.enrolments import EnrolmentStatus
from cpd.service import enrolments as commands
from staffroom_shared.principal import Principal

CAPACITY, PEOPLE = 30, 150


@pytest.fixture(scope="module")
def context(pg_context):
    return pg_context


def test_concurrent_requests_fill_exactly_capacity_and_queue_the_rest_in_order(context):
    academy, programme_id, cohort_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    people = [uuid.uuid4() for _ in range(PEOPLE)]
    with context.engine.begin() as conn:
        conn.execute(insert(staff), [{"staff_id": p, "academy_id": academy, "first_name": "A", "last_name": str(i),
                                      "email": f"{i}@x.example", "staff_type": "teaching", "post": "Teacher",
                                      "start_date": date(2020, 9, 1), "leaving_date": None, "line_manager_id": None}
                                     for i, p in enumerate(people)])
        conn.execute(insert(programmes).values(
            id=programme_id, title="Twilight: retrieval practice", kind="internal_course", provider="Trust",
            delivery_mode="in_person", cost=0, academy_id=None, description="", duration="1 session", tags=[],
            npq=None, levy_funded=False, off_the_job_percent=None, requires_approval=False, active=True))
        conn.execute(insert(cohorts).values(
            id=cohort_id, programme_id=programme_id, name="All", starts_on=date.today() + timedelta(days=7),
            ends_on=date.today() + timedelta(days=7), capacity=CAPACITY, location="Hall", waiting_seq=0))

    def ask(person):
        principal = Principal(staff_id=person, roles=frozenset({"staff"}), academy_id=academy, subject=str(person))
        return commands.request_place(context.uow(actor=str(person)), principal, cohort_id, "for my practice").id

    with ThreadPoolExecutor(max_workers=12) as pool:
        ids = list(pool.map(ask, people))
    assert len(set(ids)) == PEOPLE

    with context.engine.connect() as conn:
        rows = conn.execute(select(enrolments).where(enrolments.c.cohort_id == cohort_id)).all()
        seq = conn.scalar(select(cohorts.c.waiting_seq).where(cohorts.c.id == cohort_id))
        outbox = conn.exec_driver_sql(
            "SELECT event_type, envelope FROM outbox WHERE event_type IN ('cpd.enrolled', 'cpd.waitlisted') "
            "ORDER BY seq").all()
    confirmed = [r for r in rows if r.status == EnrolmentStatus.CONFIRMED]
    waiting = sorted((r for r in rows if r.status == EnrolmentStatus.WAITING), key=lambda r: r.waiting_since)
    assert len(confirmed) == CAPACITY and len(waiting) == PEOPLE - CAPACITY
    assert len({r.staff_id for r in rows}) == PEOPLE  # nobody twice
    assert [r.waiting_since for r in waiting] == list(range(CAPACITY + 1, PEOPLE + 1)) and seq == PEOPLE
    # In lock order: every place given before anyone waited, and the queue's positions rising from 1.
    kinds = [t for t, _ in outbox]
    assert kinds == ["cpd.enrolled"] * CAPACITY + ["cpd.waitlisted"] * (PEOPLE - CAPACITY)
    assert [e["payload"]["position"] for t, e in outbox if t == "cpd.waitlisted"] == list(range(1, PEOPLE - CAPACITY + 1))
    assert [e["payload"]["enrolment_id"] for t, e in outbox if t == "cpd.waitlisted"] == [str(r.id) for r in waiting]

    # Five give up their places at once: the first five in line get them, nobody else.
    leavers = confirmed[:5]

    def give_up(row):
        principal = Principal(staff_id=row.staff_id, roles=frozenset({"staff"}), academy_id=academy,
                              subject=str(row.staff_id))
        commands.withdraw(context.uow(actor=str(row.staff_id)), principal, row.id, "cannot make it")

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(give_up, leavers))
    with context.engine.connect() as conn:
        after = {r.id: r for r in conn.execute(select(enrolments).where(enrolments.c.cohort_id == cohort_id))}
    assert sum(r.status == EnrolmentStatus.CONFIRMED for r in after.values()) == CAPACITY
    assert [after[r.id].status for r in waiting[:6]] == [EnrolmentStatus.CONFIRMED] * 5 + [EnrolmentStatus.WAITING]
