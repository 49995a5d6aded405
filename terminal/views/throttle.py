"""Per-client limits for the public pages, counted in Django's cache (fixed windows).

Rates are written like DRF's ("30/min", "5/10min"): code look-ups by
PERKLINE_PUBLIC_LOOKUP_RATE, one-time code sends by PERKLINE_PUBLIC_OTP_RATE (per client
address, and the same number per phone so one phone cannot be flooded from many addresses).
"""

import math
import re
import time

from django.conf import settings
from django.core.cache import cache

LOOKUP_RATE_DEFAULT = "30/min"
OTP_RATE_DEFAULT = "5/10min"
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([a-z]+)\s*$")


class Throttled(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"retry after {self.retry_after}s")


def parse_rate(rate: str) -> tuple[int, int]:
    """(requests, seconds) of a rate like "30/min" or "5/10min"."""
    match = _RATE.match(rate or "")
    if not match or match.group(3) not in _UNITS:
        raise ValueError(f"bad rate {rate!r}")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * _UNITS[unit]


def client_ip(request) -> str:
    # Behind a proxy, the proxy sets REMOTE_ADDR (e.g. uvicorn --proxy-headers).
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, ident: str, rate: str) -> None:
    """Count one request of `ident` in `scope`; raise Throttled past the rate."""
    limit, window = parse_rate(rate)
    now = time.time()
    start = math.floor(now / window) * window
    key = f"perkline-throttle:{scope}:{ident}:{int(start)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise Throttled(start + window - now)


def lookup_rate() -> str:
    return getattr(settings, "PERKLINE_PUBLIC_LOOKUP_RATE", LOOKUP_RATE_DEFAULT)


def otp_rate() -> str:
    return getattr(settings, "PERKLINE_PUBLIC_OTP_RATE", OTP_RATE_DEFAULT)


def count_lookup(request) -> None:
    hit("lookup", client_ip(request), lookup_rate())


def count_otp_send(request, phone: str) -> None:
    hit("otp-ip", client_ip(request), otp_rate())
    hit("otp-phone", phone, otp_rate())
