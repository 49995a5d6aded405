"""Load generator of the P2 benchmark, run as its own process so that it does not share
the server's interpreter: N asyncio clients, each on one raw HTTP/1.1 keep-alive
connection (reopened when the server closes it, as gunicorn's sync workers do), for a
fixed time. Prints one JSON line: count, rate, latency percentiles, statuses, errors.

    python bench/_load_client.py --port 8001 --token KEY --scenario evaluate --seconds 60
"""

import argparse
import asyncio
import contextlib
import json
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load_program import (  # noqa: E402
    check_body,
    gift_card_codes,
    idempotency_key,
    lookup_phones,
    new_phones,
    phones,
    pick_payment,
    pick_phone,
)

PATHS = {
    "ping": ("GET", "/api/v1/terminal/ping"),
    "evaluate": ("POST", "/api/v1/terminal/checks/evaluate"),
    "confirm": ("POST", "/api/v1/terminal/checks"),
    "lookup": ("GET", "/api/v1/terminal/customers/lookup"),
}


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, body

    async def close(self):
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


# Requests each client cycles through, built before the clock starts: building a check body
# (random lines, json.dumps) is the generator's work, not the server's, and it shares the
# server's CPU (docs/benchmarks.md, P2).
PREBUILT = 512
FRESH = new_phones()
CARDS = gift_card_codes()


def build(
    scenario: str, token: str, host: str, rnd: random.Random, pool: list[str], mix: str = "spec"
) -> tuple[bytes, bytes]:
    """One request, its blank line included; a confirm's Idempotency-Key is added when sent."""
    method, path = PATHS[scenario]
    if scenario == "lookup":
        path += f"?phone={quote(rnd.choice(pool))}"
    headers = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}",
        f"Authorization: Token {token}",
        "Accept: application/json",
    ]
    body = b""
    if method == "POST":
        phone = pick_phone(rnd, mix, pool, FRESH)
        payment = pick_payment(rnd, mix, phone, pool, CARDS)
        body = check_body(rnd, phone=phone, payment=payment)
        headers += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(headers) + "\r\n").encode(), b"\r\n" + body


def prebuilt(n: int, args) -> list[tuple[bytes, bytes]]:
    rnd = random.Random(1000 + n)
    pool = (lookup_phones if args.scenario == "lookup" else phones)(args.phones)
    return [
        build(args.scenario, args.token, args.host, rnd, pool, args.mix) for _ in range(PREBUILT)
    ]


async def client(requests, args, deadline, latencies, statuses, errors, samples):
    conn = Connection(args.host, args.port)
    confirm = args.scenario == "confirm"
    sent = 0
    while time.monotonic() < deadline:
        head, rest = requests[sent % len(requests)]
        sent += 1
        if confirm:  # a new sale each time, whatever the body
            head += f"Idempotency-Key: {idempotency_key()}\r\n".encode()
        raw = head + rest
        started = time.perf_counter()
        try:
            status, body = await conn.request(raw)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            await conn.close()
            await asyncio.sleep(0.01)
            continue
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 400 and len(samples) < 3:
            samples.append(body[:300].decode("utf-8", "replace"))
    await conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def main(args) -> dict:
    latencies, statuses, errors, samples = [], {}, {}, []
    requests = [prebuilt(n, args) for n in range(args.clients)]
    started = time.monotonic()
    deadline = started + args.seconds
    await asyncio.gather(
        *(
            client(requests[n], args, deadline, latencies, statuses, errors, samples)
            for n in range(args.clients)
        )
    )
    elapsed = time.monotonic() - started
    ok = sum(v for k, v in statuses.items() if k < 400)
    return {
        "scenario": args.scenario,
        "clients": args.clients,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "ok": ok,
        "rate": round(ok / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=0) * 1000, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors,
        "error_samples": samples,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--scenario", choices=sorted(PATHS), required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--mix", choices=["spec", "half", "payments"], default="spec")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost"):
        parser.error("the load generator only targets the loopback address")
    print(json.dumps(asyncio.run(main(args))))
