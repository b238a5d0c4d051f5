"""Statutory induction on PostgreSQL, built by the migrations (0006 included): the same ECT registered by several
HR requests at once is registered once, with one cpd.induction_started; the same review recorded by several of the
tutor's requests at once is recorded once (the induction's row lock), and the others are refused in plain words."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import func, insert, select

from cpd.adapters.orm import academies, induction_reviews, inductions, staff
from cpd.service import inductions as commands
from staffroom_shared.errors import Conflict, Unprocessable
from staffroom_shared.principal import Principal
from sqlalchemy.exc import IntegrityError

pytestmark = pytest.mark.integration
TERMS = [{"school_year": y, "number": n, "starts_on": date(*s), "ends_on": date(*e)} for y in range(2025, 2030)
         for n, s, e in ((1, (y, 9, 1), (y, 12, 19)), (2, (y + 1, 1, 5), (y + 1, 4, 1)),
                         (3, (y + 1, 4, 19), (y + 1, 7, 21)))]


@pytest.fixture(scope="module")
def context(pg_context):
    return pg_context


def test_concurrent_registrations_and_reviews_are_each_kept_once(context):
    academy, ect, tutor, hr = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    with context.engine.begin() as conn:
        conn.execute(insert(academies).values(academy_id=academy, name="Oak Primary", urn="140001"))
        conn.execute(insert(staff), [{"staff_id": p, "academy_id": academy, "first_name": "A", "last_name": str(i),
                                      "email": f"{i}@x.example", "staff_type": "teaching", "post": "Teacher",
                                      "start_date": date(2025, 9, 1)} for i, p in enumerate((ect, tutor, hr))])
    as_hr = Principal(staff_id=hr, roles=frozenset({"staff", "academy_hr"}), academy_id=academy, subject=str(hr))
    as_tutor = Principal(staff_id=tutor, roles=frozenset({"staff"}), academy_id=academy, subject=str(tutor))
    commands.set_term_dates(context.uow(actor="hr"), as_hr, academy, TERMS)

    def register(_):
        try:
            return commands.register(context.uow(actor="hr"), as_hr, {
                "staff_id": ect, "academy_id": academy, "qts_on": date(2025, 7, 1), "starts_on": date(2025, 9, 1),
                "fte": 1, "appropriate_body": "Hub", "programme_type": "school-led", "tutor_id": tutor},
                today=date(2025, 9, 1))
        except (Unprocessable, IntegrityError) as exc:
            return exc

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(register, range(6)))
    made = [r for r in results if isinstance(r, uuid.UUID)]
    assert len(made) == 1
    assert all("already registered" in str(r) or isinstance(r, IntegrityError) for r in results if r not in made)

    def review(_):
        try:
            return commands.record_review(context.uow(actor="tutor"), as_tutor, made[0], {
                "kind": "progress_review", "school_year": 2025, "term_number": 1, "held_on": date(2025, 12, 10),
                "outcome": "on track", "standards": {"TS1": "High expectations"}}, today=date(2025, 12, 11))
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(max_workers=6) as pool:
        reviews = list(pool.map(review, range(6)))
    assert len([r for r in reviews if isinstance(r, uuid.UUID)]) == 1
    assert all("already recorded" in str(r) for r in reviews if not isinstance(r, uuid.UUID))

    with context.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(inductions)) == 1
        assert conn.scalar(select(func.count()).select_from(induction_reviews)) == 1
        assert conn.exec_driver_sql("SELECT count(*) FROM outbox WHERE event_type = 'cpd.induction_started'"
                                    ).scalar() == 1
