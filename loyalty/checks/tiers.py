"""Tiers in the check flow: the move up after a confirm (promotions.md "Tiers"). The
program's tiers are cached per program version (a tier edit bumps it: loyalty.signals), so
a program without tiers costs a confirm no query."""

import threading

from customers import tiers

_cache: dict[tuple[int, int], object] = {}
_lock = threading.Lock()
_NONE = object()


def policy_of(program):
    key = (program.pk, program.version)
    policy = _cache.get(key)
    if policy is None:
        policy = tiers.policy_of(program) or _NONE
        with _lock:
            if len(_cache) >= 256:
                _cache.clear()
            _cache[key] = policy
    return None if policy is _NONE else policy


def after_confirm(ctx, customer, sale, at):
    """Runs after the sale is written: the measure includes it."""
    policy = policy_of(ctx.program)
    if policy is None or customer is None:
        return None
    return tiers.move_up(policy=policy, program=ctx.program, customer=customer, sale=sale, at=at)
