"""Test helpers shared by every service's tests: real PostgreSQL and RabbitMQ, dev tokens, app clients.

Integration tests use the real servers and fail (never skip) when they cannot reach them: a suite
that quietly skips its integration tests has not tested the thing it exists for.
"""
from __future__ import annotations

import os
import secrets
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, jsonify, redirect, request
from werkzeug.serving import make_server

from .events import Event
from .uow import Repository, UnitOfWork

# Text that PostgreSQL holds but that has broken software elsewhere: every service must store it safely or refuse it
# for a reason of its own (the guard's tests and the fuzzing of every service use these, issue 19).
STORABLE_TEXT = {
    "mixed scripts and bidi controls": "\u01c4\U0001d538\u0627\u4e2d\u202e\u200d",
    "combining marks": "Z\u0351\u036b\u0343a\u0310l\u0307g\u0344o",
    "emoji ZWJ sequence": "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "noncharacters and BOM": "\ufffe\uffff\U0010ffff\ufeff",
    "C0 and C1 controls but NUL": "\x01\x1b\x7f\x85\x9f",
    "formula (DDE)": "=cmd|' /C calc'!A0",
    "formula (+)": "+1",
    "formula (-)": "-1",
    "formula (@)": "@SUM(1)",
    "LIKE pattern ending in its escape": "50%_\\",
}
# Text PostgreSQL cannot hold, which staffroom_shared.storable refuses at every service's edge.
UNSTORABLE_TEXT = {"NUL": "Tom\x00Taylor", "lone high surrogate": "\ud800", "lone low surrogate": "ok \udfff"}

PG_ADMIN_URL = os.environ.get("STAFFROOM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
RABBIT_URL = os.environ.get("STAFFROOM_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")


def require_port(host: str, port: int, what: str) -> None:
    try:
        with socket.create_connection((host, port), timeout=3):
            return
    except OSError as exc:
        raise RuntimeError(
            f"{what} is not reachable on {host}:{port} ({exc}); integration tests need it. "
            f"Start it (see README, 'Running the tests') and run again.") from None


SERVICE_DATABASE_SQL = Path(__file__).resolve().parents[3] / "deploy" / "postgres" / "service-database.sql.in"


def provision_service_database(conn, service: str, password: str) -> None:
    """What deploy/postgres/init.sh does for one service, from the same file: a role of that name, no superuser,
    owning a database of that name that nobody else may connect to. psql's :"name" and :'value' become a
    quoted identifier and a quoted literal."""
    import re

    from psycopg import sql

    values = {"service": service, "password": password}
    for statement in filter(str.strip, re.sub(r"--[^\n]*", "", SERVICE_DATABASE_SQL.read_text()).split(";")):
        parts = re.split(r"""(:"\w+"|:'\w+')""", statement)
        conn.execute(sql.SQL("").join(
            (sql.Identifier(values[p[2:-1]]) if p.startswith(':"') else sql.Literal(values[p[2:-1]]))
            if p.startswith(":") else sql.SQL(p) for p in parts))


def administrator_url(url: str) -> str:
    """The same database as the administrator (PG_ADMIN_URL's role), for a test playing someone who holds the
    server itself (its files, its checkpoints), which no service's role may touch."""
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{url.rsplit('/', 1)[1]}"


def old_row_versions(url: str, table: str) -> int:
    """PostgreSQL: row versions in the table's pages that are not its rows now, and line pointers left by ones
    pruned away, read as the administrator with pageinspect, as someone holding the server's files would (outsider
    O8 read who answered a 360, and withdrawn recognition's words, this way)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(administrator_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            pages = conn.execute(text("SELECT pg_relation_size(:t) / current_setting('block_size')::int"), {"t": table})
            items = sum(conn.execute(text("SELECT count(*) FROM heap_page_items(get_raw_page(:t, :p))"),
                                     {"t": table, "p": page}).scalar() for page in range(pages.scalar()))
            return items - conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()  # noqa: S608
    finally:
        engine.dispose()


@contextmanager
def postgres_database(prefix: str = "sr"):
    """A fresh, empty PostgreSQL database for one test module, as production has it: owned by a role of its own
    that is no superuser and is the only one (bar the administrator) that may connect (issue 21); the URL
    connects as that role. Dropped afterwards, role and all."""
    import psycopg

    require_port("127.0.0.1", 5432, "PostgreSQL")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        provision_service_database(conn, name, uuid.uuid4().hex)
    host = PG_ADMIN_URL.rsplit("/", 1)[0].split("@", 1)[1]
    try:
        yield f"postgresql+psycopg://{name}@{host}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{name}"')


_process_vhost: str | None = None


def rabbit_url() -> str:
    """RabbitMQ for this test process: a virtual host of its own, made on first use and deleted at exit, so test
    processes running side by side (pytest-xdist) never route events into each other's queues."""
    global _process_vhost
    require_port("127.0.0.1", 5672, "RabbitMQ")
    if _process_vhost is None:
        import atexit

        _process_vhost = _add_vhost(f"test-{os.getpid()}")
        atexit.register(_delete_vhost, _process_vhost)
    return _vhost_url(_process_vhost)


def _add_vhost(prefix: str) -> str:
    import subprocess

    name = f"{prefix}-{uuid.uuid4().hex[:10]}"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", name], check=True, capture_output=True)
    subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", name, "guest", ".*", ".*", ".*"],
                   check=True, capture_output=True)
    return name


def _delete_vhost(name: str) -> None:
    import subprocess

    subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name], capture_output=True)


def _vhost_url(name: str) -> str:
    return f"{RABBIT_URL[:RABBIT_URL.index('/', len('amqp://'))]}/{name}"  # host part, then the vhost


def unique_queue(prefix: str = "test") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Tokens:
    """Development tokens signed with a per-test key pair the app under test is configured to trust."""

    def __init__(self, key_dir: Path):
        from .auth import ensure_dev_keys

        self.private, self.public = ensure_dev_keys(key_dir)

    def token(self, staff_id=None, roles=("staff",), academy_id=None, **kwargs) -> str:
        from .auth import issue_dev_token

        return issue_dev_token(self.private, staff_id=staff_id, roles=list(roles), academy_id=academy_id, **kwargs)

    def headers(self, staff_id=None, roles=("staff",), academy_id=None, **kwargs) -> dict:
        return {"Authorization": f"Bearer {self.token(staff_id, roles, academy_id, **kwargs)}"}


class ServiceDb:
    """Reads (and for seeding, writes) a service's own tables, to check what a request did or did not change."""

    def __init__(self, app, tables: tuple[str, ...] | None = None):
        self.context = app.extensions["staffroom"]
        self.tables = self.context.metadata.tables
        self.watched = tables or tuple(self.tables)

    def rows(self, table: str, order_by=None, **where) -> list[dict]:
        from sqlalchemy import select

        t = self.tables[table]
        query = select(t).where(*[t.c[k] == v for k, v in where.items()])
        if order_by is not None:
            query = query.order_by(t.c[order_by])
        with self.context.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def count(self, table: str) -> int:
        from sqlalchemy import func, select

        with self.context.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(self.tables[table]))

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in self.watched}

    def insert(self, table: str, *rows: dict) -> None:
        from sqlalchemy import insert

        with self.context.engine.begin() as conn:
            conn.execute(insert(self.tables[table]), list(rows))

    def snapshot(self) -> dict[str, list[dict]]:
        """Every watched table's rows: equal before and after a refused request, or something changed."""
        return {t: sorted(self.rows(t), key=repr) for t in self.watched}

    def events(self, event_type: str | None = None) -> list[dict]:
        rows = self.rows("outbox", order_by="seq")
        return [r["envelope"] for r in rows if event_type is None or r["event_type"] == event_type]

    def audit(self, entity_id=None) -> list[dict]:
        rows = self.rows("audit_log", order_by="id")
        return [r for r in rows if entity_id is None or r["entity_id"] == str(entity_id)]


def survey_link(config, invitation: dict) -> str:
    """A wellbeing.invitation_issued payload's link, opened as notifications' email sender opens it: with the private
    key `config` has (in tests, the data folder's development key)."""
    from .contracts.wellbeing import survey_link_context
    from .sealing import unseal

    context = survey_link_context(invitation["run_id"], invitation["staff_id"])
    return unseal(config.survey_link_private_key(), invitation["sealed_link"], context).decode()


def sqlite_service_fixtures(bootstrap, create_app, *, max_body: int = 64 * 1024):
    """pytest fixtures `tokens`, `migrated_db`, `app`, `client` for a service's API tests.

    The app is built by its own factory on a temporary SQLite file and embedded bus, as the one-command
    run builds it; migrations run once per session and each test gets a fresh copy of the file.
    Use in a conftest: `tokens, migrated_db, app, client = sqlite_service_fixtures(bootstrap, create_app)`.
    """
    import logging
    import shutil

    import pytest

    from .config import ServiceConfig

    def config(folder, tokens: Tokens) -> ServiceConfig:
        return ServiceConfig.from_env(bootstrap.NAME, {
            "STAFFROOM_DATA_DIR": str(folder), "JWT_PUBLIC_KEY_FILE": str(tokens.public),
            "MAX_CONTENT_LENGTH": str(max_body), "LOG_LEVEL": "WARNING"})

    @pytest.fixture(scope="session", name="tokens")
    def tokens_fixture(tmp_path_factory) -> Tokens:
        return Tokens(tmp_path_factory.mktemp("keys"))

    @pytest.fixture(scope="session", name="migrated_db")
    def migrated_db_fixture(tmp_path_factory, tokens):
        folder = tmp_path_factory.mktemp("template")
        bootstrap.migrate(config(folder, tokens))
        return folder / f"{bootstrap.NAME}.db"

    @pytest.fixture(name="app")
    def app_fixture(tmp_path, tokens, migrated_db):
        shutil.copy(migrated_db, tmp_path / f"{bootstrap.NAME}.db")
        application = create_app(config(tmp_path, tokens))
        logging.getLogger("staffroom.access").setLevel(logging.WARNING)
        yield application
        application.extensions["staffroom"].engine.dispose()

    @pytest.fixture(name="client")
    def client_fixture(app):
        return app.test_client()

    return tokens_fixture, migrated_db_fixture, app_fixture, client_fixture


# -- event handlers on a real database ----------------------------------------------------------------

class ConsumerWorld:
    """One service's database and the inbox consumer that feeds it, for handler and daily-job tests.

    Events go in as the bus delivers them (JSON bytes through InboxConsumer); the helpers say what happened.
    A service's tests subclass it to add their own steps.
    """

    def __init__(self, bootstrap, context):
        from .consumer import InboxConsumer

        self.context = context
        self.consumer = InboxConsumer(bootstrap.NAME, context.uow, bootstrap.HANDLERS)
        self.academy_id = uuid.uuid4()

    # -- events in
    def deliver(self, event) -> None:
        """As the bus would: the envelope as JSON bytes, parsed and validated by the consumer."""
        import json

        from .bus import Delivery

        body = json.dumps(event.to_dict()).encode()
        self.consumer(Delivery(message_id=str(event.id), routing_key=event.type, body=body, headers={}, attempt=1))

    def staff_event(self, event_type: str, person: dict, *, correlation_id: str = "test", **extra):
        from .events import new_event

        payload = {**person, **extra}
        if event_type == "staff.updated":
            payload.setdefault("changed", [])
        if event_type == "staff.left":
            payload.setdefault("reason", "resigned")
        return new_event(event_type, payload, producer="directory", correlation_id=correlation_id,
                         academy_id=person["academy_id"])

    def person(self, **overrides) -> dict:
        from datetime import date

        return {"staff_id": uuid.uuid4(), "academy_id": self.academy_id, "first_name": "Priya",
                "last_name": "Patel", "email": f"p{uuid.uuid4().hex[:8]}@oaktrust.example", "staff_type": "teaching",
                "post": "Teacher of Maths", "fte": "1.00", "start_date": date(2020, 9, 1), "leaving_date": None,
                "line_manager_id": None, **overrides}

    def join(self, *, correlation_id: str = "test", **overrides) -> dict:
        person = self.person(**overrides)
        self.deliver(self.staff_event("staff.joined", person, correlation_id=correlation_id))
        return person

    # -- what happened
    def rows(self, table, *where, order_by=None):
        from sqlalchemy import select

        query = select(table).where(*where)
        if order_by is not None:
            query = query.order_by(order_by)
        with self.context.engine.connect() as conn:
            return conn.execute(query).all()

    def staff_copy(self, staff_id):
        staff = self.context.metadata.tables["staff"]
        found = self.rows(staff, staff.c.staff_id == staff_id)
        return found[0] if found else None

    def outbox(self, event_type: str | None = None) -> list[dict]:
        from sqlalchemy import select

        outbox = self.context.metadata.tables["outbox"]
        query = select(outbox.c.envelope).order_by(outbox.c.seq)
        if event_type:
            query = query.where(outbox.c.event_type == event_type)
        with self.context.engine.connect() as conn:
            return [row.envelope for row in conn.execute(query)]

    def count(self, table_name: str) -> int:
        from sqlalchemy import func, select

        table = self.context.metadata.tables[table_name]
        with self.context.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(table))

    def snapshot(self) -> dict[str, list]:
        """Every row of every table, to show that nothing at all changed."""
        from sqlalchemy import select

        out = {}
        with self.context.engine.connect() as conn:
            for table in self.context.metadata.sorted_tables:
                out[table.name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
        return out


def consumer_world_fixtures(bootstrap, world_class=ConsumerWorld):
    """pytest fixtures `sqlite_template`, `pg_url` and `world`: each test gets a `world_class` on a migrated
    SQLite file and again on PostgreSQL (marked integration: it fails, never skips, without the server).
    Use in a conftest: `sqlite_template, pg_url, world = consumer_world_fixtures(bootstrap, World)`."""
    import shutil

    import pytest
    from sqlalchemy import text

    from .config import ServiceConfig

    def config(tmp, database_url: str | None = None) -> ServiceConfig:
        env = {"STAFFROOM_DATA_DIR": str(tmp), "LOG_LEVEL": "WARNING"}
        if database_url:
            env["DATABASE_URL"] = database_url
        return ServiceConfig.from_env(bootstrap.NAME, env)

    @pytest.fixture(scope="session", name="sqlite_template")
    def sqlite_template_fixture(tmp_path_factory):
        """Migrate once; each test gets its own copy of the file."""
        folder = tmp_path_factory.mktemp(f"{bootstrap.NAME}-template")
        bootstrap.migrate(config(folder))
        return folder / f"{bootstrap.NAME}.db"

    @pytest.fixture(scope="session", name="pg_url")
    def pg_url_fixture():
        with postgres_database(bootstrap.NAME) as url:
            bootstrap.migrate(config("/nonexistent", url))
            yield url

    @pytest.fixture(name="world", params=[pytest.param("sqlite", id="sqlite"),
                                          pytest.param("postgresql", id="postgresql", marks=pytest.mark.integration)])
    def world_fixture(request, tmp_path):
        if request.param == "sqlite":
            shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / f"{bootstrap.NAME}.db")
            context = bootstrap.build(config(tmp_path))
        else:
            context = bootstrap.build(config(tmp_path, request.getfixturevalue("pg_url")))
            names = ", ".join(f'"{t.name}"' for t in context.metadata.sorted_tables)
            with context.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {names} CASCADE"))
        yield world_class(bootstrap, context)
        context.engine.dispose()

    return sqlite_template_fixture, pg_url_fixture, world_fixture


# -- services talking over a real bus -----------------------------------------------------------------

# Short waits so bus tests run in seconds; production keeps the defaults.
FAST_BUS = {"embedded": {"poll_interval": 0.01, "lease_seconds": 2.0, "retry_delay": 0.01},
            "rabbitmq": {"retry_delay": 0.01, "max_retry_delay": 0.3, "connect_timeout": 2.0}}


def migrated_app(name: str, env: dict, database_url: str, cleanup):
    """(web app, its context, config) of service `name` on this database, migrated first; its engine is disposed by
    `cleanup` (an ExitStack) and the access log kept quiet. For tests wiring services together over a bus."""
    import importlib
    import logging

    from .config import ServiceConfig

    config = ServiceConfig.from_env(name, {**env, "DATABASE_URL": database_url})
    importlib.import_module(f"{name}.bootstrap").migrate(config)
    app = importlib.import_module(f"{name}.entrypoints.web").create_app(config)
    logging.getLogger("staffroom.access").setLevel(logging.WARNING)
    context = app.extensions["staffroom"]
    cleanup.callback(context.engine.dispose)
    return app, context, config


def staff_joined(academy_id: uuid.UUID, first: str, last: str = "Iqbal", *, staff_type: str = "teaching",
                 line_manager_id: uuid.UUID | None = None) -> Event:
    """A directory staff.joined event for a bus test's set-up (a teacher since September 2019 unless told)."""
    from datetime import date

    from .events import new_event

    return new_event("staff.joined", {
        "staff_id": uuid.uuid4(), "academy_id": academy_id, "first_name": first, "last_name": last,
        "email": f"{first.lower()}@oaktrust.example", "staff_type": staff_type, "post": "Teacher", "fte": "1.00",
        "start_date": date(2019, 9, 1), "leaving_date": None, "line_manager_id": line_manager_id},
        producer="directory", correlation_id="test", academy_id=academy_id)


def deliver(consumer, event: Event) -> None:
    """Hand `event` to a consumer as the bus would (a bus test's set-up; what it tests goes over the real bus)."""
    import json

    from .bus.messages import Delivery

    consumer(Delivery(message_id=str(event.id), routing_key=event.type, body=json.dumps(event.to_dict()).encode(),
                      headers={}, attempt=1))


@contextmanager
def bus_databases(backend: str, tmp_path: Path, *services: str):
    """(one database URL per service..., bus URL): SQLite files and the embedded bus, or PostgreSQL databases
    and RabbitMQ (which must be reachable: this raises, never skips)."""
    from contextlib import ExitStack

    if backend == "embedded":
        yield (*[f"sqlite:///{tmp_path / f'{name}.db'}" for name in services], f"embedded:///{tmp_path / 'bus.db'}")
        return
    url = rabbit_url()
    with ExitStack() as stack:
        yield (*[stack.enter_context(postgres_database(f"e2e{name[:8]}")) for name in services], url)


@contextmanager
def rabbit_vhost(prefix: str = "test"):
    """A fresh RabbitMQ virtual host (guest may use it) for tests that declare queues under the services' own
    names, so they never meet a deployment's or another test's queues; deleted afterwards."""
    require_port("127.0.0.1", 5672, "RabbitMQ")
    name = _add_vhost(prefix)
    try:
        yield _vhost_url(name)
    finally:
        _delete_vhost(name)


@contextmanager
def running(target):
    """Run `target(should_stop)` in a thread for the length of the block (a relay, a consumer)."""
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=target, args=(stop.is_set,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def wait_for(predicate, what: str, timeout: float = 20.0):
    """Poll until `predicate()` is truthy and return it; fail the test naming `what` if it never is."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def delete_queues(*names: str) -> None:
    from kombu import Connection

    with Connection(rabbit_url(), connect_timeout=5) as conn:
        channel = conn.channel()
        for name in names:
            channel.queue_delete(name)


STAFF_ID = str(uuid.uuid4())
CLIENT_ID, CLIENT_SECRET = "staffroom-portal", "s3cret"


class Provider:
    """A minimal OpenID Connect provider on a real local port: discovery, authorize (signs the person straight
    in), token and JWKS. `id_claims` are added to every ID token it signs: a Google Workspace account's email,
    email_verified and hd, say."""

    def __init__(self, **id_claims):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, str] = {}
        self.id_claims = id_claims
        self.sign_access_with = self.key  # the API token; the ID token is always signed properly
        app = Flask("provider")
        app.add_url_rule("/.well-known/openid-configuration", view_func=self.discovery)
        app.add_url_rule("/authorize", view_func=self.authorize)
        app.add_url_rule("/token", view_func=self.token, methods=["POST"])
        app.add_url_rule("/jwks", view_func=self.jwks)
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self):
        return jsonify(issuer=self.issuer, authorization_endpoint=f"{self.issuer}/authorize",
                       token_endpoint=f"{self.issuer}/token", jwks_uri=f"{self.issuer}/jwks",
                       response_types_supported=["code"], id_token_signing_alg_values_supported=["RS256"],
                       subject_types_supported=["public"])

    def authorize(self):
        if request.args["client_id"] != CLIENT_ID or request.args["response_type"] != "code":
            return jsonify(error="unauthorized_client"), 400
        code = secrets.token_urlsafe(16)
        self.codes[code] = request.args["nonce"]
        return redirect(f"{request.args['redirect_uri']}?code={code}&state={request.args['state']}")

    def sign(self, claims: dict, key=None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "k1"})

    def id_token(self, **claims) -> str:
        """An ID token for the portal, as the provider signs one; `claims` add to or replace its own."""
        now = int(time.time())
        return self.sign({"iss": self.issuer, "sub": STAFF_ID, "aud": CLIENT_ID, "iat": now, "exp": now + 3600,
                          **self.id_claims, **claims})

    def token(self):
        if not request.authorization or request.authorization.password != CLIENT_SECRET:
            return jsonify(error="invalid_client"), 401
        nonce = self.codes.pop(request.form["code"])
        now = int(time.time())
        access = {"iss": self.issuer, "sub": STAFF_ID, "iat": now, "exp": now + 3600, "aud": "staffroom",
                  "roles": ["staff"]}
        return jsonify(token_type="Bearer", expires_in=3600,  # noqa: S106 - a token type, not a password
                       access_token=self.sign(access, self.sign_access_with), id_token=self.id_token(nonce=nonce))

    def jwks(self):
        key = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return jsonify(keys=[{**key, "kid": "k1", "use": "sig", "alg": "RS256"}])


class FakeUnitOfWork(UnitOfWork):
    """A unit of work in memory, for fast tests of a service's commands (its `tests/unit/fakes.py` subclass sets
    the service's `contracts` and in-memory repositories). What a commit would write is kept where a test can see
    it: `published` (the outbox's envelopes, each checked against its contract as the real one is), `audits` and
    `commits`; a change never committed leaves all three as they were."""

    def __init__(self, producer: str, actor: str = "system"):
        self.producer, self.actor = producer, actor
        self.session = None
        self.events, self._after_commit, self._repositories = [], [], []
        self._forgetting = None
        self.published: list[Event] = []
        self.audits: list[dict] = []
        self._pending_audits: list[dict] = []
        self.commits = 0
        self.forgotten_sent: list = []

    def open_repositories(self, session) -> list[Repository]:
        """The fake repositories the subclass made in its __init__: they outlive each unit of work, as a database does."""
        return [value for value in vars(self).values() if isinstance(value, Repository)]

    def forget_old_pages(self, tables: tuple[str, ...] = ()) -> None:
        """Memory has no write-ahead log, nor old row versions."""

    def forget_sent_events(self, about) -> int:
        """Nothing is ever sent from memory; what was asked is kept in `forgotten_sent` for a test to see."""
        self.forgotten_sent.append(about)
        return 0

    def __enter__(self) -> "FakeUnitOfWork":
        self._begin()
        for repository in self._repositories:  # fakes outlive a unit of work; what they saw does not
            repository.seen = []
        self._pending_audits = []
        return self

    def __exit__(self, *exc) -> None:
        self._aggregates_and_events()
        self.events, self._pending_audits = [], []

    def audit(self, action: str, entity: str, entity_id, changes: dict | None = None, note: str | None = None) -> None:
        self._pending_audits.append({"action": action, "entity": entity, "entity_id": str(entity_id),
                                     "changes": changes, "note": note, "actor": self.actor})

    def commit(self) -> None:
        self.collect()
        self.published += self.events
        self.audits += self._pending_audits
        self.events, self._pending_audits = [], []
        self.commits += 1
        done, self._after_commit, self._forgetting = self._after_commit, [], None
        for then in done:
            then()

    def rollback(self) -> None:
        self._aggregates_and_events()
        self.events, self._pending_audits = [], []

    def payloads(self, event_type: str) -> list[dict]:
        """The payloads of the committed events of this type, as they would reach the bus."""
        return [event.payload for event in self.published if event.type == event_type]
