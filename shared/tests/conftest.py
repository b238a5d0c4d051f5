"""Fixtures for the shared package's tests: rigs on the embedded bus and on real PostgreSQL + RabbitMQ."""
from __future__ import annotations

import queue as queue_module
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:  # the test kit (msgkit) lives beside this file
    sys.path.insert(0, str(HERE))

import msgkit  # noqa: E402

from staffroom_shared.bus import connect  # noqa: E402
from staffroom_shared.testing import postgres_database, rabbit_url, unique_queue  # noqa: E402

# Short leases, polls and back-offs so the failure paths run in well under a second each.
EMBEDDED_OPTIONS = {"lease_seconds": 1.0, "poll_interval": 0.01, "retry_delay": 0.01}
RABBIT_OPTIONS = {"retry_delay": 0.01, "max_retry_delay": 0.3, "connect_timeout": 2.0, "heartbeat": 0}

BACKENDS = [
    pytest.param("embedded", id="embedded"),
    pytest.param("rabbitmq", id="rabbitmq", marks=pytest.mark.integration),
]


def embedded_url(tmp_path: Path) -> str:
    return f"embedded:///{tmp_path / 'bus.db'}"


def delete_rabbit_queues(*names: str) -> None:
    from kombu import Connection

    with Connection(rabbit_url(), connect_timeout=5) as conn:
        channel = conn.channel()
        for name in names:
            channel.queue_delete(name)


@contextmanager
def make_rig(backend: str, tmp_path: Path):
    queue = unique_queue("msgtest")
    if backend == "embedded":
        url = embedded_url(tmp_path)
        rig = msgkit.Rig(f"sqlite:///{tmp_path / 'service.db'}", lambda: connect(url, **EMBEDDED_OPTIONS), queue)
        rig.bus_url, rig.bus_options = url, EMBEDDED_OPTIONS
        rig.create_tables()
        try:
            yield rig
        finally:
            rig.close()
        return
    url = rabbit_url()
    with postgres_database("msgtest") as db_url:
        rig = msgkit.Rig(db_url, lambda: connect(url, **RABBIT_OPTIONS), queue)
        rig.bus_url, rig.bus_options = url, RABBIT_OPTIONS
        rig.create_tables()
        try:
            yield rig
        finally:
            rig.close()
            delete_rabbit_queues(queue, f"{queue}.dlq")


@pytest.fixture(params=BACKENDS)
def rig(request, tmp_path):
    with make_rig(request.param, tmp_path) as rig:
        rig.backend = request.param
        # Declared up front, as deployment does, so nothing published before the consumer starts is unrouted.
        rig.bus.declare(rig.queue, [msgkit.NOTE_TYPE], max_attempts=msgkit.MAX_ATTEMPTS)
        yield rig


@pytest.fixture
def embedded_rig(tmp_path):
    with make_rig("embedded", tmp_path) as rig:
        rig.backend = "embedded"
        rig.bus.declare(rig.queue, [msgkit.NOTE_TYPE], max_attempts=msgkit.MAX_ATTEMPTS)
        yield rig


class Worker:
    """A messaging process run by shared/tests/msgworker.py, which we can SIGKILL at a chosen moment."""

    def __init__(self, *args: str):
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "msgworker.py"), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: queue_module.Queue[str] = queue_module.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._pump, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr.append), daemon=True).start()

    @staticmethod
    def _pump(stream, sink):
        for line in stream:
            sink(line.rstrip("\n"))

    def wait_line(self, prefix: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.05)
            except queue_module.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            if line.startswith(prefix):
                return line[len(prefix):].strip()
        raise AssertionError(f"worker never printed {prefix!r} (exit {self.proc.poll()}); stderr:\n"
                             + "\n".join(self.stderr[-30:]))

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill9()


@pytest.fixture
def workers():
    """Start worker processes; any still running when the test ends are stopped."""
    started: list[Worker] = []

    def start(*args: str) -> Worker:
        worker = Worker(*args)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
