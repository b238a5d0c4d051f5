"""Test helpers for the one-command run: start `staffroom run` as its own process and wait until it serves."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

STAFFROOM = Path(sys.executable).parent / "staffroom"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def smtp_server():
    """A real SMTP server on localhost (aiosmtpd): `.port` to send to, `.received` every email it was given;
    `.refusing = True` turns every recipient away for now (451), as a mail server that is struggling does."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list = []

    class Keep(Message):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if controller.refusing:
                return "451 4.3.0 Try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.received, controller.refusing = received, False
    try:
        yield controller
    finally:
        controller.stop()


def start(data_dir: Path, port: int, **environ) -> subprocess.Popen:
    """`staffroom run` on this port and data directory; its output goes to run-<port>.log beside the data."""
    log = open(data_dir.parent / f"run-{port}.log", "ab")
    return subprocess.Popen([str(STAFFROOM), "run", "--data-dir", str(data_dir), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "LOG_LEVEL": "WARNING", **environ})


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 150) -> None:
    """Until the directory answers ready (AssertionError if the run exits or never does). Seeding the demo trust takes
    30 to 50 s on two quiet cores and over 60 s beside a full test run (seen at the session's start commit too): the
    wait is for readiness, not a speed target (bench/ measures those)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "staffroom run exited early"
        try:
            with urllib.request.urlopen(f"{base}/api/directory/readyz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"staffroom run at {base} did not become ready in {timeout:.0f} s")


@contextmanager
def suite_on(backend: str, data_dir: Path, name: str, environ: dict | None = None):
    """`running_suite` on the embedded default ("embedded") or on PostgreSQL and RabbitMQ ("rabbitmq"), with a
    database per service and a vhost of their own, named after `name`."""
    from contextlib import ExitStack

    from staffroom.cli import services
    from staffroom_shared.testing import postgres_database, rabbit_vhost

    environ = {"LOG_LEVEL": "WARNING", **(environ or {})}
    with ExitStack() as stack:
        if backend == "rabbitmq":
            environ["BUS_URL"] = stack.enter_context(rabbit_vhost(name))
            for module in services():
                environ[f"{module.NAME.upper()}_DATABASE_URL"] = stack.enter_context(
                    postgres_database(f"{name}{module.NAME[:6]}"))
        with running_suite(data_dir, environ) as suite:
            yield suite


@contextmanager
def running_suite(data_dir: Path, environ: dict):
    """Every service in this process (staffroom.cli.Suite), relays and consumers running: yields the suite, a
    Flask test client per service, and `headers(staff_id, roles, academy_id)` giving a bearer token's header."""
    from staffroom.cli import Suite, _web
    from staffroom_shared.auth import issue_dev_token

    suite = Suite(data_dir, environ=environ)
    suite.prepare()
    suite.start_workers()
    clients = {m.NAME: _web(m).create_app(suite.configs[m.NAME]).test_client() for m in suite.modules}
    private = suite.data_dir / "dev-keys" / "private.pem"

    def headers(staff_id=None, roles=("staff",), academy_id=None):
        token = issue_dev_token(private, staff_id=staff_id, roles=list(roles), academy_id=academy_id,
                                subject=None if staff_id else "trust-hr-service")
        return {"Authorization": f"Bearer {token}"}

    try:
        yield suite, clients, headers
    finally:
        suite.stop.set()
        for thread in suite.threads:
            thread.join(timeout=10)


def oak_maths(directory, hr: dict, *teachers: tuple[str, str, str]) -> tuple[dict, dict, list[dict]]:
    """Oak Academy, with Priya Patel, Head of Maths, line-managing each teacher given as (staff code, first name,
    last name): the people the journeys across services follow. Returns (academy, manager, teachers)."""
    academy = directory.post("/academies", json={"name": "Oak Academy", "urn": "150001", "phase": "primary"},
                             headers=hr).get_json()
    person = {"academy_id": academy["id"], "fte": "1.00", "start_date": "2016-09-01", "staff_type": "teaching"}
    manager = directory.post("/staff", headers=hr, json={
        **person, "staff_code": "M1", "first_name": "Priya", "last_name": "Patel", "email": "priya@oak.example",
        "post": "Head of Maths"}).get_json()
    added = [directory.post("/staff", headers=hr, json={
        **person, "staff_code": code, "first_name": first, "last_name": last, "email": f"{first.lower()}@oak.example",
        "post": "Teacher of Maths", "line_manager_id": manager["id"]}).get_json() for code, first, last in teachers]
    return academy, manager, added
