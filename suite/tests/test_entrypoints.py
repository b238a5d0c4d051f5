"""Every service's processes as deployment runs them: migrate, the daily job once, and the job as a loop."""
from __future__ import annotations

import importlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from staffroom.cli import services
from staffroom_shared.config import ServiceConfig
from staffroom_shared.runner import daily_loop

WITH_DAILY_JOB = [m for m in services() if importlib.util.find_spec(f"{m.NAME}.entrypoints.scheduler")]


def _python(tmp_path, *args, **kwargs):
    env = {**os.environ, "STAFFROOM_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None), env.pop("BUS_URL", None)
    return subprocess.run([sys.executable, "-m", *args], env=env, capture_output=True, text=True, timeout=60, **kwargs)


def test_every_consuming_service_has_a_daily_job():
    assert {m.NAME for m in WITH_DAILY_JOB} >= {"appraisal", "cpd"}


@pytest.mark.parametrize("module", WITH_DAILY_JOB, ids=lambda m: m.NAME)
def test_migrate_then_the_daily_job_once_prints_what_it_did(module, tmp_path):
    assert _python(tmp_path, f"{module.NAME}.entrypoints.migrate").returncode == 0
    done = _python(tmp_path, f"{module.NAME}.entrypoints.scheduler")
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    # An empty database: nothing to do, and it says so (targets still records today's trend point for each
    # trust-wide target, with nobody to count).
    acted = {k: v for k, v in counts.items() if k not in ("snapshots", "expired")}
    expired = counts["expired"]  # retention: every record the service keeps, each with nothing old enough to go
    assert set(expired) == {r.key for r in importlib.import_module(f"{module.NAME}.service.retention").RECORDS}
    assert set(acted.values()) | set(expired.values()) == {0}


@pytest.mark.parametrize("module", WITH_DAILY_JOB, ids=lambda m: m.NAME)
def test_the_scheduler_loop_stops_promptly_on_sigterm(module, tmp_path):
    assert _python(tmp_path, f"{module.NAME}.entrypoints.migrate").returncode == 0
    env = {**os.environ, "STAFFROOM_DATA_DIR": str(tmp_path), "LOG_LEVEL": "INFO"}
    process = subprocess.Popen([sys.executable, "-m", f"{module.NAME}.entrypoints.scheduler", "--every", "86400"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        lines = []
        while time.monotonic() < deadline:  # the job runs at start, before the first day's wait
            line = process.stderr.readline()
            lines.append(line)
            if f"{module.NAME} daily job" in line:
                break
        assert any(f"{module.NAME} daily job" in line for line in lines), lines
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0  # not the day's wait; 10 s was too tight with the machine loaded
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("module", WITH_DAILY_JOB, ids=lambda m: m.NAME)
def test_the_loop_runs_at_start_then_every_interval_and_survives_a_failed_run(module, tmp_path, monkeypatch):
    context = module.build(ServiceConfig.from_env(module.NAME, {"STAFFROOM_DATA_DIR": str(tmp_path)}))
    runs: list[str] = []
    stop = threading.Event()
    scheduler = importlib.import_module(f"{module.NAME}.entrypoints.scheduler")

    def fake_run_once(_context):
        runs.append("run")
        if len(runs) == 1:
            raise RuntimeError("database not there yet")  # no tables: the loop must carry on
        if len(runs) == 3:
            stop.set()
        return {}

    monkeypatch.setattr(scheduler, "run_once", fake_run_once)
    thread = threading.Thread(target=daily_loop, args=(module.NAME, scheduler.run_once, context, stop, 0.05),
                              daemon=True)
    thread.start()
    thread.join(timeout=10)
    context.engine.dispose()
    assert not thread.is_alive() and runs == ["run"] * 3
