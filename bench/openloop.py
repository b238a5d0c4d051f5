"""An open-model HTTP load generator (asyncio + httpx, both pinned), run by bench/load.py as its own process.

    python bench/openloop.py <spec.json> <out.json>

spec: {"rate": requests per second, "requests": [{"kind", "method", "url", "headers", "json"?}, ...],
       "connections": max open connections}
Request i is sent at t0 + i / rate whether or not earlier ones have finished (an open model: a slow server
cannot slow the arrivals down, so latency is not hidden by coordinated omission). Each request's latency is
measured from the moment it was *scheduled*, not from when it was actually sent, so any delay in the client
itself counts against the result too (and is reported separately as `late_ms`).
Writes a JSON list, one entry per request: [kind, status (0: exception), latency_ms, late_ms, service_ms].
"""
from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def main(spec: dict, out_path: str) -> None:
    rate, requests = spec["rate"], spec["requests"]
    limits = httpx.Limits(max_connections=spec.get("connections", 400),
                          max_keepalive_connections=spec.get("connections", 400), keepalive_expiry=4.0)
    results: list = [None] * len(requests)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(30.0)) as client:
        # Warm the pool a little (one connection per distinct host), untimed.
        for host in sorted({r["url"].split("/", 3)[2] for r in requests}):
            try:
                await client.get(f"http://{host}/healthz")
            except httpx.HTTPError:
                pass

        async def one(i: int, due: float) -> None:
            r = requests[i]
            sent = time.perf_counter()
            try:
                response = await client.request(r["method"], r["url"], headers=r.get("headers"), json=r.get("json"))
                await response.aread()
                status = response.status_code
            except (httpx.HTTPError, OSError):
                status = 0
            done = time.perf_counter()
            results[i] = [r["kind"], status, (done - due) * 1000, (sent - due) * 1000, (done - sent) * 1000]

        tasks = []
        t0 = time.perf_counter() + 0.2
        for i in range(len(requests)):
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
    with open(out_path, "w") as f:
        json.dump({"elapsed": elapsed, "results": results}, f)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        spec_ = json.load(f)
    asyncio.run(main(spec_, sys.argv[2]))
