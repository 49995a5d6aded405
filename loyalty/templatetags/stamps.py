"""Stamp cards drawn: "4 of 6" with the stamps as filled and empty slots."""

from django import template

register = template.Library()


@register.filter
def stamp_slots(item) -> list[bool]:
    """One bool per slot of the card (True = stamped). `item` has `of` and `after` (a check
    result's stamps) or `stamps` (a wallet's card); a card owing stamps shows none."""
    of = int(item.get("of") or 0)
    have = max(0, min(stamp_count(item), of))
    return [n < have for n in range(of)]


@register.filter
def stamp_count(item) -> int:
    """The stamps on the card now: a result's `after`, a wallet card's `stamps`."""
    return int(item.get("after", item.get("stamps", 0)) or 0)
