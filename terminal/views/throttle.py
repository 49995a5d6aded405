"""The public pages' throttles: core.throttle's counters, core.net's client address."""

from core import throttle
from core.net import client_address
from core.throttle import Throttled

__all__ = ["Throttled", "count_lookup"]


def count_lookup(request) -> None:
    throttle.count_public_lookup(address=client_address(request))
