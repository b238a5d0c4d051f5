"""The production layout is checked here, without a Docker engine, by running the real processes.

validate.sh: `docker-compose config` (Debian's docker-compose), `nginx -t`, RabbitMQ definitions
equal to what the code declares, k8s manifests against the Kubernetes schema.
e2e.sh: the compose processes (migrate, gunicorn, relay, nginx) in production mode against their own
PostgreSQL and RabbitMQ, from a request through the proxy to the event on the exchange.
Both need root for apt-get on a machine's first run.
"""
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _run(script: str, timeout: int) -> None:
    result = subprocess.run(["bash", str(DEPLOY / script)], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{script} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"


@pytest.mark.integration
@pytest.mark.slow
def test_compose_nginx_rabbitmq_and_k8s_files_validate():
    _run("validate.sh", timeout=600)


@pytest.mark.integration
@pytest.mark.slow
def test_compose_processes_run_end_to_end_in_production_mode():
    _run("e2e.sh", timeout=600)
