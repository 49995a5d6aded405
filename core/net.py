"""The client's address, the same way for the API, the cashier pages and the public pages.

`X-Forwarded-For` is read only when the request comes from a proxy named in
PERKLINE_TRUSTED_PROXIES (addresses or networks, comma-separated; empty by default). Any
client can write that header, so trusting it from anyone else would let one client take as
many throttle budgets as it invents addresses (quality.md R14).
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "PERKLINE_TRUSTED_PROXIES", ())))


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str:
    """The address of the client: REMOTE_ADDR, or behind trusted proxies the right-most
    address of X-Forwarded-For that is not itself a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or ""
    networks = trusted_proxies()
    if not networks or not _trusted(_address(remote), networks):
        return remote or "unknown"
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for text in reversed([part for part in forwarded if part]):
        address = _address(text)
        if address is None:  # a garbled header: the proxy itself is all we know
            return remote
        if not _trusted(address, networks):
            return str(address)
    return remote
