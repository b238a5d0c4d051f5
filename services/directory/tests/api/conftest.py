"""The directory app on a temporary SQLite database and embedded bus, as the one-command run builds it."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from directory import bootstrap
from directory.entrypoints.web import create_app
from staffroom_shared.testing import ServiceDb, sqlite_service_fixtures

MAX_BODY = 64 * 1024


tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app, max_body=MAX_BODY)


@pytest.fixture
def db(app):
    return ServiceDb(app, ("academies", "staff", "outbox", "audit_log"))


@dataclass
class Trust:
    """Two academies; at Oak a head, a head of department managing a teacher, and a teacher managing nobody."""

    oak: dict
    elm: dict
    head: dict
    hod: dict
    teacher: dict
    other_teacher: dict
    elm_teacher: dict


@pytest.fixture
def trust_hr(tokens):
    return tokens.headers(uuid.uuid4(), roles=["trust_hr"])


@pytest.fixture
def trust(client, trust_hr) -> Trust:
    def post(path, body):
        response = client.post(path, json=body, headers=trust_hr)
        assert response.status_code == 201, response.json
        return response.json

    oak = post("/academies", {"name": "Oak Primary Academy", "urn": "140001", "phase": "primary"})
    elm = post("/academies", {"name": "Elm Secondary Academy", "urn": "140002", "phase": "secondary"})

    def person(code, academy, first, last, post_title, manager=None, staff_type="teaching"):
        return post("/staff", {
            "staff_code": code, "academy_id": academy["id"], "first_name": first, "last_name": last,
            "email": f"{first}.{last}@oaktrust.example".lower(), "staff_type": staff_type, "post": post_title,
            "start_date": "2019-09-01", "line_manager_id": manager["id"] if manager else None,
        })

    head = person("S1", oak, "Hannah", "Hughes", "Headteacher", staff_type="leadership")
    hod = person("S2", oak, "Dev", "Davies", "Head of Maths", head)
    teacher = person("S3", oak, "Tom", "Taylor", "Teacher of Maths", hod)
    other = person("S4", oak, "Lily", "Lewis", "Teacher of English", head)
    elm_teacher = person("S5", elm, "Rhys", "Roberts", "Teacher of Science")
    return Trust(oak, elm, head, hod, teacher, other, elm_teacher)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    return body


@pytest.fixture
def problem():
    """assert_problem(response, status) -> body: the response is RFC 9457 problem+json with that status."""
    return assert_problem
