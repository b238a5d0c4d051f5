"""Fixtures for the fault scenarios: one private PostgreSQL cluster and RabbitMQ node for the session,
and per scenario a fresh deployment (databases, vhost, the services' processes) that is stopped afterwards."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import kit  # noqa: E402

from staffroom_shared.testing import Tokens  # noqa: E402


@pytest.fixture(scope="session")
def fault_root():
    root = Path(tempfile.mkdtemp(prefix="staffroom-faults-"))
    root.chmod(0o755)  # the servers run as their own users
    yield root
    if not os.environ.get("FAULTS_KEEP"):
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def private_pg(fault_root):
    pg = kit.PrivatePostgres(fault_root / "pg")
    pg.start()
    yield pg
    try:
        pg.stop("immediate")
    except Exception:  # noqa: BLE001 - already stopped by a failed scenario
        pass


@pytest.fixture(scope="session")
def private_rabbit(fault_root):
    rabbit = kit.PrivateRabbit(fault_root / "rabbit")
    rabbit.start()
    yield rabbit
    rabbit.shutdown()


@pytest.fixture(scope="session")
def tokens(fault_root):
    return Tokens(fault_root / "keys")


@pytest.fixture
def hr_token(tokens):
    return tokens.token(uuid.uuid4(), roles=["trust_hr"])


@pytest.fixture
def stack(request, private_pg, private_rabbit, tokens, fault_root):
    name = request.node.name.removeprefix("test_")[:30].replace("_", "-") + "-" + uuid.uuid4().hex[:4]
    deployment = kit.Stack(name, private_pg, private_rabbit, fault_root / name, tokens.public)
    deployment.node = request.node  # for the scenario's report line (kit.report)
    deployment.prepare()
    yield deployment
    deployment.stop_all()
    # A scenario that failed half-way may leave a server down: the next one needs it.
    if private_rabbit.proc.poll() is not None:
        private_rabbit.restart()
    try:
        private_pg.connect().close()
    except Exception:  # noqa: BLE001
        private_pg.start()
    if request.node.rep_call_failed if hasattr(request.node, "rep_call_failed") else False:
        print(deployment.dump_logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.when == "call":
        item.rep_call_failed = rep.failed
