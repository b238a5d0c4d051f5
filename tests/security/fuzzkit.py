"""The security suite's kit: each service's app built as its API tests build it, on SQLite or on PostgreSQL, with
a little data seeded through its own API (or, for copies of other services' data, its tables)."""
from __future__ import annotations

import importlib
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone

from staffroom_shared.config import ServiceConfig
from staffroom_shared.testing import PG_ADMIN_URL, ServiceDb, postgres_database

SERVICES = ["directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"]
TODAY = date.today()


@contextmanager
def service_app(name: str, folder, tokens, *, postgresql: bool = False):
    """The service's app, migrated, on a SQLite file in `folder` or on a fresh PostgreSQL database."""
    with (postgres_database(f"fz{name[:8]}") if postgresql else _no_database()) as database_url:
        if database_url:
            _commit_without_waiting(database_url)
        env = {"STAFFROOM_DATA_DIR": str(folder), "LOG_LEVEL": "WARNING", "JWT_PUBLIC_KEY_FILE": str(tokens.public)}
        if database_url:
            env["DATABASE_URL"] = database_url
        config = ServiceConfig.from_env(name, env)
        importlib.import_module(f"{name}.bootstrap").migrate(config)
        app = importlib.import_module(f"{name}.entrypoints.web").create_app(config)
        try:
            yield app
        finally:
            app.extensions["staffroom"].engine.dispose()


@contextmanager
def _no_database():
    yield None


def _commit_without_waiting(database_url: str) -> None:
    """A throwaway database need not wait for its WAL to reach the disk at each commit: the same statements and
    transactions, several times as many per second on this shared machine."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')


# -- a little data per service, made through its own API (or, for copies of other services' data, its tables) ----

def post(client, path, body, headers) -> dict:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.get_data(as_text=True))
    return response.json


def people(app, *known: uuid.UUID, count: int = 2, academy: str = "Oak Primary Academy", urn: str = "140001",
           ) -> tuple[str, list[str]]:
    """An academy and its staff in the service's copy of the directory (`known`, then new ones up to `count`), the
    first managing the rest; (academy id, staff ids)."""
    academy_id = uuid.uuid4()
    staff = [*known, *(uuid.uuid4() for _ in range(count - len(known)))]
    db = ServiceDb(app)
    db.insert("academies", {"academy_id": academy_id, "name": academy, "urn": urn})
    db.insert("staff", *[{"staff_id": s, "academy_id": academy_id, "first_name": "Tom", "last_name": f"Taylor{i}",
                          "email": f"t{i}.{urn}@oaktrust.example", "staff_type": "teaching", "post": "Teacher",
                          "start_date": date(2019, 9, 1), "leaving_date": None,
                          "line_manager_id": staff[0] if i else None} for i, s in enumerate(staff)])
    return str(academy_id), [str(s) for s in staff]


def seed_directory(app, hr, _hr_id) -> dict:
    client = app.test_client()
    academy = post(client, "/academies", {"name": "Oak Primary Academy", "urn": "140001", "phase": "primary"}, hr)
    person = post(client, "/staff", {
        "staff_code": "S1", "academy_id": academy["id"], "first_name": "Tom", "last_name": "Taylor",
        "email": "tom.taylor@oaktrust.example", "staff_type": "teaching", "post": "Teacher",
        "start_date": "2019-09-01"}, hr)
    return {"academy_id": [academy["id"]], "staff_id": [person["id"]]}


def seed_appraisal(app, hr, _hr_id) -> dict:
    academy, _staff = people(app)
    cycle, appraisals = open_cycle(app.test_client(), academy, hr)
    return {"cycle_id": [cycle["id"]], "appraisal_id": [a["id"] for a in appraisals]}


def cycle_dates() -> dict:
    """An appraisal cycle's key dates: started 60 days ago, objectives due in 10 days, ends in 200."""
    return {"starts_on": str(TODAY - timedelta(days=60)), "objectives_due": str(TODAY + timedelta(days=10)),
            "mid_year_due": str(TODAY + timedelta(days=20)), "end_of_year_due": str(TODAY + timedelta(days=30)),
            "ends_on": str(TODAY + timedelta(days=200))}


def open_cycle(client, academy: str, hr: dict, name: str = "Teachers") -> tuple[dict, list[dict]]:
    """A teachers' appraisal cycle at the academy, opened: (the cycle, its appraisals)."""
    cycle = post(client, "/cycles", {"name": name, "template": "teachers", "academy_id": academy, **cycle_dates()}, hr)
    post(client, f"/cycles/{cycle['id']}/open", {}, hr)
    return cycle, client.get(f"/appraisals?cycle_id={cycle['id']}&page_size=500", headers=hr).json["items"]


def seed_cpd(app, hr, _hr_id) -> dict:
    academy, _staff = people(app)
    client = app.test_client()
    programme = post(client, "/programmes", {
        "title": "Adaptive teaching", "kind": "external_course", "provider": "Ambition Institute",
        "delivery_mode": "blended", "cost": "300.00", "academy_id": academy}, hr)
    cohort = post(client, f"/programmes/{programme['id']}/cohorts", {
        "name": "Spring", "starts_on": str(TODAY + timedelta(days=30)), "ends_on": str(TODAY + timedelta(days=90)),
        "capacity": 10}, hr)
    return {"academy_id": [academy], "programme_id": [programme["id"]], "cohort_id": [cohort["id"]]}


def seed_wellbeing(app, hr, _hr_id) -> dict:
    people(app)
    run = post(app.test_client(), "/runs", {
        "title": "Autumn staff survey", "instruments": ["ons4", "enps"], "opens_on": str(TODAY + timedelta(days=1)),
        "closes_on": str(TODAY + timedelta(days=14))}, hr)
    return {"run_id": [run["id"]]}


def seed_notifications(app, _hr, hr_id) -> dict:
    message = uuid.uuid4()
    ServiceDb(app).insert("messages", {
        "id": message, "recipient_id": hr_id, "category": "cpd_updates", "subject": "Welcome", "body": "Dear HR,",
        "link": "/cpd/enrolments/1", "event_id": uuid.uuid4(), "event_type": "cpd.enrolled",
        "created_at": datetime(2026, 11, 1, tzinfo=timezone.utc), "read_at": None})
    return {"message_id": [str(message)]}


def seed_targets(_app, _hr, _hr_id) -> dict:
    return {}


SEEDS = {"directory": seed_directory, "appraisal": seed_appraisal, "cpd": seed_cpd, "wellbeing": seed_wellbeing,
         "notifications": seed_notifications, "targets": seed_targets}
