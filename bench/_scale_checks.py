"""R1-R4 (quality.md) over HTTP with requests spread over two app servers, for
scripts/scale_demo.sh. Two steps, because the program must be in place before the servers
start:

    python bench/_scale_checks.py seed                      (prints the terminal key)
    python bench/_scale_checks.py check --token=KEY --ports 8001,8002

DATABASE_URL and the production environment come from the caller. Exits 1 on a failure.
"""

import argparse
import json
import os
import random
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _load_server as srv  # noqa: E402
from _load_program import CERTIFICATE, check_body, phones  # noqa: E402

PHONES = 30


def concurrently(count: int, call):
    """`call(i)` from `count` threads released together."""
    barrier = threading.Barrier(count)

    def run(i):
        barrier.wait(timeout=60)
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class Checks:
    def __init__(self, token: str, ports: list[int]):
        self.token, self.ports, self.failed = token, ports, []

    def call(self, i: int, method: str, path: str, body=None, headers=None):
        # request i goes to server i mod 2: every check hits both app servers
        return srv.call(self.ports[i % len(self.ports)], self.token, method, path, body,
                        headers, timeout=120)  # fmt: skip

    def expect(self, name: str, ok: bool, detail) -> None:
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")
        if not ok:
            self.failed.append(name)

    def body(self, seed: int, phone: str | None) -> dict:
        return json.loads(check_body(random.Random(seed), phone=phone))

    def r4_one_key(self) -> None:
        body = self.body(4, phones(PHONES)[0])
        headers = {"Idempotency-Key": "r4-one-key"}
        answers = concurrently(20, lambda i: self.call(i, "POST", "checks", body, headers))
        sales = {a[1].get("sale", {}).get("id") for a in answers if a[0] == 201}
        same = all(a == answers[0] for a in answers)
        self.expect("R4 20 confirms, one key", same and answers[0][0] == 201 and len(sales) == 1,
                    f"statuses {Counter(a[0] for a in answers)}, sales {sales}")  # fmt: skip

    def r1_one_coupon(self) -> None:
        status, first = self.call(0, "POST", "checks", self.body(1, None),
                                  {"Idempotency-Key": "r1-source"})  # fmt: skip
        codes = [c["code"] for c in first.get("coupons_issued", []) if c.get("code")]
        if status != 201 or not codes:
            self.expect("R1 setup: an anonymous sale returns a free coupon code", False, first)
            return

        def redeem(i):
            body = self.body(100 + i, None)
            body["coupons"] = [codes[0]]
            return self.call(i, "POST", "checks", body, {"Idempotency-Key": f"r1-{i}"})

        answers = concurrently(50, redeem)
        outcome = Counter(a[0] if a[0] < 400 else a[1]["error"]["code"] for a in answers)
        self.expect("R1 50 confirms, one coupon",
                    outcome == {201: 1, "coupon_already_redeemed": 49}, dict(outcome))  # fmt: skip

    def r2_certificate(self) -> None:
        pool = phones(PHONES)

        def activate(i):
            body = {"code": CERTIFICATE, "customer": {"phone": pool[i % len(pool)]}}
            return self.call(i, "POST", "certificates/activate", body)

        # 600 activations from 100 threads: always about 100 in flight on the two servers
        with ThreadPoolExecutor(max_workers=100) as pool_:
            answers = list(pool_.map(activate, range(600)))
        outcome = Counter(a[0] if a[0] < 400 else a[1]["error"]["code"] for a in answers)
        succeeded = sum(v for k, v in outcome.items() if k in (200, 201))
        self.expect("R2 600 activations, max_uses 500", succeeded == 500, dict(outcome))

    def balance(self, phone: str) -> Decimal:
        status, answer = self.call(0, "GET", f"customers/lookup?phone={phone.replace('+', '%2B')}")
        assert status == 200, answer
        return Decimal(answer["balances"]["bonus"]["active"])

    def r3_spends(self) -> None:
        phone = phones(PHONES)[-1]
        for n in range(5):  # earn some points first
            self.call(
                n, "POST", "checks", self.body(300 + n, phone), {"Idempotency-Key": f"r3-earn-{n}"}
            )
        start = self.balance(phone)
        if start <= 0:
            self.expect("R3 setup: a customer with points", False, start)
            return
        # 100 spends of half the balance each: 50x the balance, more than each check's
        # credits (about 200 points with this program) can make up for
        spend = (start / 2).quantize(Decimal("0.01"))

        def spend_points(i):
            body = self.body(400 + i, phone)
            body["pay_with_points"] = str(spend)
            return self.call(i, "POST", "checks", body, {"Idempotency-Key": f"r3-{i}"})

        answers = concurrently(100, spend_points)
        outcome = Counter(a[0] if a[0] < 400 else a[1]["error"]["code"] for a in answers)
        end = self.balance(phone)
        clean = set(outcome) <= {201, "insufficient_points", "points_share_exceeded"}
        refused = outcome["insufficient_points"] > 0  # the race was real
        self.expect("R3 100 spends of 50x the balance", clean and refused and end >= 0,
                    f"balance {start} -> {end}, spend {spend} each, {dict(outcome)}")  # fmt: skip

    def run(self) -> int:
        srv.register_customers(self.ports[0], self.token, PHONES)
        self.r4_one_key()
        self.r1_one_coupon()
        self.r2_certificate()
        self.r3_spends()
        print("scale checks:", "all passed" if not self.failed else f"FAILED {self.failed}")
        return 1 if self.failed else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["seed", "check"])
    parser.add_argument("--token")
    parser.add_argument("--ports", default="")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.step == "seed":
        print(srv.seed(env, migrate=False))
        return 0
    return Checks(args.token, [int(p) for p in args.ports.split(",")]).run()


if __name__ == "__main__":
    sys.exit(main())
