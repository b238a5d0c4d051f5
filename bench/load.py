"""Staffroom under load: the whole production process layout, a 10,000-staff trust, a mixed workload at a fixed
arrival rate, beside the bare stack measured in the same run. Issue 8; docs/performance.md.

    .venv/bin/python bench/load.py                      # 60 s of mixed load at 200 req/s (the seed: ~25 minutes here)
    .venv/bin/python bench/load.py --rates 50,100,200   # after one seed, each rate in turn: where it stops keeping up
    .venv/bin/python bench/load.py --staff 1000 --quick  # a smaller trust and 15 s per rate, for trying the script out

1. Starts what docker-compose.yml runs, here on 127.0.0.1: for each service its migrate, its web
   (gunicorn -c deploy/gunicorn.conf.py "<svc>.entrypoints.web:create_app()", WEB_CONCURRENCY=2, GUNICORN_THREADS=4 as
   compose's defaults), relay, consumer and daily job (`--every 86400`), and notifications' email sender
   (to an aiosmtpd Sink on a free port). Production mode: STAFFROOM_ENV=production with JWT_JWKS_URL
   served by `python -m http.server` (the key that signs the bench's tokens, as deploy/e2e.sh does),
   RabbitMQ in a vhost of the run's own, one PostgreSQL database per service (load_<svc>_<run id>).
2. Seeds through the APIs, as trust HR would: 20 academies (POST /academies), 10,000 staff (one
   POST /imports/staff CSV), three trust-wide appraisal cycles opened (10,000 appraisals), 10 CPD
   programmes x 2 cohorts, one trust-wide wellbeing survey run opened (10,000 invitations); waits until every
   consumer has caught up (every outbox sent, every queue empty, inbox counts still).
3. After --warm-up seconds of mixed load at the first rate (not measured; default 20), mixed load at each fixed
   arrival rate (bench/openloop.py: open model, latency from the scheduled time):
   80 % reads (my appraisal, unread count, inbox page, my plan, CPD catalogue, my surveys, HR completion),
   20 % writes (add objective, CPD place request, survey answers saved / submitted, inbox message read).
   Throughput, p50/p95/p99 (overall, per kind, per 10 s), errors; event lag (outbox created_at of each event written during the load ->
   processed_at of every consumer's inbox row for it); RSS of every process (/proc/<pid>/status VmRSS, sampled
   every second, the max).
4. The bare stack, in the same run: bench/wsgi_apps.py:bare_app (Flask + SQLAlchemy, one indexed SELECT by
   primary key on the directory's staff table) under the same gunicorn config at the same rate, before and
   after the mixed load, with its web CPU per request and its worker's RSS beside ours; raw kombu: confirmed
   publishes back to back (throughput) and paced publish -> consume latency in the same vhost.
5. Prints a markdown table with the targets (p99 <= 100 ms, 0 errors, event lag p99 <= 1 s, every process
   < 150 MB RSS) and met / NOT MET.

Needs PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres) and RabbitMQ on 127.0.0.1:5672 (guest) with
rabbitmqctl (BENCH_PG_ADMIN_URL, BENCH_AMQP_URL, BENCH_RABBITMQCTL override). Removes its databases, vhost,
processes and temp folder at the end (--keep keeps the temp folder with every process's log).
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

from harness import AMQP_URL, GUNICORN, HERE, PG_ADMIN_URL, PY, ROOT, RUN_ID  # noqa: E402,F401 - bench/ is on the path

RABBITMQCTL = os.environ.get("BENCH_RABBITMQCTL", "rabbitmqctl")
SERVICES = ["directory", "appraisal", "cpd", "wellbeing", "notifications", "targets"]
CONSUMERS = SERVICES[1:]
ISSUER, AUDIENCE, KID = "https://idp.load.invalid/", "api://staffroom", "staffroom-dev"

# The mix (weights out of 100): the start of an appraisal cycle during a survey window.
MIX = {
    "GET appraisal (mine)": 18, "GET inbox unread-count": 20, "GET inbox page": 5, "GET plan (mine)": 12,
    "GET CPD catalogue": 10, "GET my surveys": 12, "GET HR completion": 3,
    "POST objective": 5, "POST CPD place request": 3, "PUT survey answers": 6, "POST survey submission": 2,
    "POST inbox read": 4,
}

TARGET_P99_MS, TARGET_LAG_P99_S, TARGET_RSS_MB = 100.0, 1.0, 150.0
PG_ROLE = "postgresql (all backends)"
BARE_WEB = "bare-web"  # the bare stack's gunicorn, measured beside ours
GUNICORN_ENV = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "4"}  # docker-compose.yml's defaults; --workers, --threads
WINDOW_S = 10


def log(msg: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# -- infrastructure: databases, vhost, JWKS, SMTP, processes ------------------------------------------------

def sa_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def make_databases(stack: ExitStack) -> dict[str, str]:
    import psycopg

    names = {svc: f"load_{svc}_{RUN_ID}" for svc in SERVICES}
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        for name in names.values():
            conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            for name in names.values():
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"dropped databases load_*_{RUN_ID}")

    stack.callback(drop)
    return names


def make_vhost(stack: ExitStack) -> str:
    parts = urlsplit(AMQP_URL)
    name = f"load-{RUN_ID}"

    def ctl(*args, check=True):
        return subprocess.run([RABBITMQCTL, "-q", *args], check=check, capture_output=True, text=True, timeout=120)

    ctl("add_vhost", name)

    def delete():
        deadline = time.time() + 120
        while ctl("delete_vhost", name, check=False).returncode != 0 and time.time() < deadline:
            time.sleep(2)
        log(f"deleted RabbitMQ vhost {name}")

    stack.callback(delete)
    ctl("set_permissions", "-p", name, parts.username or "guest", ".*", ".*", ".*")
    return f"{parts.scheme}://{parts.netloc}/{quote(name, safe='')}"


class Proc:
    """A process of ours, in its own session (so stopping it stops its children: gunicorn's workers)."""

    def __init__(self, name: str, cmd: list[str], env: dict, logfile: Path):
        self.name, self.logfile = name, logfile
        self.proc = subprocess.Popen(cmd, env=env, cwd=str(ROOT), stdout=logfile.open("ab"), stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                pass


def children(pid: int) -> list[int]:
    try:
        out = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
        return out
    except OSError:
        return []


def rss_mb(pid: int, field: str = "VmRSS") -> float | None:
    """VmRSS (resident now) or VmHWM (the most it has been resident since it started) of a process, in MB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of a process and everything under it, including children it has reaped (so a
    gunicorn master counts the workers it recycled, a postmaster its finished backends)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    own = sum(int(x) for x in fields[11:15]) / TICK  # utime, stime, cutime, cstime
    return own + sum(tree_cpu_s(c) for c in children(pid))


def server_roots() -> dict[str, int]:
    """The PostgreSQL and RabbitMQ servers the stack uses (the machine's own): of the processes of that name whose
    parent is not one too, the one started first. (Pids wrap, so the lowest pid may well be a backend; and a
    `rabbitmqctl` running at that moment is a beam.smp too: taking it for the server once put the server's
    whole lifetime, 8 cores' worth, into one minute.)"""
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    head, rest = f.read().rsplit(")", 1)
                fields = rest.split()
                procs[int(entry)] = (head.split("(", 1)[1], int(fields[1]), int(fields[19]))  # comm, ppid, start
            except (OSError, IndexError, ValueError):
                continue
    roles = {"postgres": PG_ROLE, "beam.smp": "rabbitmq"}
    roots: dict[str, tuple[int, int]] = {}
    for pid, (comm, ppid, start) in procs.items():
        if comm in roles and procs.get(ppid, ("",))[0] != comm and start < roots.get(roles[comm], (start + 1,))[0]:
            roots[roles[comm]] = (start, pid)
    return {role: pid for role, (_start, pid) in roots.items()}


def cpu_by_role(st: Stack) -> dict[str, float]:
    roles = {p.name: p.pid for p in st.procs if getattr(p, "tracked", False)}
    return {role: tree_cpu_s(pid) for role, pid in {**roles, **server_roots()}.items()}


def _schedstat_s(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0]) / 1e9
    except OSError:
        return None


def pg_cpu_by_client() -> dict[int, tuple[str, float]]:
    """Each PostgreSQL backend's CPU seconds, by pid, with whom it serves: the application_name our processes
    connect with, else its backend type (autovacuum worker, checkpointer, walwriter...)."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        backends = conn.execute("SELECT pid, backend_type, application_name FROM pg_stat_activity "
                                "WHERE pid <> pg_backend_pid()").fetchall()
    out = {}
    for pid, backend_type, app in backends:
        seconds = _schedstat_s(pid)
        if seconds is not None:
            out[pid] = (app if backend_type == "client backend" and app else backend_type, seconds)
    return out


def pg_cores(before: dict, after: dict, total_cores: float, wall_s: float) -> dict[str, float]:
    """PostgreSQL's cores by client over a window; what ended within it (a finished autovacuum worker, a
    closed connection) is only in the server's total, as "ended in the window"."""
    cores: dict[str, float] = {}
    for pid, (who, seconds) in after.items():
        start = before.get(pid, (who, 0.0))[1]
        cores[who] = cores.get(who, 0.0) + (seconds - start) / wall_s
    cores["ended in the window"] = max(0.0, total_cores - sum(cores.values()))
    return cores


def machine_cpu_s() -> dict[str, float]:
    """The whole machine's CPU seconds from /proc/stat: busy (user, nice, system, irq, softirq) and stolen by the
    hypervisor for other guests, which no process of ours is charged for; and the kernel's DAMON threads
    (kdamond), which on this VM page out memory not touched for a minute, and the file pages read back in
    after that (workingset refaults, in 4-KiB pages, not seconds)."""
    with open("/proc/stat") as f:
        fields = [int(x) / TICK for x in f.readline().split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    kdamond = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().startswith("kdamond"):
                        kdamond += _schedstat_s(int(entry)) or 0.0
            except OSError:
                continue
    with open("/proc/vmstat") as f:
        vmstat = dict(line.split() for line in f)
    return {"machine busy (/proc/stat)": user + nice + system + irq + softirq, "machine steal (/proc/stat)": steal,
            "kdamond, the kernel's page-out monitor (/proc)": kdamond,
            "file pages read back in per second (/proc/vmstat workingset_refault_file)":
                int(vmstat.get("workingset_refault_file", 0))}


class RssSampler(threading.Thread):
    """Every second, VmRSS of every process of ours (gunicorn masters and their current workers): max per role.
    Also each one's VmHWM, its peak since it started, which the seed's work (one 10,000-row staff import in a
    directory worker) is part of, between two samples or not."""

    def __init__(self, procs: list[Proc]):
        super().__init__(daemon=True)
        self.procs, self.stop_event, self.max, self.peak = procs, threading.Event(), {}, {}

    def sample(self) -> None:
        for p in self.procs:
            pids = [(p.name + (" (master)" if p.name.endswith("-web") else ""), p.pid)]
            if p.name.endswith("-web"):
                pids += [(p.name + " (worker)", c) for c in children(p.pid)]
            for role, pid in pids:
                value, peak = rss_mb(pid), rss_mb(pid, "VmHWM")
                if value is not None:
                    self.max[role] = max(self.max.get(role, 0.0), value)
                if peak is not None:
                    self.peak[role] = max(self.peak.get(role, 0.0), peak)

    def run(self) -> None:
        while not self.stop_event.wait(1.0):
            self.sample()


def wait_http(url: str, proc: Proc, timeout: float = 90) -> None:
    import httpx

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if not proc.alive():
            break
        time.sleep(0.3)
    raise RuntimeError(f"{proc.name} did not answer {url}; see {proc.logfile}:\n{proc.logfile.read_text()[-3000:]}")


# -- the stack ------------------------------------------------------------------------------------------------

class Stack:
    def __init__(self, tmp: Path, stack: ExitStack):
        self.tmp, self.procs, self.ports, self.no_wait = tmp, [], {}, []
        self.dbs = make_databases(stack)
        self.bus_url = make_vhost(stack)
        stack.callback(self.stop)
        self.keys()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("JWT_", "DATABASE_URL", "BUS_URL"))},
            "STAFFROOM_ENV": "production", "JWT_JWKS_URL": self.jwks_url, "JWT_ISSUER": ISSUER,
            "JWT_AUDIENCE": AUDIENCE, "JWT_STAFF_ID_CLAIM": "sub", "PROXY_HOPS": "1", "LOG_LEVEL": "INFO",
            "BUS_URL": self.bus_url, "PYTHONUNBUFFERED": "1",
        }
        self.public_url = "http://127.0.0.1:18080"
        from staffroom_shared.sealing import new_key_pair

        # Notifications' key pair for survey links, as compose gives it: the public half to every wellbeing
        # process, the private half to notifications' email sender alone.
        self.survey_link_private, self.survey_link_public = new_key_pair()
        self.smtp_port = free_port()
        self.start("smtp-sink", [PY, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{self.smtp_port}",
                                 "-c", "aiosmtpd.handlers.Sink"], {}, track=False)

    def keys(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from jwt.algorithms import RSAAlgorithm

        from staffroom_shared.auth import ensure_dev_keys

        self.private, public = ensure_dev_keys(self.tmp / "keys")
        idp = self.tmp / "idp"
        idp.mkdir()
        key = serialization.load_pem_public_key(public.read_bytes())
        jwk = json.loads(RSAAlgorithm.to_jwk(key))
        jwk.update(kid=KID, use="sig", alg="RS256")
        (idp / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
        port = free_port()
        self.jwks_url = f"http://127.0.0.1:{port}/jwks.json"
        p = self.start("jwks", [PY, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(idp)],
                       {}, track=False)
        wait_http(self.jwks_url, p)

    def token(self, staff_id, roles: list[str], academy_id=None) -> str:
        """The claims staffroom_shared.auth.issue_dev_token signs, with the key parsed once (parsing it per token
        costs ~100 ms on a loaded machine: minutes for the 2,000 load users)."""
        import jwt
        from cryptography.hazmat.primitives import serialization

        if not hasattr(self, "_key"):
            self._key = serialization.load_pem_private_key(self.private.read_bytes(), password=None)
        now = datetime.now(timezone.utc)
        claims = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "nbf": now, "exp": now + timedelta(hours=4),
                  "sub": str(staff_id), "roles": roles}
        if academy_id:
            claims["academy_id"] = str(academy_id)
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KID})

    def svc_env(self, svc: str) -> dict:
        env = {**self.env, "DATABASE_URL": sa_url(self.dbs[svc])}
        if svc in ("wellbeing", "notifications"):
            env.update(PUBLIC_URL=self.public_url, SEAL_KEY=base64.b64encode(os.urandom(32)).decode())
        if svc == "wellbeing":
            env.update(SURVEY_LINK_PUBLIC_KEY=self.survey_link_public)
        return env

    def start(self, name: str, cmd: list[str], env: dict, track: bool = True) -> Proc:
        env = {**(env or os.environ)}
        for key in ("DATABASE_URL", "BENCH_DATABASE_URL"):  # PostgreSQL's CPU by process role: pg_cpu_by_client
            if key in env:
                env[key] += f"?application_name={name}"
        p = Proc(name, cmd, env, self.tmp / f"{name}.log")
        self.procs.append(p)
        p.tracked = track
        return p

    def migrate(self) -> None:
        for svc in SERVICES:
            out = subprocess.run([PY, "-m", f"{svc}.entrypoints.migrate"], env=self.svc_env(svc), cwd=str(ROOT),
                                 capture_output=True, text=True)
            if out.returncode:
                raise RuntimeError(f"{svc} migrate failed:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
        log("migrated: " + ", ".join(SERVICES))
        # As deploy/e2e.sh does before starting anything: each consumer's queue and bindings exist, so no event
        # published before its consumer starts is dropped.
        import importlib

        from staffroom_shared.bus.rabbitmq import RabbitBus

        for svc in CONSUMERS:
            RabbitBus(self.bus_url).declare(svc, sorted(importlib.import_module(f"{svc}.bootstrap").HANDLERS))

    def web(self, name: str, app: str, env: dict) -> Proc:
        port = free_port()
        self.ports[name] = port
        p = self.start(f"{name}-web", [GUNICORN, "-c", "deploy/gunicorn.conf.py", app],
                       {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", **GUNICORN_ENV})
        return p

    def up(self) -> None:
        webs = []
        for svc in SERVICES:
            env = self.svc_env(svc)
            webs.append((svc, self.web(svc, f"{svc}.entrypoints.web:create_app()", env)))
            self.start(f"{svc}-relay", [PY, "-m", f"{svc}.entrypoints.relay"], env)
            if svc in CONSUMERS:
                self.start(f"{svc}-consumer", [PY, "-m", f"{svc}.entrypoints.consumer"], env)
                self.start(f"{svc}-scheduler", [PY, "-m", f"{svc}.entrypoints.scheduler", "--every", "86400"], env)
            if svc == "notifications":
                self.start("notifications-sender", [PY, "-m", "notifications.entrypoints.sender"], {
                    **env, "SURVEY_LINK_PRIVATE_KEY": self.survey_link_private,
                    "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.smtp_port), "SMTP_SECURITY": "none",
                    "MAIL_FROM": "Load Trust <no-reply@load.invalid>", "TRUST_NAME": "Load Trust"})
        for svc, p in webs:
            wait_http(f"http://127.0.0.1:{self.ports[svc]}/readyz", p)
        time.sleep(2)
        dead = [p.name for p in self.procs if not p.alive()]
        if dead:
            raise RuntimeError(f"exited at start: {dead}; logs in {self.tmp}")
        log(f"up: {sum(1 for p in self.procs if p.tracked)} processes started as compose does "
            f"(+ gunicorn's {GUNICORN_ENV['WEB_CONCURRENCY']} workers of {GUNICORN_ENV['GUNICORN_THREADS']} threads per web), 6 web ports {sorted(self.ports.values())}")

    def url(self, svc: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[svc]}{path}"

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.stop()
        log(f"stopped {len(self.procs)} processes")

    # -- catching up --------------------------------------------------------------------------------

    def engine(self, svc: str):
        if not hasattr(self, "_engines"):
            from sqlalchemy import create_engine

            self._engines = {s: create_engine(sa_url(self.dbs[s]), pool_size=1, max_overflow=2) for s in SERVICES}
        return self._engines[svc]

    def scalar(self, svc: str, sql: str, **params):
        from sqlalchemy import text

        with self.engine(svc).connect() as c:
            return c.execute(text(sql), params).scalar()

    def rows(self, svc: str, sql: str, **params) -> list:
        from sqlalchemy import text

        with self.engine(svc).connect() as c:
            return c.execute(text(sql), params).all()

    def queue_depths(self) -> dict[str, int]:
        from kombu import Connection

        out = {}
        with Connection(self.bus_url) as conn:
            ch = conn.channel()
            for svc in CONSUMERS:
                out[svc] = ch.queue_declare(queue=svc, passive=True).message_count
        return out

    def caught_up(self, what: str, timeout: float = 1800) -> float:
        """Every outbox sent, every consumer's queue empty and its inbox count still for 2 s (consumers named
        in --no-wait-for are left out: their backlog is logged, and carries on during the load)."""
        t0 = time.time()
        waited = [s for s in CONSUMERS if s not in self.no_wait]
        last, still_since, next_log = None, None, t0 + 15
        while time.time() - t0 < timeout:
            unsent = {s: self.scalar(s, "select count(*) from outbox where sent_at is null") for s in SERVICES}
            all_depths = self.queue_depths()
            depth = {s: all_depths[s] for s in waited}
            inbox = {s: self.scalar(s, "select count(*) from inbox") for s in waited}
            state = (tuple(unsent.values()), tuple(depth.values()), tuple(inbox.values()))
            quiet = not any(unsent.values()) and not any(depth.values())
            if quiet and state == last:
                if still_since and time.time() - still_since >= 2.0:
                    took = time.time() - t0
                    behind = {s: all_depths[s] for s in self.no_wait}
                    log(f"{what}: caught up in {took:.0f} s; inbox rows {inbox}"
                        + (f"; not waited for, still queued: {behind}" if behind else ""))
                    return took
                still_since = still_since or time.time()
            else:
                still_since = None
            last = state
            if time.time() > next_log:
                log(f"{what}: waiting; unsent {unsent}, queued {depth}, inbox {inbox}")
                next_log = time.time() + 15
            dead = [p.name for p in self.procs if getattr(p, "tracked", False) and not p.alive()]
            if dead:
                raise RuntimeError(f"exited: {dead}; logs in {self.tmp}")
            time.sleep(0.5)
        raise RuntimeError(f"{what}: consumers did not catch up in {timeout:.0f} s")


# -- seeding through the APIs ----------------------------------------------------------------------------------

def call(client, method: str, url: str, token: str, expect=(200, 201, 204), **kw):
    r = client.request(method, url, headers={"Authorization": f"Bearer {token}", **kw.pop("headers", {})}, **kw)
    if r.status_code not in expect:
        raise RuntimeError(f"{method} {url} -> {r.status_code}: {r.text[:500]}")
    return r.json() if r.content and r.headers.get("content-type", "").endswith("json") else None


def seed(st: Stack, staff_total: int, n_academies: int) -> dict:
    import httpx

    from directory import demo

    hr = st.token(uuid.uuid4(), ["trust_hr"])
    seeded: dict = {"hr": hr}
    with httpx.Client(timeout=600) as c:
        academies = [(f"Load Academy {i:02d}", f"{300000 + i:06d}", "secondary" if i % 3 == 0 else "primary")
                     for i in range(n_academies)]
        for name, urn, phase in academies:
            call(c, "POST", st.url("directory", "/academies"), hr, json={"name": name, "urn": urn, "phase": phase})
        body = demo.staff_csv(academies, staff_total // n_academies, domain="load.invalid")
        t0 = time.time()
        result = call(c, "POST", st.url("directory", "/imports/staff"), hr, content=body.encode(),
                      headers={"Content-Type": "text/csv"})
        log(f"seed: {n_academies} academies, POST /imports/staff: {result.get('created')} staff in {time.time() - t0:.1f} s")
        seeded["import_caught_up_s"] = st.caught_up("seed: staff.joined x5 consumers")
        # Relay throughput during the burst: the directory's staff.joined from the import's commit to the last sent.
        first, last_sent, n = st.rows("directory", "select min(created_at), max(sent_at), count(*) from outbox "
                                                   "where event_type = 'staff.joined'")[0]
        seeded["relay_burst"] = (n, (last_sent - first).total_seconds())

        cycles = {}
        for template in ("teachers", "support", "leaders"):
            cycle = call(c, "POST", st.url("appraisal", "/cycles"), hr,
                         json={"name": f"2026/27 {template}", "template": template, "school_year": 2026})
            opened = call(c, "POST", st.url("appraisal", f"/cycles/{cycle['id']}/open"), hr)
            cycles[template] = cycle["id"]
            log(f"seed: appraisal cycle {template} opened: {opened.get('appraisal_count')} appraisals")
        seeded["cycles"] = cycles
        cohorts = []
        for i in range(10):
            prog = call(c, "POST", st.url("cpd", "/programmes"), hr, json={
                "title": f"Load programme {i}", "kind": "external_course", "provider": "Load CPD",
                "delivery_mode": ["in_person", "online", "blended"][i % 3], "cost": "150.00",
                "description": "A course", "tags": ["Teachers' Standards"], "requires_approval": True})
            for j in range(2):
                cohort = call(c, "POST", st.url("cpd", f"/programmes/{prog['id']}/cohorts"), hr, json={
                    "name": f"Spring 2027 #{j}", "starts_on": "2027-02-01", "ends_on": "2027-03-01", "capacity": 30})
                cohorts.append(cohort["id"])
        seeded["cohorts"] = cohorts
        today = date.today()
        run = call(c, "POST", st.url("wellbeing", "/runs"), hr, json={
            "title": "Autumn wellbeing", "instruments": ["swemwbs", "ons4", "enps"],
            "opens_on": today.isoformat(), "closes_on": (today + timedelta(days=21)).isoformat()})
        run = call(c, "POST", st.url("wellbeing", f"/runs/{run['id']}/schedule"), hr)
        seeded["run"] = run["id"]
        log(f"seed: 10 CPD programmes x 2 cohorts; wellbeing run {run['status']}, {run.get('invited')} invited")
        seeded["open_caught_up_s"] = st.caught_up("seed: appraisal_opened + invitation_issued consumed")
    vacuum_analyze(st)
    return seeded


def vacuum_analyze(st: Stack) -> None:
    """What autovacuum would have done since the seed: planner statistics for the tables the seed filled. This
    machine's PostgreSQL runs with autovacuum off; without it the planner took the notifications sender's
    24,000 pending emails for 15 and sorted them all on every batch (24 ms, against 0.14 ms by the index)."""
    import psycopg

    started = time.time()
    for svc in SERVICES:
        with psycopg.connect(pg_url(st.dbs[svc]), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    with psycopg.connect(PG_ADMIN_URL) as conn:
        autovacuum = conn.execute("SHOW autovacuum").fetchone()[0]
    log(f"seed: VACUUM (ANALYZE) of every service's database in {time.time() - started:.1f} s "
        f"(this server's autovacuum: {autovacuum})")


def people(st: Stack, seeded: dict, sample: int, links_needed: int) -> dict:
    """Who sends the load: `sample` random members of staff with an appraisal, their tokens, their ids; survey
    links (tokens) for some of them from POST /runs/<id>/link, as someone who lost their email would."""
    import httpx

    rng = random.Random(8)
    rows = st.rows("appraisal", "select a.id, a.reviewee_id, s.academy_id from appraisals a "
                                "join staff s on s.staff_id = a.reviewee_id")
    rng.shuffle(rows)
    users = [{"appraisal": str(a), "staff": str(s), "academy": str(ac)} for a, s, ac in rows[:sample]]
    for u in users:
        u["token"] = st.token(u["staff"], ["staff"], u["academy"])
    academies = sorted({u["academy"] for u in users})
    hr_tokens = [st.token(uuid.uuid4(), ["academy_hr"], a) for a in academies]
    ids = [u["staff"] for u in users]
    msgs = st.rows("notifications", "select id, recipient_id from messages where read_at is null "
                                    "and recipient_id = any(:ids)", ids=[uuid.UUID(i) for i in ids])
    token_of = {u["staff"]: u["token"] for u in users}
    messages = [(str(m), token_of[str(r)]) for m, r in msgs]
    rng.shuffle(messages)
    links = []

    def get_link(u):
        with httpx.Client(timeout=60) as c:
            out = call(c, "POST", st.url("wellbeing", f"/runs/{seeded['run']}/link"), u["token"])
        return out["link"].split("#token=", 1)[1]

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        links = list(pool.map(get_link, users[:links_needed]))
    with httpx.Client(timeout=60) as c:
        form = c.get(st.url("wellbeing", "/survey"), headers={"X-Survey-Token": links[0]}).json()
    scales = {s["key"]: s for s in form["scales"]}
    answers = {}
    for section in form["sections"]:
        for item in section["items"]:
            s = scales.get(item["scale"])
            if s:
                answers[item["key"]] = (s["minimum"] + s["maximum"]) // 2
    log(f"load users: {len(users)} staff (tokens), {len(hr_tokens)} academy HR, {len(messages)} unread messages, "
        f"{len(links)} survey links; questionnaire of {len(answers)} items")
    return {"users": users, "hr": hr_tokens, "messages": messages, "links": links, "answers": answers}


# -- the workloads ----------------------------------------------------------------------------------------------

def mixed_requests(st: Stack, seeded: dict, who: dict, n: int, rng: random.Random, only: str | None = None) -> list[dict]:
    """n requests of the mix (or n of kind `only`); each survey submission takes a link of its own off
    who["links"] (a link answers once)."""
    kinds = [only] * n if only else rng.choices(list(MIX), weights=list(MIX.values()), k=n)
    users, answers = who["users"], who["answers"]
    answer_keys = list(answers)
    n_submit = sum(1 for k in kinds if k == "POST survey submission")
    submit_links, who["links"] = who["links"][:n_submit], who["links"][n_submit:]
    save_links = who["links"][:300]
    counters = {k: 0 for k in MIX}
    # Objectives and message reads go on where the previous call stopped: a message is read once.
    used = who.setdefault("used", {"POST objective": 0, "POST inbox read": 0})
    if "pairs" not in who:
        # (person, cohort) for place requests, each used once in the whole run: asking twice is rightly a 409.
        who["pairs"] = [(u, c) for c in seeded["cohorts"] for u in users]
        rng.shuffle(who["pairs"])
    n_place = sum(1 for k in kinds if k == "POST CPD place request")
    pairs, who["pairs"] = who["pairs"][:n_place], who["pairs"][n_place:]
    teachers_cycle = seeded["cycles"]["teachers"]
    out = []
    for kind in kinds:
        i = counters[kind]
        counters[kind] += 1
        u = rng.choice(users)
        auth = {"Authorization": f"Bearer {u['token']}"}
        r: dict = {"kind": kind, "method": "GET", "headers": auth}
        if kind == "GET appraisal (mine)":
            r["url"] = st.url("appraisal", f"/appraisals/{u['appraisal']}")
        elif kind == "GET inbox unread-count":
            r["url"] = st.url("notifications", "/inbox/unread-count")
        elif kind == "GET inbox page":
            r["url"] = st.url("notifications", "/inbox")
        elif kind == "GET plan (mine)":
            r["url"] = st.url("cpd", "/plans/me")
        elif kind == "GET CPD catalogue":
            r["url"] = st.url("cpd", "/programmes")
        elif kind == "GET my surveys":
            r["url"] = st.url("wellbeing", "/me/surveys")
        elif kind == "GET HR completion":
            r["url"] = st.url("appraisal", f"/cycles/{teachers_cycle}/completion")
            r["headers"] = {"Authorization": f"Bearer {rng.choice(who['hr'])}"}
        elif kind == "POST objective":
            u = users[(used[kind] + i) % len(users)]  # at most a few per appraisal (the limit is 6)
            r.update(method="POST", url=st.url("appraisal", f"/appraisals/{u['appraisal']}/objectives"),
                     headers={"Authorization": f"Bearer {u['token']}"}, json={
                         "title": f"Objective {i}", "description": "Raise attainment in Year 9 by 5 points by July",
                         "type": "professional_practice", "success_criteria": "Assessment data in July"})
        elif kind == "POST CPD place request":
            u, cohort = pairs[i]
            r.update(method="POST", url=st.url("cpd", "/enrolments"), headers={"Authorization": f"Bearer {u['token']}"},
                     json={"cohort_id": cohort, "reason": "Serves my appraisal objective"})
        elif kind == "PUT survey answers":
            part = rng.sample(answer_keys, min(5, len(answer_keys)))
            r.update(method="PUT", url=st.url("wellbeing", "/survey/answers"),
                     headers={"X-Survey-Token": save_links[i % len(save_links)]}, json={"answers": {k: answers[k] for k in part}})
        elif kind == "POST survey submission":
            r.update(method="POST", url=st.url("wellbeing", "/survey/submission"),
                     headers={"X-Survey-Token": submit_links[i]}, json={"answers": answers})
        elif kind == "POST inbox read":
            message, token = who["messages"][(used[kind] + i) % len(who["messages"])]
            r.update(method="POST", url=st.url("notifications", f"/inbox/{message}/read"),
                     headers={"Authorization": f"Bearer {token}"})
        out.append(r)
    for kind in used:
        used[kind] += counters[kind]
    return out


def run_load(tmp: Path, label: str, requests: list[dict], rate: float) -> dict:
    name = "".join(c if c.isalnum() else "-" for c in label)
    spec, out = tmp / f"{name}-spec.json", tmp / f"{name}-out.json"
    spec.write_text(json.dumps({"rate": rate, "requests": requests, "connections": 64}))  # per host
    t0 = time.time()
    subprocess.run([PY, str(HERE / "openloop.py"), str(spec), str(out)], check=True)
    data = json.loads(out.read_text())
    res = data["results"]
    ok = [r for r in res if 200 <= r[1] < 300]
    errors = [r for r in res if not 200 <= r[1] < 300]
    lat = [r[2] for r in res]
    summary = {"n": len(res), "errors": len(errors), "elapsed": data["elapsed"], "rps": len(ok) / data["elapsed"],
               "p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99), "max": max(lat),
               "late_p99": pct([r[3] for r in res], 99), "t0": t0, "t1": time.time(), "results": res}
    by_kind: dict = {}
    for r in res:
        by_kind.setdefault(r[0], []).append(r)
    # The tail over time, by when each request was due: a slow start (cold caches, autovacuum after the seed)
    # looks different from a steady tail.
    windows: dict = {}
    for i, r in enumerate(res):
        windows.setdefault(int(i / rate // WINDOW_S), []).append(r[2])
    summary["windows"] = [(w * WINDOW_S, len(v), pct(v, 50), pct(v, 99), max(v)) for w, v in sorted(windows.items())]
    summary["by_kind"] = {k: {"n": len(v), "errors": sum(1 for r in v if not 200 <= r[1] < 300),
                              "statuses": sorted({r[1] for r in v}),
                              "p50": pct([r[2] for r in v], 50), "p99": pct([r[2] for r in v], 99)}
                          for k, v in sorted(by_kind.items())}
    log(f"{label}: {len(res)} requests at {rate:g}/s -> {summary['rps']:.1f} ok/s, errors {len(errors)}, "
        f"p50 {summary['p50']:.1f} / p95 {summary['p95']:.1f} / p99 {summary['p99']:.1f} ms "
        f"(client lateness p99 {summary['late_p99']:.1f} ms); load average {os.getloadavg()[0]:.2f}")
    if errors:
        shown = {}
        for r in errors:
            shown.setdefault((r[0], r[1]), 0)
            shown[(r[0], r[1])] += 1
        log(f"{label}: errors by kind and status: {shown}")
    return summary


def bare_server(st: Stack) -> tuple[Proc, int]:
    port = free_port()
    env = {**st.env, "BENCH_DATABASE_URL": sa_url(st.dbs["directory"]), "BENCH_TABLE": "staff",
           "GUNICORN_BIND": f"127.0.0.1:{port}", **GUNICORN_ENV}
    p = st.start(BARE_WEB, [GUNICORN, "-c", "deploy/gunicorn.conf.py", "--pythonpath", str(HERE),
                              "wsgi_apps:bare_app()"], env, track=False)
    wait_http(f"http://127.0.0.1:{port}/healthz", p)
    return p, port


def bare_requests(st: Stack, port: int, n: int) -> list[dict]:
    ids = [str(r[0]) for r in st.rows("directory", "select id from staff")]
    return [{"kind": "GET bare", "method": "GET", "url": f"http://127.0.0.1:{port}/staff/{random.choice(ids)}"}
            for _ in range(n)]


# -- event lag and raw kombu ------------------------------------------------------------------------------------

def event_lag(st: Stack, since: datetime, until: datetime) -> dict:
    """Each event written to an outbox in [since, until] -> each consumer's inbox row for it: processed_at -
    created_at. Also outbox created_at -> sent_at (the relay's part)."""
    created, relayed = {}, []
    for svc in SERVICES:
        for event_id, etype, c_at, s_at in st.rows(svc, "select event_id, event_type, created_at, sent_at from outbox "
                                                       "where created_at between :a and :b", a=since, b=until):
            created[event_id] = (svc, etype, c_at)
            if s_at:
                relayed.append((s_at - c_at).total_seconds())
    lags, per_type = [], {}
    for svc in (s for s in CONSUMERS if s not in st.no_wait):  # a consumer left behind (--no-wait-for) is not lag
        for event_id, p_at in st.rows(svc, "select event_id, processed_at from inbox where processed_at >= :a", a=since):
            if event_id in created:
                lag = (p_at - created[event_id][2]).total_seconds()
                lags.append(lag)
                per_type.setdefault(f"{created[event_id][1]} -> {svc}", []).append(lag)
    types = {}
    for _, etype, _ in created.values():
        types[etype] = types.get(etype, 0) + 1
    return {"events": len(created), "deliveries": len(lags), "p50": pct(lags, 50), "p99": pct(lags, 99),
            "max": max(lags) if lags else float("nan"), "relay_p50": pct(relayed, 50), "relay_p99": pct(relayed, 99),
            "types": types, "per_route": {k: (len(v), pct(v, 50), pct(v, 99)) for k, v in sorted(per_type.items())}}


def raw_kombu(bus_url: str, burst: int, paced: int, rate: float) -> dict:
    """B for the bus: confirmed publishes one at a time (throughput, confirm latency), and paced publish ->
    consume latency through one quorum queue in the run's vhost."""
    from kombu import Connection, Exchange, Queue

    exchange = Exchange("load.raw", type="topic", durable=True)
    queue = Queue("load-raw", exchange=exchange, routing_key="raw.#", durable=True,
                  queue_arguments={"x-queue-type": "quorum"})
    body = json.dumps({"id": str(uuid.uuid4()), "type": "staff.joined", "payload": {"x": "y" * 400}})
    received: list[float] = []
    stop = threading.Event()

    def consume():
        with Connection(bus_url) as conn:
            def on_message(b, message):
                received.append(time.time() - (b if isinstance(b, dict) else json.loads(b))["sent"])
                message.ack()
            with conn.Consumer(queue, callbacks=[on_message], accept=["json"]):
                while not stop.is_set():
                    try:
                        conn.drain_events(timeout=0.2)
                    except socket.timeout:
                        pass

    with Connection(bus_url, transport_options={"confirm_publish": True}) as conn:
        producer = conn.Producer()
        queue(conn.channel()).declare()
        confirms = []
        t0 = time.perf_counter()
        for _ in range(burst):
            t = time.perf_counter()
            producer.publish(body, exchange=exchange, routing_key="raw.burst", delivery_mode=2, content_type="application/json")
            confirms.append((time.perf_counter() - t) * 1000)
        burst_rate = burst / (time.perf_counter() - t0)
        queue(conn.channel()).purge()
        th = threading.Thread(target=consume, daemon=True)
        th.start()
        time.sleep(1.0)
        start = time.perf_counter()
        for i in range(paced):
            due = start + i / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            producer.publish({"sent": time.time()}, exchange=exchange, routing_key="raw.paced", delivery_mode=2,
                             serializer="json")
        deadline = time.time() + 10
        while len(received) < paced and time.time() < deadline:
            time.sleep(0.05)
        stop.set()
        th.join(5)
        queue(conn.channel()).delete()
    return {"burst_rate": burst_rate, "confirm_p50": pct(confirms, 50), "confirm_p99": pct(confirms, 99),
            "lag_p50": pct(received, 50), "lag_p99": pct(received, 99), "paced": paced, "received": len(received)}


# -- where the time goes: the services' own access logs --------------------------------------------------------

def access_log_ms(st: Stack, since: float, until: float) -> dict:
    """Server-side duration (gunicorn's %(D)s: request received -> response written), per service, for the
    requests logged while the mixed load ran."""
    out = {}
    for svc in SERVICES:
        durations = []
        path = st.tmp / f"{svc}-web.log"
        for line in path.read_text(errors="replace").splitlines():
            if '"gunicorn.access"' not in line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            t = datetime.strptime(rec["time"], "[%d/%b/%Y:%H:%M:%S %z]").timestamp()
            if since - 1 <= t <= until + 1:
                durations.append(rec["duration_us"] / 1000)
        if durations:
            out[svc] = (len(durations), pct(durations, 50), pct(durations, 99))
    return out


# -- the table ---------------------------------------------------------------------------------------------------

def table(rows: list[list[str]]) -> str:
    headers = ["measure", "Staffroom (A)", "bare stack (B)", "A/B", "target", "result"]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def at_rate(tmp: Path, st: Stack, seeded: dict, who: dict, bare: tuple[Proc, int], rate: float, seconds: float,
            rng: random.Random) -> dict:
    """One step of the ladder: the bare stack, the mixed load, the bare stack again, all at `rate`; then wait for the
    consumers, and work out the event lag and the server-side times of the mixed part."""
    n = int(seconds * rate)
    bare_proc, bare_port = bare
    mixed = mixed_requests(st, seeded, who, n, rng)
    bare_reqs = bare_requests(st, bare_port, n)

    def run_bare(label: str) -> dict:
        cpu = tree_cpu_s(bare_proc.pid)
        result = run_load(tmp, label, bare_reqs, rate)
        return result | {"web_cpu_ms": (tree_cpu_s(bare_proc.pid) - cpu) * 1000 / result["n"]}

    b1 = run_bare(f"bare (before) at {rate:g}/s")
    since, cpu0, machine0, pg0 = datetime.now(timezone.utc), cpu_by_role(st), machine_cpu_s(), pg_cpu_by_client()
    a = run_load(tmp, f"mixed at {rate:g}/s", mixed, rate)
    until, cpu1, machine1, pg1 = datetime.now(timezone.utc), cpu_by_role(st), machine_cpu_s(), pg_cpu_by_client()
    wall = (until - since).total_seconds()
    cores = {role: (cpu1[role] - cpu0.get(role, 0.0)) / wall for role in cpu1}
    a["web_cpu_ms"] = sum(cpu1[r] - cpu0.get(r, 0.0) for r in cpu1 if r.endswith("-web")) * 1000 / a["n"]
    b2 = run_bare(f"bare (after) at {rate:g}/s")
    st.caught_up(f"after the mixed load at {rate:g}/s", timeout=900)
    return {"rate": rate, "a": a, "b1": b1, "b2": b2, "lag": event_lag(st, since, until),
            "server": access_log_ms(st, a["t0"], a["t1"]), "load": os.getloadavg()[0],
            "cores": cores, "pg_cores": pg_cores(pg0, pg1, cores[PG_ROLE], wall),
            "machine": {k: (machine1[k] - machine0[k]) / wall for k in machine1}}


def ms(x: float) -> str:
    return f"{x:.1f} ms" if x < 100 else f"{x:.0f} ms"


def rows_for(step: dict, seconds: float, kombu: dict) -> list[list[str]]:
    """The results table's rows for one rate: Staffroom (A) beside the bare stack (B) measured in the same run."""
    rate, a, b1, b2, lag = step["rate"], step["a"], step["b1"], step["b2"], step["lag"]

    def bv(key):
        return statistics.mean([b1[key], b2[key]])

    rows = [[f"{rate:g} req/s offered for {seconds:g} s: throughput", f"{a['rps']:.1f} req/s",
             f"{b1['rps']:.1f} / {b2['rps']:.1f} req/s", f"{a['rps'] / bv('rps'):.2f}", f"{rate:g} req/s",
             "met" if a["rps"] >= 0.98 * rate else "NOT MET"]]
    for key in ("p50", "p95", "p99"):
        target = f"<= {TARGET_P99_MS:g} ms" if key == "p99" else "-"
        result = ("met" if a[key] <= TARGET_P99_MS else "NOT MET") if key == "p99" else "context"
        rows.append([f"{rate:g} req/s: latency {key} (from the scheduled send)", ms(a[key]),
                     f"{ms(b1[key])} / {ms(b2[key])}", f"{a[key] / bv(key):.1f}", target, result])
    rows.append([f"{rate:g} req/s: web CPU per request (all gunicorn processes, /proc)", f"{a['web_cpu_ms']:.2f} ms",
                 f"{b1['web_cpu_ms']:.2f} / {b2['web_cpu_ms']:.2f} ms", f"{a['web_cpu_ms'] / bv('web_cpu_ms'):.1f}",
                 "-", "context"])
    rows.append([f"{rate:g} req/s: errors (non-2xx or failed)", f"{a['errors']} of {a['n']}",
                 f"{b1['errors'] + b2['errors']}", "-", "0", "met" if a["errors"] == 0 else "NOT MET"])
    rows.append([f"{rate:g} req/s: event lag p50 / p99, outbox write -> consumer applied ({lag['deliveries']} "
                 f"deliveries of {lag['events']} events)", f"{ms(lag['p50'] * 1000)} / {ms(lag['p99'] * 1000)}",
                 f"{ms(kombu['lag_p50'] * 1000)} / {ms(kombu['lag_p99'] * 1000)} (raw kombu, paced)",
                 f"{lag['p99'] / kombu['lag_p99']:.1f}", f"p99 <= {TARGET_LAG_P99_S:g} s",
                 "met" if lag["p99"] <= TARGET_LAG_P99_S else "NOT MET"])
    return rows


def print_step(step: dict) -> None:
    a, lag = step["a"], step["lag"]
    print(f"\n## At {step['rate']:g} req/s: per request kind (mixed load), client-side latency from the scheduled send\n")
    print("| kind | n | errors | statuses | p50 | p99 |")
    print("| --- | --- | --- | --- | --- | --- |")
    for k, v in a["by_kind"].items():
        print(f"| {k} | {v['n']} | {v['errors']} | {', '.join(map(str, v['statuses']))} | {ms(v['p50'])} | {ms(v['p99'])} |")
    print(f"\nLatency over time at {step['rate']:g} req/s, by when the request was due ({WINDOW_S} s windows):\n")
    print("| from | requests | p50 | p99 | max |")
    print("| --- | --- | --- | --- | --- |")
    for start, cnt, p50, p99, top in a["windows"]:
        print(f"| {start} s | {cnt} | {ms(p50)} | {ms(p99)} | {ms(top)} |")
    print(f"\nServer-side time per service (gunicorn access log duration, same window), at {step['rate']:g} req/s:\n")
    print("| service | requests | p50 | p99 |")
    print("| --- | --- | --- | --- |")
    for svc, (cnt, p50, p99) in step["server"].items():
        print(f"| {svc} | {cnt} | {ms(p50)} | {ms(p99)} |")
    print(f"\nEvent lag by route (events written during the mixed load at {step['rate']:g} req/s):\n")
    print("| event -> consumer | n | p50 | p99 |")
    print("| --- | --- | --- | --- |")
    for route, (cnt, p50, p99) in lag["per_route"].items():
        print(f"| {route} | {cnt} | {ms(p50 * 1000)} | {ms(p99 * 1000)} |")
    print(f"\nCores used per process role during the mixed load at {step['rate']:g} req/s (CPU seconds / wall "
          f"seconds, /proc; the machine has {os.cpu_count()}):\n")
    print("| process | cores |")
    print("| --- | --- |")
    for role, cores in sorted(step["cores"].items(), key=lambda kv: -kv[1]):
        print(f"| {role} | {cores:.3f} |")
    print(f"| all of the above | {sum(step['cores'].values()):.2f} |")
    for k, v in step["machine"].items():  # busy includes the load client and anything else on the machine
        print(f"| {k} | {v:.2f} |")
    print(f"\nPostgreSQL's {step['cores'][PG_ROLE]:.3f} cores by whom its backends served (/proc/<pid>/schedstat "
          "of each backend in pg_stat_activity, by application_name or backend type):\n")
    print("| client | cores |")
    print("| --- | --- |")
    for who, cores in sorted(step["pg_cores"].items(), key=lambda kv: -kv[1]):
        if cores >= 0.0005:
            print(f"| {who} | {cores:.3f} |")
    print(f"\nrelay part (outbox created -> sent): p50 {ms(lag['relay_p50'] * 1000)}, p99 {ms(lag['relay_p99'] * 1000)}; "
          f"client lateness p99: mixed {a['late_p99']:.1f} ms, bare {step['b1']['late_p99']:.1f} / "
          f"{step['b2']['late_p99']:.1f} ms; load average after: {step['load']:.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="15 s of mixed load per rate instead of 60")
    ap.add_argument("--seconds", type=float, help="seconds of mixed load per rate (default 60, --quick 15)")
    ap.add_argument("--rates", default="200", help="arrival rates per second, measured in turn after one seed, "
                                                   "e.g. 50,100,200 to find where it stops keeping up (default 200)")
    ap.add_argument("--staff", type=int, default=10_000, help="staff in the trust (default 10,000)")
    ap.add_argument("--academies", type=int, default=20)
    ap.add_argument("--no-wait-for", default="", metavar="SVC,..",
                    help="consumers not to wait for before the load (their backlog carries on during it)")
    ap.add_argument("--warm-up", type=float, default=20.0, metavar="SECONDS",
                    help="mixed load at the first rate before the first step, not measured: every worker's first "
                         "requests (statement caches, schemas, the JWKS) are not the steady state (default 20; 0: none)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (every process's log)")
    ap.add_argument("--workers", type=int, default=int(GUNICORN_ENV["WEB_CONCURRENCY"]),
                    help="gunicorn workers per web process, ours and the bare stack's (default: docker-compose.yml's)")
    ap.add_argument("--threads", type=int, default=int(GUNICORN_ENV["GUNICORN_THREADS"]),
                    help="threads per gunicorn worker, ours and the bare stack's (default: docker-compose.yml's)")
    args = ap.parse_args()
    GUNICORN_ENV.update(WEB_CONCURRENCY=str(args.workers), GUNICORN_THREADS=str(args.threads))
    seconds = args.seconds or (15.0 if args.quick else 60.0)
    rates = [float(r) for r in args.rates.split(",")]
    started = time.time()
    tmp = Path(tempfile.mkdtemp(prefix=f"staffroom-load-{RUN_ID}-"))
    print(f"Staffroom load test, run {RUN_ID}: {args.staff} staff in {args.academies} academies, "
          f"{', '.join(f'{r:g}' for r in rates)} req/s for {seconds:g} s each after a {args.warm_up:g}-s warm-up; "
          f"{os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()}; logs in {tmp}")
    with ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, tmp, True)
        st = Stack(tmp, stack)
        st.no_wait = [s for s in args.no_wait_for.split(",") if s]
        st.migrate()
        st.up()
        seeded = seed(st, args.staff, args.academies)
        n_submit = sum(int(t * r * MIX["POST survey submission"] / 100 * 1.3) + 20
                       for t, r in [(args.warm_up, rates[0])] + [(seconds, r) for r in rates])
        who = people(st, seeded, sample=min(2000, args.staff), links_needed=n_submit + 300)
        st.caught_up("survey links consumed")
        rng = random.Random(26)
        bare = bare_server(st)
        run_load(tmp, "warm-up bare", bare_requests(st, bare[1], int(rates[0] * 3)), rates[0])
        if args.warm_up:
            run_load(tmp, "warm-up mixed (not measured)",
                     mixed_requests(st, seeded, who, int(args.warm_up * rates[0]), rng), rates[0])
            st.caught_up("after the warm-up", timeout=900)
        sampler = RssSampler([p for p in st.procs if getattr(p, "tracked", False)] + [bare[0]])
        sampler.sample()
        sampler.start()
        steps = [at_rate(tmp, st, seeded, who, bare, rate, seconds, rng) for rate in rates]
        sampler.stop_event.set()
        sampler.join()
        sampler.sample()
        bare[0].stop()
        kombu = raw_kombu(st.bus_url, burst=2000 if not args.quick else 1000, paced=300 if not args.quick else 150,
                          rate=20.0)
        emails = st.rows("notifications", "select status, count(*) from deliveries group by status")

        rows = [row for step in steps for row in rows_for(step, seconds, kombu)]
        n_burst, burst_s = seeded["relay_burst"]
        rows.append([f"relay, {n_burst} staff.joined of the import: commit -> last published",
                     f"{n_burst / burst_s:.0f} ev/s", f"{kombu['burst_rate']:.0f} msg/s (raw kombu, confirmed, one at a "
                     f"time)", f"{n_burst / burst_s / kombu['burst_rate']:.2f}", "-", "context"])
        ours = {k: v for k, v in sampler.max.items() if not k.startswith(BARE_WEB)}
        worst, bare_worker = max(ours.items(), key=lambda kv: kv[1]), sampler.max[f"{BARE_WEB} (worker)"]
        over = [k for k, v in ours.items() if v >= TARGET_RSS_MB]
        rows.append([f"RSS, largest of {len(ours)} process roles", f"{worst[1]:.0f} MB ({worst[0]})",
                     f"{bare_worker:.0f} MB (bare web worker)", f"{worst[1] / bare_worker:.2f}",
                     f"< {TARGET_RSS_MB:g} MB each", "met" if not over else f"NOT MET: {', '.join(over)}"])
        peaks = {k: v for k, v in sampler.peak.items() if not k.startswith(BARE_WEB)}
        top, bare_peak = max(peaks.items(), key=lambda kv: kv[1]), sampler.peak[f"{BARE_WEB} (worker)"]
        over = [k for k, v in peaks.items() if v >= TARGET_RSS_MB]
        rows.append(["peak RSS since start (VmHWM: the seed included), largest", f"{top[1]:.0f} MB ({top[0]})",
                     f"{bare_peak:.0f} MB (bare web worker)", f"{top[1] / bare_peak:.2f}",
                     f"< {TARGET_RSS_MB:g} MB each", "met" if not over else f"NOT MET: {', '.join(over)}"])

        for step in steps:
            print_step(step)
        print(f"\nraw kombu: confirm per publish p50 {kombu['confirm_p50']:.1f} ms, p99 {kombu['confirm_p99']:.1f} ms; "
              f"paced raw messages received {kombu['received']} of {kombu['paced']}")
        print("\n## RSS per process role: the most sampled (every second during the load) and the peak since the "
              "process started (VmHWM, the seed included)\n")
        print("| process | max RSS during the load | peak since start |")
        print("| --- | --- | --- |")
        for role, v in sorted(sampler.max.items()):
            print(f"| {role} | {v:.0f} MB | {sampler.peak.get(role, float('nan')):.0f} MB |")
        print(f"\nemails (deliveries by status, at the end): {dict((s, c) for s, c in emails)}; seed catch-up: "
              f"staff.joined {seeded['import_caught_up_s']:.0f} s, appraisal_opened + invitations "
              f"{seeded['open_caught_up_s']:.0f} s")
        print(f"\n## Results: run {RUN_ID}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
              f"{args.staff} staff (B: bare, before / after)\n")
        print(table(rows))
        print()
        (tmp / "results.json").write_text(json.dumps({"rows": rows, "steps": [
            {k: v for k, v in step.items() if k not in ("a", "b1", "b2")} | {"by_kind": step["a"]["by_kind"]}
            for step in steps], "kombu": kombu, "rss": sampler.max,
            "rss_peak": sampler.peak}, default=str))
    print(f"wall time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
