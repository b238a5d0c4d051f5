"""CPU instructions per request, by request kind of the load test's mix, beside the bare stack: a cost figure
the machine's neighbours cannot move. Issue 8; docs/performance.md.

    .venv/bin/python bench/instructions.py                         # every kind of bench/load.py's MIX (~15 min)
    .venv/bin/python bench/instructions.py --kinds "POST objective,GET plan (mine)" -n 50

On this shared 2-core machine the CPU time a request takes varied by half between two load runs of the same
code, so a load run cannot show a 10 % saving. valgrind's callgrind counts the instructions a process
executes instead, which is the same for the same code and inputs whatever else the machine is doing.

1. Starts and seeds bench/load.py's stack (production processes, PostgreSQL, RabbitMQ; a smaller trust).
2. For each request kind, and for bench/wsgi_apps.py's bare app (a primary-key SELECT on the directory's staff
   table): two child processes under `valgrind --tool=callgrind`, each building the service's app in-process
   with the same environment its gunicorn web has and sending requests through Flask's test client (no
   gunicorn, no socket: the application's own cost). One sends W warm-up requests, the other W + N, each of
   them fresh (a place asked for once, a message read once); every one must answer 2xx.
   Instructions per request = (total(W + N) - total(W)) / N, which takes away start-up and first-request costs.
3. The same children count, per request, the database round trips the application makes (SQLAlchemy events):
   SQL statements, pool checkouts, commits, and connections handed back with a reset (a ROLLBACK, which
   psycopg sends only if a transaction is open: not after a read session's autocommit reads). Round trips
   cost PostgreSQL's CPU, which callgrind does not see.
4. A third child, without valgrind (so the app runs at full speed and PostgreSQL sees it as in production),
   sends W + N more fresh requests and reads, over the last N, the CPU time of the PostgreSQL backends serving
   its own connections (/proc/<pid>/schedstat, nanoseconds: PostgreSQL runs on this machine) and its own CPU
   time. With --profile it also runs cProfile over them.

Needs valgrind (Debian's package; `apt-get install valgrind`) besides what bench/load.py needs.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


# -- the child: runs under callgrind ------------------------------------------------------------------------------

def child(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    if spec["service"] == "bare":
        import wsgi_apps

        app = wsgi_apps.bare_app()
    else:
        import importlib

        app = importlib.import_module(f"{spec['service']}.entrypoints.web").create_app()
    engine = _engine(app)
    counts = {"statements": 0, "checkouts": 0, "commits": 0, "resets": 0}
    last: list[str] = []  # the SQL of the latest request
    backends: set[int] = set()  # pids of the PostgreSQL backends serving this process's connections
    if engine is not None:
        from sqlalchemy import event

        @event.listens_for(engine, "connect")
        def _backend_pid(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                backends.add(cur.fetchone()[0])

        def bump(name):
            def listener(*_args, **_kw):
                counts[name] += 1
            return listener

        event.listen(engine, "before_cursor_execute", bump("statements"))
        event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: last.append(" ".join(sql.split())[:160]))
        event.listen(engine, "commit", bump("commits"))
        event.listen(engine.pool, "checkout", bump("checkouts"))
        event.listen(engine.pool, "reset", bump("resets"))
    client = app.test_client()
    statuses = []
    profiler = None
    if spec.get("profile"):
        import cProfile

        profiler = cProfile.Profile(time.process_time)  # CPU time: waiting on PostgreSQL is not the app's cost
    pg_cpu, own_cpu = {}, 0.0  # backend pid -> its CPU ns when the counted requests began (0: started after)
    for i, r in enumerate(spec["requests"]):
        if i == spec["warm"]:
            counts.update(dict.fromkeys(counts, 0))
            pg_cpu, own_cpu = {pid: _cpu_ns(pid) for pid in backends}, time.process_time()
            if profiler:
                profiler.enable()
        last.clear()
        resp = client.open(r["path"], method=r["method"], headers=r.get("headers"), json=r.get("json"))
        statuses.append(resp.status_code)
        resp.close()
    counts["cpu_ms"] = (time.process_time() - own_cpu) * 1000
    counts["pg_cpu_ms"] = sum(_cpu_ns(pid) - pg_cpu.get(pid, 0) for pid in backends) / 1e6  # pooled: the same backends throughout
    if profiler:
        profiler.disable()
        profiler.dump_stats(spec["profile"])
    bad = [(r["method"], r["path"], s) for r, s in zip(spec["requests"], statuses) if not 200 <= s < 300]
    Path(spec["out"]).write_text(json.dumps({"bad": bad[:5], "n_bad": len(bad), "counts": counts, "sql": last}))
    return 0


def _cpu_ns(pid: int) -> int:
    """CPU time a process has run for (the first field of /proc/<pid>/schedstat, in ns)."""
    with open(f"/proc/{pid}/schedstat") as f:
        return int(f.read().split()[0])


def _engine(app):
    ext = app.extensions.get("staffroom")
    return ext.engine if ext is not None else app.extensions.get("bench_engine")


# -- the parent ---------------------------------------------------------------------------------------------------

def callgrind_total(path: Path) -> int:
    m = re.search(r"^(?:totals|summary): (\d+)", path.read_text(), re.M)
    if not m:
        raise RuntimeError(f"no total in {path}")
    return int(m.group(1))


def measure(tmp: Path, name: str, service: str, env: dict, warm: list[dict], counted: list[dict],
            fresh_warm: list[dict], native: list[dict], profile: bool = False) -> dict:
    """Two callgrind runs: fresh_warm alone (W), and warm + counted (W + N); then `native` (W + N more fresh
    requests) without valgrind, for the CPU times of its last N (and with `profile`, their cProfile in
    <name>-native.pstats)."""
    from load import PY, ROOT

    def one(tag: str, requests: list[dict]) -> tuple[int, dict]:
        base = tmp / f"{name}-{tag}"
        spec = {"service": service, "warm": len(warm), "out": str(base) + ".json", "requests": requests,
                "profile": str(base) + ".pstats" if tag == "native" and profile else None}
        Path(str(base) + ".spec.json").write_text(json.dumps(spec))
        out_file = Path(str(base) + ".callgrind")
        cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", PY, str(Path(__file__).resolve()),
               "--child", str(base) + ".spec.json"]
        if tag == "native":
            cmd = cmd[cmd.index(PY):]
        with open(str(base) + ".log", "wb") as log_file:
            rc = subprocess.run(cmd, env={**env, "PYTHONHASHSEED": "0"}, cwd=str(ROOT), stdout=log_file,
                                stderr=subprocess.STDOUT).returncode
        if rc:
            raise RuntimeError(f"{name} {tag}: exit {rc}; see {base}.log")
        result = json.loads(Path(spec["out"]).read_text())
        if result["n_bad"]:
            raise RuntimeError(f"{name} {tag}: {result['n_bad']} requests not 2xx, e.g. {result['bad']}")
        return (0 if tag == "native" else callgrind_total(out_file)), result["counts"] | {"sql": result["sql"]}

    with ThreadPoolExecutor(2) as pool:
        base_run = pool.submit(one, "w", fresh_warm)
        full_run = pool.submit(one, "wn", warm + counted)
        (w_total, _), (wn_total, counts) = base_run.result(), full_run.result()
    n = len(counted)
    _, times = one("native", native)
    return {"instructions": (wn_total - w_total) / n, "w_total": w_total, "wn_total": wn_total,
            "profile": tmp / f"{name}-native.pstats" if profile else None,
            **{k: v if k == "sql" else v / n for k, v in counts.items() if not k.endswith("cpu_ms")},  # valgrind's
            "cpu_ms": times["cpu_ms"] / n, "pg_cpu_ms": times["pg_cpu_ms"] / n}


def print_profile(path: Path, n: int, top: int = 25) -> None:
    """The functions with the most CPU time of their own, per request (cProfile adds its own cost to each call,
    so read the calls and the shares, not the milliseconds)."""
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]
    print(f"  {'own %':>6} {'cum %':>6} {'calls/req':>9}  function")
    for (file, line, func), (_cc, calls, own, cum, _callers) in rows:
        where = "/".join(Path(file).parts[-2:]) if file != "~" else ""
        print(f"  {100 * own / total:6.1f} {100 * cum / total:6.1f} {calls / n:9.1f}  {func} {where}:{line}")


def as_test_client(requests: list[dict]) -> list[dict]:
    return [{"path": urlsplit(r["url"]).path, "method": r["method"], "headers": r.get("headers"),
             "json": r.get("json")} for r in requests]


def main() -> int:
    import load

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--staff", type=int, default=2000, help="staff in the trust (default 2,000)")
    ap.add_argument("--academies", type=int, default=10)
    ap.add_argument("-n", type=int, default=100, help="counted requests per kind (default 100)")
    ap.add_argument("--warm", type=int, default=10, help="warm-up requests before them (default 10)")
    ap.add_argument("--kinds", help="comma-separated kinds of the mix (default all)")
    ap.add_argument("--show-sql", action="store_true", help="print each kind's SQL statements (its last request)")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder (callgrind files, logs)")
    ap.add_argument("--profile", action="store_true",
                    help="also profile N more requests of each kind with cProfile and print where the time goes")
    args = ap.parse_args()
    if args.child:
        return child(args.child)
    if not shutil.which("valgrind"):
        print("valgrind not found: apt-get install valgrind", file=sys.stderr)
        return 2
    kinds = args.kinds.split(",") if args.kinds else list(load.MIX)
    unknown = [k for k in kinds if k not in load.MIX]
    if unknown:
        print(f"unknown kinds {unknown}; the mix has {list(load.MIX)}", file=sys.stderr)
        return 2
    started = time.time()
    tmp = Path(tempfile.mkdtemp(prefix=f"staffroom-instr-{load.RUN_ID}-"))
    print(f"Staffroom instructions per request, run {load.RUN_ID}: {args.staff} staff, W={args.warm}, N={args.n}; "
          f"logs in {tmp}")
    results: dict[str, dict] = {}
    with ExitStack() as stack:
        if not args.keep:
            stack.callback(shutil.rmtree, tmp, True)
        st = load.Stack(tmp, stack)
        st.migrate()
        st.up()
        seeded = load.seed(st, args.staff, args.academies)
        per_kind = 3 * args.warm + 2 * args.n
        n_submit = per_kind + 20 if "POST survey submission" in kinds else 0
        who = load.people(st, seeded, sample=min(2000, args.staff), links_needed=n_submit + 300)
        st.caught_up("survey links consumed")
        rng = random.Random(26)
        service_of = {port: svc for svc, port in st.ports.items()}

        ids = [str(r[0]) for r in st.rows("directory", "select id from staff order by id limit :n", n=per_kind)]
        bare = [{"path": f"/staff/{i}", "method": "GET"} for i in ids]
        bare_env = {**st.svc_env("directory"), "BENCH_DATABASE_URL": load.sa_url(st.dbs["directory"]),
                    "BENCH_TABLE": "staff"}
        results["GET bare (Flask + SQLAlchemy, PK select)"] = {
            "service": "bare", **measure(tmp, "bare", "bare", bare_env, *split(bare, args), args.profile)}
        load.log(f"bare: {results['GET bare (Flask + SQLAlchemy, PK select)']['instructions'] / 1e6:.2f} M "
                 f"instructions per request")
        for kind in kinds:
            made = load.mixed_requests(st, seeded, who, per_kind, rng, only=kind)
            service = service_of[urlsplit(made[0]["url"]).port]
            reqs = as_test_client(made)
            slug = "".join(c if c.isalnum() else "-" for c in kind)
            results[kind] = {"service": service, **measure(tmp, slug, service, st.svc_env(service), *split(reqs, args),
                                                         args.profile)}
            load.log(f"{kind}: {results[kind]['instructions'] / 1e6:.2f} M instructions per request")
        print_table(results, args)
        if args.profile:  # before the temp folder goes
            for kind, r in results.items():
                print(f"\n{kind}: cProfile of {args.n} requests")
                print_profile(r["profile"], args.n)
    print(f"wall time {time.time() - started:.0f} s")
    return 0


def split(reqs: list[dict], args) -> tuple[list[dict], ...]:
    """W warm-up, N counted, W for the W-only run, then W + N for the run without valgrind."""
    w, n = args.warm, args.n
    return reqs[:w], reqs[w:w + n], reqs[w + n:2 * w + n], reqs[2 * w + n:3 * w + 2 * n]


def print_table(results: dict, args) -> None:
    bare = next(iter(results.values()))["instructions"]
    print(f"\n## Instructions per request (callgrind; N={args.n} after W={args.warm}; {args.staff} staff), "
          f"database round trips, and CPU ms per request without valgrind (the app's own"
          f"{', under cProfile' if args.profile else ''}; PostgreSQL's for its connections)\n")
    print("| request kind | service | M instructions | x bare | SQL statements | checkouts | commits | resets "
          "| app CPU ms | PostgreSQL CPU ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind, r in results.items():
        print(f"| {kind} | {r['service']} | {r['instructions'] / 1e6:.2f} | {r['instructions'] / bare:.1f} | "
              f"{r['statements']:.2f} | {r['checkouts']:.2f} | {r['commits']:.2f} | {r['resets']:.2f} | "
              f"{r['cpu_ms']:.2f} | {r['pg_cpu_ms']:.3f} |")
    print()
    if args.show_sql:
        for kind, r in results.items():
            print(f"{kind}:\n" + "".join(f"    {sql}\n" for sql in r["sql"]))


if __name__ == "__main__":
    sys.exit(main())
