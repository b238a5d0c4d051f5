"""The production layout is checked here, without a Docker engine, by running the real processes.

validate.sh: `docker-compose config` (Debian's docker-compose), `nginx -t`, RabbitMQ definitions
equal to what the code declares, k8s manifests against the Kubernetes schema.
e2e.sh: the compose processes (migrate, gunicorn, relay, nginx) in production mode against their own
PostgreSQL and RabbitMQ, from a request through the proxy to the event on the exchange.
Both need root for apt-get on a machine's first run.
"""
import os
import signal
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _run(script: str, timeout: int) -> None:
    # Its own process group, so a timeout stops everything it started (nginx, gunicorn, its PostgreSQL and
    # RabbitMQ), not just its shell, and the next script finds its ports free.
    process = subprocess.Popen(["bash", str(DEPLOY / script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
        pytest.fail(f"{script} took over {timeout} s:\n{stdout[-4000:]}\n{stderr[-4000:]}")
    assert process.returncode == 0, f"{script} failed:\n{stdout[-4000:]}\n{stderr[-4000:]}"


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_compose_nginx_rabbitmq_and_k8s_files_validate():
    _run("validate.sh", timeout=600)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_compose_processes_run_end_to_end_in_production_mode():
    _run("e2e.sh", timeout=600)
