"""An open-model HTTP/1.1 load generator on bare asyncio streams (stdlib only), run by bench/load.py as its own
process.

    python bench/openloop.py <spec.json> <out.json>

spec: {"rate": requests per second, "requests": [{"kind", "method", "url", "headers", "json"?}, ...],
       "connections": keep-alive connections per host}
Request i is due at t0 + i / rate whether or not earlier ones have finished (an open model: a slow server
cannot slow the arrivals down, so latency is not hidden by coordinated omission). Its latency is measured from
the moment it was *due*, so time spent waiting for a free connection, or lost in the client itself, counts
against the result too (the client's own lateness is reported separately as `late_ms`).

Why not httpx: its asyncio connection pool cost so much CPU per request that on this 2-core machine the client
fell seconds behind its own schedule at 200 req/s (docs/performance.md). Here every request is encoded to bytes
before the clock starts, and a response is read by Content-Length (or chunks), so a request costs the client a
few tens of microseconds.
Writes {"elapsed", "results"}: one entry per request, [kind, status (0: failed), latency_ms, late_ms, service_ms].
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit

IDLE_LIMIT = 3.0  # gunicorn closes keep-alive connections idle for 5 s (deploy/gunicorn.conf.py): retire ours first


def encode(r: dict) -> tuple[tuple[str, int], bytes]:
    url = urlsplit(r["url"])
    path = url.path + (f"?{url.query}" if url.query else "")
    body = json.dumps(r["json"]).encode() if "json" in r else b""
    headers = {"Host": url.netloc, "Content-Length": str(len(body)), **(r.get("headers") or {})}
    if body:
        headers["Content-Type"] = "application/json"
    head = f"{r['method']} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    return (url.hostname, url.port or 80), head.encode("latin-1") + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """The status, and whether the connection may be used again."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if status in (204, 304) or status < 200:  # no body, whatever the headers say
        pass
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.read()
        return status, False
    return status, headers.get("connection", "").lower() != "close"


class Pool:
    """Up to `size` keep-alive connections to one host; the most recently used is reused first."""

    def __init__(self, address: tuple[str, int], size: int):
        self.address = address
        self.slots = asyncio.Semaphore(size)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []

    async def send(self, data: bytes) -> int:
        async with self.slots:
            for attempt in (1, 2):
                reader, writer, fresh = await self._take()
                try:
                    writer.write(data)
                    status, reusable = await read_response(reader)
                except (OSError, asyncio.IncompleteReadError):
                    writer.close()
                    if fresh or attempt == 2:  # a reused connection may have been closed by the server: retry once
                        raise
                    continue
                if reusable:
                    self.idle.append((reader, writer, time.perf_counter()))
                else:
                    writer.close()
                return status
        raise AssertionError("unreachable")

    async def _take(self):
        now = time.perf_counter()
        while self.idle:
            reader, writer, since = self.idle.pop()
            if now - since < IDLE_LIMIT:
                return reader, writer, False
            writer.close()
        reader, writer = await asyncio.open_connection(*self.address)
        return reader, writer, True


async def main(spec: dict, out_path: str) -> None:
    rate, requests = spec["rate"], spec["requests"]
    encoded = [encode(r) for r in requests]
    pools = {address: Pool(address, spec.get("connections", 64)) for address, _ in encoded}
    for address, pool in pools.items():  # one warm connection per host, untimed
        try:
            await pool.send(f"GET /healthz HTTP/1.1\r\nHost: {address[0]}:{address[1]}\r\n\r\n".encode())
        except OSError:
            pass
    results: list = [None] * len(requests)

    async def one(i: int, due: float) -> None:
        address, data = encoded[i]
        sent = time.perf_counter()
        try:
            status = await asyncio.wait_for(pools[address].send(data), timeout=30.0)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError):
            status = 0
        done = time.perf_counter()
        results[i] = [requests[i]["kind"], status, (done - due) * 1000, (sent - due) * 1000, (done - sent) * 1000]

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
    for pool in pools.values():
        for _, writer, _ in pool.idle:
            writer.close()
    with open(out_path, "w") as f:
        json.dump({"elapsed": elapsed, "results": results}, f)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        spec_ = json.load(f)
    asyncio.run(main(spec_, sys.argv[2]))
