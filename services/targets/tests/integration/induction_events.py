"""cpd's induction events as cpd sends them (built from the contracts in staffroom_shared.contracts.cpd), for the
induction targets' tests here and over the bus."""
from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal


def started(ect: dict, starts_on: date, *, tutor=None, mentor=None, induction_id=None) -> dict:
    return {"induction_id": induction_id or uuid.uuid4(), "staff_id": ect["staff_id"], "academy_id": ect["academy_id"],
            "starts_on": starts_on, "expected_completion": date(starts_on.year + 2, 7, 20),
            "appropriate_body": "Teaching School Hub North", "programme_type": "provider-led",
            "tutor_id": tutor, "mentor_id": mentor}


def ref(induction: dict) -> dict:
    return {k: induction[k] for k in ("induction_id", "staff_id", "academy_id")}


def assigned(induction: dict, on: date, *, tutor=None, mentor=None) -> dict:
    return {**ref(induction), "tutor_id": tutor or uuid.uuid4(), "mentor_id": mentor or uuid.uuid4(),
            "assigned_on": on}


def ended(induction: dict, outcome: str, on: date) -> dict:
    return {**ref(induction), "outcome": outcome, "ended_on": on}


def held(induction: dict, kind: str, due_on: date, held_on: date) -> dict:
    return {**ref(induction), "kind": kind, "due_on": due_on, "held_on": held_on}


def overdue(induction: dict, kind: str, due_on: date, term_number: int = 1) -> dict:
    return {**ref(induction), "kind": kind, "stage": "overdue", "due_on": due_on, "school_year": due_on.year,
            "term_number": term_number, "tutor_id": None}


def timetable(induction: dict, term_number: int, percent: str, cap: str = "90.00", school_year: int = 2026) -> dict:
    return {**ref(induction), "school_year": school_year, "term_number": term_number, "percent": Decimal(percent),
            "cap_percent": Decimal(cap)}
