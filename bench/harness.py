"""What every benchmark part shares: where things are, the result table, PostgreSQL databases made and dropped per
run, migrations, and a gunicorn server. bench/run.py and the parts in their own files (cpd_places.py,
notifications_bench.py) import it; none reaches into another through sys.modules."""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
GUNICORN = str(Path(PY).with_name("gunicorn"))
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AMQP_URL = os.environ.get("BENCH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
RUN_ID = uuid.uuid4().hex[:8]
ROWS: list[dict] = []  # the result table


def log(msg: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {msg}", flush=True)



# -- results ----------------------------------------------------------------------------------------

def spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def add_ratio_row(name: str, unit: str, a: list[float], b: list[float], target: float | None) -> None:
    """A/B per round; target None: printed for context only (status "info", never MISSED)."""
    ratios = [x / y for x, y in zip(a, b)]
    met = target is None or statistics.median(ratios) >= target
    ROWS.append({"name": name, "a": f"{spread(a, '.0f')} {unit}", "b": f"{spread(b, '.0f')} {unit}",
                 "result": f"ratio {spread(ratios, '.2f')}", "target": "none (context)" if target is None else f">= {target}",
                 "status": "info" if target is None else ("ok" if met else "MISSED"), "n": len(ratios)})


def add_ms_row(name: str, a: list[float], b: list[float] | None, target: float | None, what: str = "median") -> None:
    """Latencies in ms (A, and B the bare stack when given); target: the median of A <= target ms."""
    met = target is None or statistics.median(a) <= target

    def fmt(values: list[float]) -> str:
        return ".1f" if min(values) < 10 else ".0f"

    ROWS.append({"name": name, "a": f"{spread(a, fmt(a))} ms", "b": f"{spread(b, fmt(b))} ms" if b else "",
                 "result": f"{what} {spread(a, fmt(a))} ms", "target": "none (context)" if target is None else f"<= {target:g} ms",
                 "status": "info" if target is None else ("ok" if met else "MISSED"), "n": len(a)})


def add_time_row(name: str, seconds: list[float], target: float) -> None:
    met = statistics.median(seconds) <= target
    ROWS.append({"name": name, "a": "", "b": "", "result": f"{spread(seconds, '.2f')} s",
                 "target": f"<= {target} s", "status": "ok" if met else "MISSED", "n": len(seconds)})


def print_table() -> None:
    headers = ["measure", "A (median, min-max)", "B: bare stack", "result (median, min-max)", "target", "n", ""]
    lines = [[r["name"], r["a"], r["b"], r["result"], r["target"], str(r["n"]), r["status"]] for r in ROWS]
    widths = [max(len(h), *(len(l[i]) for l in lines)) if lines else len(h) for i, h in enumerate(headers)]
    print()
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("-+-".join("-" * w for w in widths))
    for line in lines:
        print(" | ".join(c.ljust(w) for c, w in zip(line, widths)))
    print()


# -- PostgreSQL and migrations ---------------------------------------------------------------------

def sa_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


@contextmanager
def pg_database(label: str):
    import psycopg

    name = f"bench_{label}_{RUN_ID}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield sa_url(name)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(config, bootstrap=None) -> None:
    """The service's own migrations (the directory's unless another bootstrap module is given). Falls
    back to handing Alembic a connection when staffroom_shared.db.make_engine rejects NullPool
    (pool_size/max_overflow with NullPool on PostgreSQL raises TypeError; see bench/README.md)."""
    if bootstrap is None:
        from directory import bootstrap

    try:
        bootstrap.migrate(config)
        return
    except TypeError as exc:
        if "pool_size" not in str(exc):
            raise
    from alembic import command
    from staffroom_shared.db import make_engine
    from staffroom_shared.runner import alembic_config

    cfg = alembic_config(bootstrap.MIGRATIONS, config.database_url)
    engine = make_engine(config.database_url)
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn process serving one of bench/wsgi_apps.py's apps (the same settings for both), or of
    another module in bench/ (`module`, e.g. wellbeing_seed for (g) and (h), cpd_places for (f)).

    Under deploy/gunicorn.conf.py, as production serves every web process (the app built once and forked, its
    JSON access line per request, here into `logfile`), with one worker of 4 threads for both sides, and no
    recycling of the worker after so many requests: the two sides serve different numbers of requests, and only
    one of them would pay for a recycle."""

    def __init__(self, app: str, env: dict, logfile: Path, module: str = "wsgi_apps"):
        self.port = free_port()
        self.logfile = logfile
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--pythonpath", str(HERE),
             "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--worker-class", "gthread", "--threads", "4",
             "--keep-alive", "5", "--timeout", "60", "--max-requests", "0", "--log-level", "warning",
             "--access-logfile", str(logfile), f"{module}:{app}()"],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=logfile.open("ab"), cwd=str(ROOT),
            start_new_session=True,
        )
        wait_healthy(self, "/healthz", app, logfile, timeout=30)

    def stop(self) -> None:
        stop_group(self.proc, grace=10)


def school_year_today():
    """(the school year a cycle opened today belongs to, today): a cycle must not have ended to open."""
    from datetime import date

    today = date.today()
    return (today.year if today.month >= 9 else today.year - 1), today


def wait_healthy(server, path: str, what: str, logfile: Path, timeout: float) -> None:
    """Until GET `path` on the server's port answers 200; a process that exits, or is not up within `timeout`
    seconds, is stopped, and the tail of its log raised."""
    import http.client

    deadline = time.time() + timeout
    while True:
        try:
            c = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        if server.proc.poll() is not None or time.time() > deadline:
            server.stop()
            raise RuntimeError(f"{what} did not start; see {logfile}:\n{logfile.read_text()[-3000:]}")
        time.sleep(0.2)


def stop_group(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM the process's group, then SIGKILL after `grace` seconds."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
