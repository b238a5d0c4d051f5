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
    """A real SMTP server on localhost (aiosmtpd): `.port` to send to, `.received` every email it was given."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.received = received
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


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the directory answers ready (AssertionError if the run exits or never does)."""
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
