"""Every door that tells whether a code, card or phone exists counts toward the code
throttle (quality.md R8, R13): the API's look-ups, the cashier pages' own look-ups, and each
unknown code presented on a check.

A check that presents no code never touches the counters (a busy till is never refused);
one that presents codes is refused with 429 once the budget is used up, and each code it
presents that does not exist is counted.
"""

from contextlib import contextmanager

from core import throttle
from core.errors import DomainError
from core.net import client_address


def actor(request) -> str:
    """The device of an API request, or the staff login of a cashier page."""
    device = getattr(request, "auth", None)
    if getattr(device, "pk", None):
        return f"device:{device.pk}"
    user = getattr(request, "user", None)
    if getattr(user, "pk", None):
        return f"staff:{user.pk}"
    return "anonymous"


def count_lookup(request, n: int = 1) -> None:
    throttle.count_code_lookups(actor=actor(request), address=client_address(request), n=n)


def unknown_codes(body: dict) -> int:
    return sum(
        1
        for item in body.get("not_applied", ())
        if item["kind"] == "coupon" and item["code"] == "coupon_not_found"
    )


@contextmanager
def presented_codes(request, *, codes):
    """Around evaluating or confirming a check that presents `codes`: refused past the
    budget before any work; a confirm refused for unknown codes counts them."""
    if not codes:
        yield
        return
    who, address = actor(request), client_address(request)
    throttle.check_code_lookups(actor=who, address=address)
    try:
        yield
    except DomainError as exc:
        n = getattr(exc, "unknown_codes", None)
        if n is None:
            n = 1 if exc.code in ("coupon_not_found", "gift_card_not_found") else 0
        if n:
            throttle.count_code_lookups(actor=who, address=address, n=n)
        raise


def count_unknown_codes(request, body: dict) -> None:
    """After an evaluation: the codes it found unknown count (past the budget: 429)."""
    n = unknown_codes(body)
    if n:
        count_lookup(request, n)
