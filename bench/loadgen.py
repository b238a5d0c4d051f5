"""A small HTTP load client (stdlib only), run by bench/run.py as its own process.

    python bench/loadgen.py '<json spec>'

spec: {"port": int, "paths": [str], "headers": {..}, "requests": int, "connections": int}
Each of `connections` threads opens one keep-alive connection and sends its share of `requests`
GETs, cycling through `paths`. Prints one JSON line: {"requests", "ok", "errors", "seconds", "rps"}.
"""
from __future__ import annotations

import http.client
import json
import sys
import threading
import time


def worker(spec: dict, share: int, offset: int, start: threading.Barrier, out: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
    conn.connect()
    paths, headers = spec["paths"], spec["headers"]
    ok = errors = 0
    start.wait()
    for i in range(share):
        try:
            conn.request("GET", paths[(offset + i) % len(paths)], headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                ok += 1
            else:
                errors += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=30)
    conn.close()
    out.append((ok, errors))


def main() -> None:
    spec = json.loads(sys.argv[1])
    n, c = spec["requests"], spec["connections"]
    shares = [n // c + (1 if i < n % c else 0) for i in range(c)]
    start = threading.Barrier(c + 1)
    out: list = []
    threads = [threading.Thread(target=worker, args=(spec, shares[i], i * 7, start, out)) for i in range(c)]
    for t in threads:
        t.start()
    start.wait()  # every connection is open before the clock starts
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    ok, errors = sum(o for o, _ in out), sum(e for _, e in out)
    print(json.dumps({"requests": n, "ok": ok, "errors": errors, "seconds": seconds, "rps": ok / seconds}))


if __name__ == "__main__":
    main()
