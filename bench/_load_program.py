"""The program of the load benchmark and fault tests: a generated import document with 50
active auto rules of mixed actions (a fifth with thresholds, a tenth period-based), the
goods its checks carry, and the check bodies the load generator sends."""

import json
import random
import uuid
from decimal import Decimal

CATEGORIES = [f"cat{n}" for n in range(10)]
GOODS = [(f"SKU{n:03d}", CATEGORIES[n % len(CATEGORIES)]) for n in range(40)]
ACTIONS = [
    "discount_goods_percent",
    "discount_goods_amount",
    "special_price",
    "discount_check_percent",
    "discount_check_amount",
    "credit_goods_percent",
    "credit_goods_amount",
    "credit_check_percent",
    "credit_check_amount",
    "issue_coupon_goods",
    "issue_coupon_check",
]
PERIODS = ["day", "week", "month", "last_30_days", "last_365_days", "all_time"]
RULES = 50


def _rule(rnd: random.Random, n: int, issue_coupons: bool = True) -> dict:
    action = ACTIONS[n % len(ACTIONS)]
    if not issue_coupons and action.startswith("issue"):
        action = "credit_check_amount" if action.endswith("check") else "credit_goods_amount"
    goods = "goods" in action or action == "special_price"
    percent = action.endswith("percent")
    issue = action.startswith("issue")

    def value() -> str:
        if percent:
            return str(Decimal(rnd.randint(5, 30)).scaleb(-1))
        if issue:
            return "1"
        if action == "special_price":
            return str(Decimal(rnd.randint(1_000, 40_000)).scaleb(-2))
        return str(Decimal(rnd.randint(5, 100)).scaleb(-2))

    rule = {
        "key": f"load-{n:02d}",
        "name": f"Load rule {n}",
        "explanation": f"Load rule {n} ({action})",
        "mode": "auto",
        "priority": rnd.randint(0, 9),
        "action": action,
    }
    if n % 10 == 3:  # a tenth: over the customer's history
        measure = rnd.choice(["amount", "quantity"])
        rule["depends_on"] = {
            "measure": measure,
            "period": rnd.choice(PERIODS),
            "thresholds": [{"from": "0", "value": value()}, {"from": "5", "value": value()}],
        }
        rule["customer_identity"] = "identified"
    elif n % 10 == 7:  # another tenth: thresholds over the check (a fifth in all)
        rule["depends_on"] = {
            "measure": "amount",
            "period": "check",
            "thresholds": [
                {"from": "0", "value": value()},
                {"from": "1000", "value": value()},
                {"from": "5000", "value": value()},
            ],
        }
    else:
        rule["value"] = value()
    if goods:
        if rnd.random() < 0.6:
            rule["include_categories"] = rnd.sample(CATEGORIES, rnd.randint(1, 3))
        else:
            rule["include_goods"] = sorted({rnd.choice(GOODS)[0] for _ in range(4)})
    if action.startswith("credit"):
        rule["credit"] = {"account": "bonus"}
    if issue:
        rule["coupon"] = {"series": "load-gift", "per": "check", "quantity": 1}
    return rule


CERTIFICATE = "LOADCERT500"
# LOAD_MIX=payments (issue 17, P2): 1 check in 5 pays PAYMENT_AMOUNT from a balance: a
# returning customer's wallet, else (a new phone or an anonymous check) one of GIFT_CARDS
# pre-made cards. Balances are large enough never to run out during a run.
WALLET = "load-wallet"
GIFT_CARD_SERIES = "load-gc"
GIFT_CARDS = 200
PAYMENT_SHARE = 0.2
PAYMENT_AMOUNT = "5.00"
FUNDS = "1000000.00"


def program_document(seed: int = 7, *, issue_coupons: bool = True) -> dict:
    """`issue_coupons=False` turns the issue rules into credit rules (a variant that shows
    what issuing coupons on every check costs). The certificate (500 uses) serves R2."""
    rnd = random.Random(seed)
    rules = [_rule(rnd, n, issue_coupons) for n in range(RULES)]
    rules.append(  # the reward of the issued series: coupon mode, not among the 50 auto rules
        {
            "key": "load-gift-reward",
            "name": "Coupon: 10% off",
            "mode": "coupon",
            "action": "discount_check_percent",
            "value": "10",
        }
    )
    return {
        "format": "loyalty-program/1",
        "program": {"key": "load", "name": "Load program", "auto_register": True},
        "points_of_sale": [{"key": "main", "name": "Main till"}],
        "customer_categories": [{"key": "regular", "name": "Regular", "default": True}],
        # what the `payments` mix pays from (payments.md); unused by the other mixes
        "account_types": [{"key": WALLET, "name": "Load wallet", "kind": "money"}],
        "gift_card_series": [
            {
                "key": GIFT_CARD_SERIES,
                "name": "Load gift card",
                "code_format": {"prefix": "LGC", "length": 10, "group": 5},
            }
        ],
        "categories": [{"code": c, "name": c} for c in CATEGORIES],
        "coupon_series": [
            {
                "key": "load-gift",
                "name": "Load gift",
                "reward": {"rule": "load-gift-reward"},
                "validity": {"type": "relative", "delay_days": 0, "valid_days": 30},
                "inventory": None,
                "code_mode": "on_issue",
                "code_format": {"prefix": "LG", "length": 10, "group": 5},
            }
        ],
        "rules": rules,
        "certificates": [
            {
                "key": "load-cert",
                "name": "Load certificate",
                "series": [{"series": "load-gift", "count": 1}],
                "public_code": CERTIFICATE,
                "max_uses": 500,
            }
        ],
    }


def phones(count: int) -> list[str]:
    return [f"+38050{2000000 + n:07d}" for n in range(count)]


# The P2 mix of quality.md: 1 check in 10 anonymous, 4 in 10 from 50 returning customers
# with history, 5 in 10 from a pool of 1,000 phones, each registered by its first confirm.
RETURNING = 50
NEW_PHONES = 1000


def new_phones(count: int = NEW_PHONES) -> list[str]:
    """Phones nobody registered before the run: the program's auto_register takes them."""
    return [f"+38050{4000000 + n:07d}" for n in range(count)]


def pick_phone(rnd: random.Random, mix: str, pool: list[str], fresh: list[str]) -> str | None:
    """Who a check is for. `spec`: quality.md's P2 mix (returning customers are the first
    RETURNING of `pool`); `half`: half anonymous, half from `pool` (the mix before
    2026-12-06, which bench/history_bench.py keeps)."""
    r = rnd.random()
    if mix == "half":
        return rnd.choice(pool) if r < 0.5 else None
    # "spec" and "payments" share quality.md's customers
    if r < 0.1:
        return None
    if r < 0.5:
        return rnd.choice(pool[:RETURNING])
    return rnd.choice(fresh)


def lookup_phones(count: int = 200) -> list[str]:
    """Customers only the `lookup` scenario asks for (bench/history_bench.py): confirm fills
    the wallets of `phones`' customers with coupons, which would slow their look-up."""
    return [f"+38050{3000000 + n:07d}" for n in range(count)]


def gift_card_codes(count: int = GIFT_CARDS) -> list[str]:
    return [f"LGC-LOAD-{n:05d}" for n in range(count)]


def pick_payment(
    rnd: random.Random, mix: str, phone: str | None, pool: list[str], cards: list[str]
) -> dict | None:
    """The `payments` entry of a check of the `payments` mix, or None (4 checks in 5)."""
    if mix != "payments" or rnd.random() >= PAYMENT_SHARE:
        return None
    if phone is not None and phone in pool[:RETURNING]:
        return {"account": WALLET, "amount": PAYMENT_AMOUNT}
    return {"gift_card": rnd.choice(cards), "amount": PAYMENT_AMOUNT}


def check_body(
    rnd: random.Random, *, phone: str | None, positions: int = 10, payment: dict | None = None
) -> bytes:
    lines = []
    for code, category in rnd.sample(GOODS, positions):
        lines.append(
            {
                "code": code,
                "title": f"Goods {code}",
                "category": category,
                "price": str(Decimal(rnd.randint(2_000, 40_000)).scaleb(-2)),
                "quantity": str(rnd.randint(1, 3)),
            }
        )
    body = {"customer": {"phone": phone} if phone else None, "positions": lines}
    if payment is not None:
        body["payments"] = [payment]
    return json.dumps(body).encode()


def idempotency_key() -> str:
    return uuid.uuid4().hex
