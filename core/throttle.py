"""Throttles counted in the shared cache, for every door of the product.

One counter per (scope, identity, window) in Django's default cache: Redis with REDIS_URL,
else the database (core.cache), never process memory, so the limits hold however many
workers serve (quality.md R14). Rates are written like DRF's: "60/min", "3/10min".

The budgets (quality.md R8, R13, R15):
- code look-ups: PERKLINE_THROTTLE_CODES per device (or staff login) and per client address;
  the public pages use PERKLINE_PUBLIC_LOOKUP_RATE per client address;
- one-time codes: PERKLINE_OTP_PHONE_RATE per phone and PERKLINE_OTP_ADDRESS_RATE per client
  address, whichever page or API sends them;
- panel sign-in failures: PERKLINE_LOGIN_FAILURES_PER_LOGIN and ..._PER_ADDRESS.
"""

import contextlib
import hashlib
import math
import re
import time

from django.conf import settings
from django.core.cache import cache

_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")

DEFAULTS = {
    "PERKLINE_THROTTLE_CODES": "60/min",
    "PERKLINE_PUBLIC_LOOKUP_RATE": "30/min",
    "PERKLINE_OTP_PHONE_RATE": "3/10min",
    "PERKLINE_OTP_ADDRESS_RATE": "10/hour",
    "PERKLINE_LOGIN_FAILURES_PER_LOGIN": "5/15min",
    "PERKLINE_LOGIN_FAILURES_PER_ADDRESS": "20/15min",
}


class Throttled(Exception):
    """Past a budget: answered 429 with Retry-After (seconds)."""

    code = "throttled"

    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"retry after {self.retry_after}s")

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def parse_rate(rate: str) -> tuple[int, int]:
    """(requests, seconds) of a rate like "30/min" or "5/10min"."""
    match = _RATE.match(rate or "")
    if not match or match.group(3) not in _UNITS:
        raise ValueError(f"bad rate {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNITS[unit]


def rate(name: str) -> str:
    return getattr(settings, name, None) or DEFAULTS[name]


def _key(scope: str, ident: str) -> str:
    # Identities are phones, addresses, logins and ids: a digest keeps any of them a valid key.
    digest = hashlib.blake2b(str(ident).encode(), digest_size=12).hexdigest()
    return f"throttle:{scope}:{digest}"


def _retry_after(key: str, now: float, seconds: int) -> float:
    end = cache.get(key + ":end")
    return (end - now) if end else seconds


def hit(scope: str, ident: str, rate_text: str, n: int = 1) -> int:
    """Count `n` requests of `ident` in `scope`; raise Throttled once past the rate.

    A window opens with the first request and lasts the rate's period (so "5 in 15
    minutes" never lets 10 through across a clock boundary). The count is kept past the
    limit: hammering does not shorten the wait."""
    limit, seconds = parse_rate(rate_text)
    key = _key(scope, ident)
    now = time.time()
    if cache.add(key, n, timeout=seconds):
        cache.set(key + ":end", now + seconds, timeout=seconds)
        count = n
    else:
        try:
            count = cache.incr(key, n)
        except ValueError:  # the window closed between add and incr
            cache.set(key, n, timeout=seconds)
            cache.set(key + ":end", now + seconds, timeout=seconds)
            count = n
    if count > limit:
        raise Throttled(_retry_after(key, now, seconds))
    return count


def check(*budgets: tuple[str, str, str]) -> None:
    """Raise Throttled if any of the (scope, ident, rate) budgets is used up, without
    counting a request; one cache round trip for all of them."""
    keys = {_key(scope, ident): parse_rate(rate_text) for scope, ident, rate_text in budgets}
    counts = cache.get_many(list(keys))
    for key, (limit, seconds) in keys.items():
        if (counts.get(key) or 0) >= limit:
            raise Throttled(_retry_after(key, time.time(), seconds))


# The budgets, named for the door they guard.


def count_code_lookups(*, actor: str, address: str, n: int = 1) -> None:
    """`n` look-ups of codes, cards or phones by a device or staff login (`actor`, such as
    "device:12") from `address`: both budgets count them (R8, R13)."""
    hit("codes-actor", actor, rate("PERKLINE_THROTTLE_CODES"), n)
    hit("codes-address", address, _codes_per_address(), n)


def check_code_lookups(*, actor: str, address: str) -> None:
    """Raise Throttled when either budget is used up (a check presenting codes, R13)."""
    check(
        ("codes-actor", actor, rate("PERKLINE_THROTTLE_CODES")),
        ("codes-address", address, _codes_per_address()),
    )


def _codes_per_address() -> str:
    # One shop's tills share an address behind its router: a deployment may give the
    # address a larger budget than one device (PERKLINE_THROTTLE_CODES_ADDRESS).
    return getattr(settings, "PERKLINE_THROTTLE_CODES_ADDRESS", None) or rate(
        "PERKLINE_THROTTLE_CODES"
    )


def count_public_lookup(*, address: str) -> None:
    hit("public-lookup", address, rate("PERKLINE_PUBLIC_LOOKUP_RATE"))


def count_otp_send(*, phone: str, address: str | None) -> None:
    """One more one-time code to `phone` asked from `address` (R15). The phone's budget
    holds whatever address asks, so many clients cannot flood one phone either."""
    if address:
        hit("otp-address", address, rate("PERKLINE_OTP_ADDRESS_RATE"))
    hit("otp-phone", phone, rate("PERKLINE_OTP_PHONE_RATE"))


def check_login(*, login: str, address: str) -> None:
    """Raise Throttled while a login or an address is locked out after failed sign-ins."""
    check(
        ("login-failures", login.strip().lower(), rate("PERKLINE_LOGIN_FAILURES_PER_LOGIN")),
        ("login-address", address, rate("PERKLINE_LOGIN_FAILURES_PER_ADDRESS")),
    )


def count_login_failure(*, login: str, address: str) -> None:
    for scope, ident, name in (
        ("login-failures", login.strip().lower(), "PERKLINE_LOGIN_FAILURES_PER_LOGIN"),
        ("login-address", address, "PERKLINE_LOGIN_FAILURES_PER_ADDRESS"),
    ):
        # Past the limit the next attempt is refused by check_login.
        with contextlib.suppress(Throttled):
            hit(scope, ident, rate(name))
