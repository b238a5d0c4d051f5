"""Helpers for the fault scenarios: a private PostgreSQL cluster and RabbitMQ node, the services' real
processes, an HTTP write load, a TCP proxy that can be cut, and the counters each scenario reports.

Nothing here touches the machine's own PostgreSQL (5432) or RabbitMQ (5672): every server is started
on free ports under a temporary folder and stopped at the end of the session.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# deploy/e2e.sh's ports: never ours, so the two can run side by side.
RESERVED_PORTS = {15432, 15673, 15674, 25673, 15694}
CONSUMERS = ("appraisal", "cpd", "notifications")  # each consumes every event the directory publishes
SERVICES = ("directory", *CONSUMERS)
HTTP_TIMEOUT = 10.0  # a write that takes longer than this counts as a hang


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


def wait_for(predicate, timeout: float = 30.0, what: str = "condition", every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _as(user: str, argv: list[str], home: str | None = None) -> list[str]:
    """Run as the server's own user when we are root (PostgreSQL refuses root; RabbitMQ's cookie is theirs)."""
    env = ["env", f"HOME={home}"] if home else []
    if os.geteuid() == 0:
        return ["runuser", "-u", user, "--", *env, *argv]
    return [*env, *argv] if env else argv


def _chown(path: Path, user: str) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, user, user)


# -- PostgreSQL -------------------------------------------------------------------------------------

class PrivatePostgres:
    def __init__(self, root: Path):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        if not bins:
            raise RuntimeError("PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) are not installed")
        self.bin = bins[-1].parent
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.log = root / "postgres.log"

    def _run(self, *argv: str, timeout: float = 60) -> None:
        subprocess.run(_as("postgres", [str(a) for a in argv]), check=True, capture_output=True, timeout=timeout)

    def start(self) -> None:
        if not self.data.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            _chown(self.root, "postgres")
            self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--no-sync")
        # fsync=off: the OS keeps what PostgreSQL wrote even through an immediate stop; synchronous_commit
        # stays on, so a commit reported to a client is in the WAL the restart recovers from.
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c full_page_writes=off -c max_connections=200")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", opts, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(self.bin / "pg_ctl", "-D", self.data, "-w", "-t", "60", "-m", mode, "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres"):
        import psycopg

        return psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/{database}", autocommit=True,
                               connect_timeout=5)

    def create_database(self, name: str) -> str:
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def query(self, database: str, sql: str, *params) -> list[tuple]:
        with self.connect(database) as conn:
            return conn.execute(sql, params or None).fetchall()


# -- RabbitMQ ---------------------------------------------------------------------------------------

class PrivateRabbit:
    """A RabbitMQ node of our own. Its vhosts come from a definitions file loaded at boot (one per scenario),
    so no scenario waits for rabbitmqctl, which is slow to start on a busy machine."""

    HOME = "/var/lib/rabbitmq"
    VHOSTS = 16

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"staffroomfaults{os.getpid()}@localhost"
        self.proc: subprocess.Popen | None = None
        self.home = self.HOME if os.geteuid() == 0 else str(root / "home")
        self._vhosts = [f"faults{i}" for i in range(self.VHOSTS)]
        self.restarts = 0

    def start(self) -> None:
        if self.proc is None:
            for sub in ("etc", "mnesia", "log", "home"):
                (self.root / sub).mkdir(parents=True, exist_ok=True)
            definitions = {
                "vhosts": [{"name": v} for v in self._vhosts],
                "permissions": [{"user": "guest", "vhost": v, "configure": ".*", "write": ".*", "read": ".*"}
                                for v in self._vhosts],
                "users": [{"name": "guest", "password": "guest", "tags": "administrator"}],
            }
            (self.root / "etc" / "definitions.json").write_text(json.dumps(definitions))
            (self.root / "etc" / "rabbitmq.conf").write_text(
                f"listeners.tcp.default = 127.0.0.1:{self.port}\nloopback_users = none\n"
                f"load_definitions = {self.root / 'etc' / 'definitions.json'}\n"
                "log.console = true\nlog.console.level = warning\nlog.file = false\n")
            (self.root / "etc" / "enabled_plugins").write_text("[].\n")
            for path in [self.root, *self.root.rglob("*")]:
                _chown(path, "rabbitmq")
        env = [f"RABBITMQ_NODENAME={self.node}", f"RABBITMQ_DIST_PORT={self.dist_port}",
               f"RABBITMQ_CONFIG_FILE={self.root / 'etc' / 'rabbitmq.conf'}",
               f"RABBITMQ_ENABLED_PLUGINS_FILE={self.root / 'etc' / 'enabled_plugins'}",
               f"RABBITMQ_MNESIA_BASE={self.root / 'mnesia'}", f"RABBITMQ_LOG_BASE={self.root / 'log'}",
               f"RABBITMQ_PID_FILE={self.root / 'rabbit.pid'}"]
        argv = _as("rabbitmq", ["env", *env, "/usr/lib/rabbitmq/bin/rabbitmq-server"], home=self.home)
        self.proc = subprocess.Popen(argv, stdout=open(self.root / "server.log", "ab"), stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        wait_for(lambda: self.accepting() or self.proc.poll() is not None, timeout=120,
                 what="the private RabbitMQ node to start")
        if self.proc.poll() is not None:
            raise RuntimeError("RabbitMQ did not start:\n" + (self.root / "server.log").read_text()[-3000:])

    def stop(self) -> None:
        """Stop the node (SIGTERM to the Erlang VM: RabbitMQ's orderly shutdown), waiting until it is gone."""
        pid = int((self.root / "rabbit.pid").read_text().strip())
        os.kill(pid, 15)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            os.kill(pid, 9)
            self.proc.wait(timeout=30)

    def restart(self) -> None:
        self.start()
        self.restarts += 1

    def accepting(self, port: int | None = None) -> bool:
        from kombu import Connection

        try:
            with Connection(self.url(self._vhosts[0], port), connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
            return True
        except Exception:  # noqa: BLE001
            return False

    def take_vhost(self) -> str:
        return self._vhosts.pop()

    def url(self, vhost: str, port: int | None = None) -> str:
        from urllib.parse import quote

        return f"amqp://guest:guest@127.0.0.1:{port or self.port}/{quote(vhost, safe='')}"

    def depth(self, vhost: str, queue: str) -> int:
        from kombu import Connection

        with Connection(self.url(vhost), connect_timeout=5) as conn:
            return conn.channel().queue_declare(queue=queue, passive=True).message_count

    def shutdown(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.stop()
            except (OSError, ValueError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, 9)  # the session we started it in, nothing else
                self.proc.wait(timeout=10)


# -- the services' processes ------------------------------------------------------------------------

class Proc:
    """One of a service's OS processes (gunicorn web, relay, consumer), logging to its own file."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path, cwd: Path):
        self.name, self.argv, self.env, self.log, self.cwd = name, argv, env, log, cwd
        self.popen: subprocess.Popen | None = None
        self.starts = 0
        self.kills = 0

    def start(self) -> "Proc":
        assert not self.alive, f"{self.name} is already running"
        self._log_offset = self.log.stat().st_size if self.log.exists() else 0
        self.popen = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdin=subprocess.DEVNULL,
                                      stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        self.starts += 1
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill9(self) -> None:
        self.popen.kill()
        self.popen.wait(timeout=10)
        self.kills += 1

    def stop(self) -> None:
        if self.alive:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    def text(self, since_start: bool = False) -> str:
        if not self.log.exists():
            return ""
        data = self.log.read_bytes()
        return data[self._log_offset:].decode("utf-8", "replace") if since_start else data.decode("utf-8", "replace")

    def wait_log(self, needle: str, timeout: float = 30.0) -> None:
        def seen():
            if not self.alive:
                raise AssertionError(f"{self.name} exited ({self.popen.returncode}):\n{self.text()[-3000:]}")
            return needle in self.text(since_start=True)

        wait_for(seen, timeout=timeout, what=f"{self.name} to log {needle!r}", every=0.05)

    def count(self, needle: str) -> int:
        return self.text().count(needle)


class Stack:
    """One scenario's deployment: directory (gunicorn web + relay) and the appraisal, CPD and notifications
    consumers, each service with its own fresh database on the private cluster, on a fresh vhost."""

    def __init__(self, name: str, pg: PrivatePostgres, rabbit: PrivateRabbit, root: Path, public_key: Path):
        self.name, self.pg, self.rabbit, self.root, self.public_key = name, pg, rabbit, root, public_key
        self.root.mkdir(parents=True, exist_ok=True)
        self.vhost = rabbit.take_vhost()
        self.databases = {svc: f"{name}_{svc}".replace("-", "_") for svc in SERVICES}
        self.web_port = free_port()
        self.procs: dict[str, Proc] = {}
        self.bindings: dict[str, set[str]] = {}  # the event types each consumer handles

    # setup
    def prepare(self) -> None:
        import importlib

        from staffroom_shared.bus.rabbitmq import RabbitBus
        from staffroom_shared.config import ServiceConfig

        for svc in SERVICES:
            url = self.pg.create_database(self.databases[svc])
            bootstrap = importlib.import_module(f"{svc}.bootstrap")
            bootstrap.migrate(ServiceConfig.from_env(svc, {"DATABASE_URL": url, "BUS_URL": self.bus_url(),
                                                            "JWT_PUBLIC_KEY_FILE": str(self.public_key)}))
        # Queues declared up front, as deployment does, so nothing published before a consumer starts is unrouted.
        bus = RabbitBus(self.bus_url())
        for svc in CONSUMERS:
            self.bindings[svc] = set(importlib.import_module(f"{svc}.bootstrap").HANDLERS)
            bus.declare(svc, sorted(self.bindings[svc]))
        bus.close()

    def bus_url(self, port: int | None = None) -> str:
        return self.rabbit.url(self.vhost, port)

    def env(self, svc: str, bus_port: int | None = None) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not (k.endswith("DATABASE_URL") or k.endswith("BUS_URL") or k.startswith(("JWT_", "GUNICORN_")))}
        env.update(DATABASE_URL=self.pg.url(self.databases[svc]), BUS_URL=self.bus_url(bus_port),
                   JWT_PUBLIC_KEY_FILE=str(self.public_key), STAFFROOM_DATA_DIR=str(self.root / "data"),
                   STAFFROOM_ENV="development", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
        return env

    def _proc(self, key: str, argv: list[str], env: dict) -> Proc:
        proc = Proc(f"{self.name}/{key}", argv, env, self.root / f"{key}.log", self.root)
        self.procs[key] = proc
        return proc

    def web(self) -> Proc:
        env = {**self.env("directory"), "GUNICORN_BIND": f"127.0.0.1:{self.web_port}", "WEB_CONCURRENCY": "2",
               "GUNICORN_THREADS": "4", "GUNICORN_TIMEOUT": "30", "LOG_LEVEL": "WARNING"}
        proc = self._proc("directory-web", [str(BIN / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py"),
                                            "directory.entrypoints.web:create_app()"], env).start()
        wait_for(lambda: _get(f"{self.web_url}/healthz") == 200 or not proc.alive, timeout=60,
                 what="directory's gunicorn to answer")
        assert proc.alive, proc.text()[-3000:]
        return proc

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def relay(self, bus_port: int | None = None) -> Proc:
        return self._proc("directory-relay", [sys.executable, "-m", "directory.entrypoints.relay"],
                          self.env("directory", bus_port)).start()

    def consumer(self, svc: str, bus_port: int | None = None) -> Proc:
        return self._proc(f"{svc}-consumer", [sys.executable, "-m", f"{svc}.entrypoints.consumer"],
                          self.env(svc, bus_port)).start()

    def start_all(self, relay_port: int | None = None, consumer_ports: dict | None = None) -> None:
        self.web()
        relay = self.relay(relay_port)
        consumers = [self.consumer(svc, (consumer_ports or {}).get(svc)) for svc in CONSUMERS]
        # Up and connected before the first write, so a scenario's fault lands on a running flow.
        relay.wait_log("relay for directory publishing", timeout=60)
        for proc in consumers:
            proc.wait_log("consuming from", timeout=60)

    def stop_all(self) -> None:
        running = [proc for proc in self.procs.values() if proc.alive]
        for proc in running:  # all at once: each takes a moment to finish its work and close
            proc.popen.terminate()
        for proc in running:
            proc.stop()

    # what the databases hold
    def produced(self, for_consumer: str | None = None) -> set[uuid.UUID]:
        """The directory's events (those `for_consumer` handles, when given)."""
        rows = self.pg.query(self.databases["directory"], "select event_id, event_type from outbox")
        return {r[0] for r in rows if for_consumer is None or r[1] in self.bindings[for_consumer]}

    def unsent(self) -> int:
        return self.pg.query(self.databases["directory"], "select count(*) from outbox where sent_at is null")[0][0]

    def applied(self, svc: str) -> set[uuid.UUID]:
        return {r[0] for r in self.pg.query(self.databases[svc], "select event_id from inbox where consumer = %s",
                                            svc)}

    def applied_count(self, svc: str) -> int:
        return self.pg.query(self.databases[svc], "select count(*) from inbox where consumer = %s", svc)[0][0]

    def wait_applied(self, svc: str, count: int, timeout: float = 60.0) -> None:
        wait_for(lambda: self.applied_count(svc) >= count, timeout=timeout, what=f"{svc} to apply {count} events")

    def staff_ids(self, svc: str) -> set[uuid.UUID]:
        # The directory's own table, or a consumer's copy of it.
        sql = "select id from staff" if svc == "directory" else "select staff_id from staff"
        return {r[0] for r in self.pg.query(self.databases[svc], sql)}

    def settled(self) -> bool:
        try:
            return self.unsent() == 0 and all(self.produced(svc) <= self.applied(svc) for svc in CONSUMERS)
        except Exception:  # noqa: BLE001 - the database may still be coming back
            return False

    def settle(self, timeout: float = 60.0) -> None:
        try:
            wait_for(self.settled, timeout=timeout, what="every event to reach every consumer", every=0.25)
        except AssertionError as exc:
            state = {svc: len(self.produced(svc) - self.applied(svc)) for svc in CONSUMERS}
            raise AssertionError(f"{exc}: unsent {self.unsent()}, missing per consumer {state}\n"
                                 f"{self.dump_logs()}") from None

    def duplicates(self) -> int:
        # InboxConsumer logs one line for every redelivery it recognised and ignored.
        return sum(self.procs[f"{svc}-consumer"].count('"message": "duplicate ') for svc in CONSUMERS)

    def dead_lettered(self) -> int:
        return sum(self.rabbit.depth(self.vhost, f"{svc}.dlq") for svc in CONSUMERS)

    def dump_logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.text()[-2500:]}" for p in self.procs.values())


def _get(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


# -- the HTTP write load ----------------------------------------------------------------------------

@dataclass
class WriteResult:
    status: int | None  # None: no answer within HTTP_TIMEOUT, or the connection failed
    staff_id: str | None
    seconds: float
    retry_after: str | None = None
    content_type: str | None = None
    error: str | None = None


@dataclass
class Writer:
    """POSTs new staff to the directory as trust HR, as fast as `threads` clients can (or paced)."""

    base_url: str
    token: str
    tag: str
    threads: int = 2
    pause: float = 0.01
    limit: int | None = None  # the background writers stop after this many writes
    results: list[WriteResult] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._n = 0
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.academy_id = self._post("/academies", {"name": f"Faults {self.tag}",
                                                    "urn": f"{random.randint(0, 999999):06d}",
                                                    "phase": "secondary"}, expect=201)["id"]

    def _post(self, path: str, body: dict, expect: int | None = None):
        request = urllib.request.Request(
            self.base_url + path, data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as r:
                status, headers, payload = r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            status, headers, payload = e.code, e.headers, e.read()
        if expect is not None:
            assert status == expect, (status, payload[:500])
            return json.loads(payload)
        return status, headers, payload

    def write_one(self) -> WriteResult:
        with self._lock:
            self._n += 1
            n = self._n
        person = {"staff_code": f"{self.tag}-{n}", "academy_id": self.academy_id, "first_name": "Fault",
                  "last_name": f"Tester{n}", "email": f"{self.tag}.{n}@faults.example", "staff_type": "teaching",
                  "post": "Teacher of Science", "fte": "1.0", "start_date": "2024-09-02"}
        started = time.monotonic()
        try:
            status, headers, payload = self._post("/staff", person)
        except OSError as exc:  # timeout or refused connection
            result = WriteResult(None, None, time.monotonic() - started, error=repr(exc))
        else:
            staff_id = json.loads(payload)["id"] if status == 201 else None
            result = WriteResult(status, staff_id, time.monotonic() - started, headers.get("Retry-After"),
                                 headers.get("Content-Type"),
                                 None if status in (201, 503) else payload[:300].decode("utf-8", "replace"))
        with self._lock:
            self.results.append(result)
        return result

    def write(self, count: int) -> None:
        """`count` writes, spread over the threads, returning when all are answered."""
        remaining = iter(range(count))
        lock = threading.Lock()

        def work():
            while True:
                with lock:
                    if next(remaining, None) is None:
                        return
                self.write_one()

        threads = [threading.Thread(target=work) for _ in range(self.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def start(self) -> "Writer":
        self._stop.clear()

        def work():
            while not self._stop.is_set():
                with self._lock:
                    if self.limit is not None and self._n >= self.limit:
                        return
                self.write_one()
                if self.pause:
                    time.sleep(self.pause)

        self._threads = [threading.Thread(target=work, daemon=True) for _ in range(self.threads)]
        for t in self._threads:
            t.start()
        return self

    def finish(self, timeout: float = 120.0) -> None:
        """Wait for the background writers to reach their limit."""
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(timeout=max(0.1, deadline - time.monotonic()))
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=HTTP_TIMEOUT + 5)

    def wait_accepted(self, more: int, timeout: float = 60.0) -> None:
        target = self.accepted_count() + more
        wait_for(lambda: self.accepted_count() >= target, timeout=timeout, what=f"{more} more accepted writes")

    def accepted_count(self) -> int:
        return sum(1 for r in list(self.results) if r.status == 201)

    @property
    def accepted(self) -> set[uuid.UUID]:
        return {uuid.UUID(r.staff_id) for r in self.results if r.status == 201}

    @property
    def refused(self) -> list[WriteResult]:
        return [r for r in self.results if r.status == 503]

    @property
    def failed(self) -> list[WriteResult]:
        """Anything but 201 or a clean 503: a 500, another error, a hang or a dropped connection."""
        return [r for r in self.results if r.status not in (201, 503)]


# -- a TCP proxy that can be cut --------------------------------------------------------------------

class TcpProxy:
    """127.0.0.1:<port> → 127.0.0.1:<target>, one pair of threads per connection.

    `cut()` is a partition: every open connection is reset (RST, as when a link or a NAT table drops it)
    and new connections are refused (the listening socket is closed). `heal()` listens again on the same port.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._accepting = threading.Event()
        self.connections = 0
        self.resets = 0

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._accepting.set()
        threading.Thread(target=self._accept_loop, args=(listener,), daemon=True).start()
        return self

    def _accept_loop(self, listener: socket.socket) -> None:
        while self._accepting.is_set():
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                break
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            pair = (client, upstream)
            with self._lock:
                self._pairs.add(pair)
                self.connections += 1
            threading.Thread(target=self._pump, args=(client, upstream, pair), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, pair), daemon=True).start()
        listener.close()

    def _pump(self, src: socket.socket, dst: socket.socket, pair) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        self._close_pair(pair, reset=False)

    def _close_pair(self, pair, reset: bool) -> None:
        with self._lock:
            if pair not in self._pairs:
                return
            self._pairs.discard(pair)
        for s in pair:
            try:
                if reset:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def cut(self) -> None:
        self._accepting.clear()
        time.sleep(0.15)  # the accept loop notices and closes the listening socket: connections are refused
        with self._lock:
            pairs = list(self._pairs)
        for pair in pairs:
            self._close_pair(pair, reset=True)
            self.resets += 1

    def heal(self) -> None:
        self.start()

    def stop(self) -> None:
        self.cut()


# -- the report -------------------------------------------------------------------------------------

def note(stack: Stack, line: str) -> None:
    """A line for the run's summary of the fault scenarios (conftest.py prints them at the end, whichever worker
    ran the scenario), and for the scenario's own output with -s."""
    print(f"\n[faults] {line}", flush=True)
    stack.node.user_properties.append(("faults", line))


def report(stack: Stack, writer: Writer, scenario: str, started: float, *, expected_dead: int = 0,
           extra_produced: int = 0) -> dict:
    """Check that every event reached every consumer exactly once and no accepted write was lost;
    print the one-line report and return its figures."""
    produced = stack.produced()
    accepted = writer.accepted
    directory_staff = stack.staff_ids("directory")
    lost_writes = accepted - directory_staff
    delivered, lost_events, due = 0, 0, 0
    for svc in CONSUMERS:
        applied, wanted = stack.applied(svc), stack.produced(svc)
        due += len(wanted)
        delivered += len(wanted & applied)
        lost_events += len(wanted - applied)
        # Effects, counted in the consumer's own database: one staff copy per accepted write ...
        lost_writes |= accepted - stack.staff_ids(svc)
    # ... and in CPD, one development plan and one cpd.plan_created per joiner: applying a staff.joined twice
    # would announce the plan twice.
    doubled = stack.pg.query(stack.databases["cpd"], "select count(*) from (select envelope->'payload'->>'staff_id'"
                             " from outbox where event_type = 'cpd.plan_created' group by 1 having count(*) > 1) d")
    plans = stack.pg.query(stack.databases["cpd"], "select count(*) from development_plans")[0][0]
    figures = {
        "produced": len(produced) + extra_produced, "delivered": delivered, "duplicates": stack.duplicates(),
        "dead_lettered": stack.dead_lettered(), "lost": lost_events, "doubled": doubled[0][0],
        "accepted": len(accepted), "refused": len(writer.refused), "failed": len(writer.failed),
        "writes_lost": len(lost_writes), "seconds": time.monotonic() - started,
    }
    line = (f"{scenario}: events produced {figures['produced']}, delivered {delivered} "
            f"of {due} due to {len(CONSUMERS)} consumers, duplicates suppressed {figures['duplicates']}, "
            f"dead-lettered {figures['dead_lettered']}, lost {lost_events}, doubled {figures['doubled']}; "
            f"writes accepted {figures['accepted']}, refused(503) {figures['refused']}, "
            f"failed {figures['failed']}, lost {len(lost_writes)} ({figures['seconds']:.1f} s)")
    note(stack, line)
    assert lost_events == 0, f"{lost_events} event deliveries lost\n{stack.dump_logs()}"
    assert figures["doubled"] == 0, "an event was applied twice"
    assert plans == len(accepted), (plans, len(accepted))
    assert not lost_writes, f"{len(lost_writes)} accepted writes missing"
    assert not writer.failed, f"writes neither accepted nor cleanly refused: {writer.failed[:5]}"
    assert figures["dead_lettered"] == expected_dead
    return figures
