#!/usr/bin/env python3
"""Set up and run Staffroom with nothing but Python 3.11+: `python3 dev.py run` or `python3 dev.py test`.

Creates .venv beside this file, installs the pinned dependencies and the project's packages into
it (again only when a lock file or pyproject changes), then hands over to the command asked for.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PACKAGES = ["shared", "services/directory", "services/appraisal", "services/cpd", "services/wellbeing", "services/notifications", "services/targets", "portal", "suite"]
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _fingerprint(lock: str) -> str:
    digest = hashlib.sha256()
    for path in [ROOT / lock, ROOT / "requirements.lock", *(ROOT / p / "pyproject.toml" for p in PACKAGES)]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv(lock: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"Staffroom needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    stamp = VENV / f".stamp-{lock}"
    wanted = _fingerprint(lock)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    print(f"installing pinned dependencies from {lock}", flush=True)
    subprocess.run([*pip, "install", "-r", str(ROOT / lock)], check=True)
    editables = [arg for p in PACKAGES for arg in ("-e", str(ROOT / p))]
    subprocess.run([*pip, "install", "--no-deps", *editables], check=True)
    stamp.write_text(wanted)


def ensure_servers() -> None:
    """Integration tests need PostgreSQL and RabbitMQ on 127.0.0.1; start them if they are installed but down.

    Nothing here skips anything: if a server cannot be reached the integration tests fail and say so.
    """
    import shutil
    import socket
    import time

    def up(port: int) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                return True
        except OSError:
            return False

    clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else ["?"]
    starts = {
        5432: ("PostgreSQL", ["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main", "start"]),
        5672: ("RabbitMQ", ["rabbitmq-server", "-detached"]),
    }
    for port, (name, command) in starts.items():
        if up(port):
            continue
        if shutil.which(command[0]) is None:
            print(f"{name} is not running on 127.0.0.1:{port} and is not installed here; integration tests will fail",
                  flush=True)
            continue
        if port == 5672 and shutil.which("rabbitmqctl"):
            # The node may be up with its app stopped (e.g. an outage test that was interrupted).
            subprocess.run(["rabbitmqctl", "-q", "start_app"], check=False, timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if up(port):
                print(f"{name}: started its stopped app (rabbitmqctl start_app)", flush=True)
                continue
        print(f"starting {name}: {' '.join(command)}", flush=True)
        subprocess.run(command, check=False)
        deadline = time.monotonic() + 90
        while not up(port) and time.monotonic() < deadline:
            time.sleep(1)
        if port == 5672 and shutil.which("rabbitmqctl"):
            subprocess.run(["rabbitmqctl", "-q", "await_startup"], check=False, timeout=120)
        print(f"{name} is {'up' if up(port) else 'STILL DOWN: integration tests will fail'}", flush=True)


# Debian packages the tests drive: Chromium for the portal's browser tests (never a browser a test tool downloads),
# nginx for the deployed proxy's configuration (tests/deploy). Program name -> package.
DEBIAN_PROGRAMS = {"chromium": "chromium", "nginx": "nginx"}


def ensure_debian_programs() -> None:
    import shutil

    missing = [package for program, package in DEBIAN_PROGRAMS.items()
               if shutil.which(program) is None and not (program == "chromium" and os.environ.get("STAFFROOM_CHROMIUM"))]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"not installed: {', '.join(missing)} (Debian: apt-get install {' '.join(missing)}); the tests that "
              "drive them will fail", flush=True)
        return
    print(f"installing Debian's {', '.join(missing)} for the tests", flush=True)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    if subprocess.run(install, **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], **quiet)
        subprocess.run(install, check=True, **quiet)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command == "run":
        ensure_venv("requirements.lock")
        os.execv(BIN / "staffroom", [str(BIN / "staffroom"), "run", *rest])
    if command == "test":
        ensure_venv("requirements-dev.lock")
        ensure_servers()
        ensure_debian_programs()
        os.chdir(ROOT)
        os.execv(BIN / "python", [str(BIN / "python"), "-m", "pytest", *rest])
    print(__doc__)
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
