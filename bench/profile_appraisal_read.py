"""Where GET /appraisals/<id> spends its time: the (e) data set, the real app in-process (Flask test
client, the same production config as bench/run.py serves), SQL statements counted, cProfile over N reads.

    .venv/bin/python bench/profile_appraisal_read.py            # PostgreSQL (a throwaway database)
    .venv/bin/python bench/profile_appraisal_read.py --sqlite   # SQLite
    .venv/bin/python bench/profile_appraisal_read.py -n 3000 --top 40
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", default="cumulative", help="a pstats key: cumulative, tottime...")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="staffroom-profile-"))
    try:
        if args.sqlite:
            profile(f"sqlite:///{tmp / 'data' / 'appraisal.db'}", tmp, args)
        else:
            with run.pg_database("profile") as url:
                profile(url, tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def profile(url: str, tmp: Path, args) -> None:
    from sqlalchemy import event

    from appraisal.entrypoints.web import create_app
    from staffroom_shared.auth import ensure_dev_keys, issue_dev_token

    private, public = ensure_dev_keys(tmp / "keys")
    issuer = "https://login.bench.example/"
    production = not url.startswith("sqlite")
    extra = {"jwt_public_key_file": str(public), "jwt_issuer": issuer}
    seeded = run.seed_appraisal_reads(run.appraisal_config(url, tmp / "data", **extra), 2_500)
    config = run.appraisal_config(url, tmp / "data", env="production" if production else "development",
                                  bus_url=run.AMQP_URL if production else f"embedded:///{tmp / 'data' / 'bus.db'}",
                                  log_level="INFO", **extra)
    app = create_app(config)
    client = app.test_client()
    token = issue_dev_token(private, staff_id=seeded["appraiser_id"], roles=["staff"],
                            academy_id=seeded["academy_id"], issuer=issuer)
    headers = {"Authorization": f"Bearer {token}"}
    paths = [f"/appraisals/{a}" for a, _ in seeded["appraisals"]]
    statements: list[str] = []
    engine = app.extensions["staffroom"].engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2].split("\n")[0][:110]))
    for p in paths * 20:  # warm-up
        assert client.get(p, headers=headers).status_code == 200
    statements.clear()
    client.get(paths[0], headers=headers)
    print(f"{len(statements)} SQL statements for one GET /appraisals/<id>:")
    for s in statements:
        print("   ", s)
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for i in range(args.n):
        client.get(paths[i % len(paths)], headers=headers)
    profiler.disable()
    print(f"{args.n} requests in-process: {args.n / (time.perf_counter() - t0):.0f} req/s under cProfile")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)
    engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
