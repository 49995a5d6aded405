"""Step 5 of rules.md: the value of a rule with `depends_on`.

The measure is the `amount` (money) or `quantity` (units) over the rule's period; the row
with the highest `from` that is `<=` the measure gives the value; no row: the rule does not
apply. Rows are compiled once, sorted by `from` descending, with `from` also as an integer
of the check's internal units (cents or thousandths, rounded up, which keeps `<=` exact).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from .inputs import Threshold

MEASURES = frozenset(("amount", "quantity"))
UNIT_PLACES = {"amount": 2, "quantity": 3}


@dataclass(frozen=True, slots=True)
class CompiledThreshold:
    from_: Decimal
    from_units: int  # ceil(from_ * 10**places) for the measure's unit
    value: Any  # the action's compiled value (see ruleset.compile_value)


def compile_thresholds(measure: str, rows: Iterable[tuple[Decimal, Any]]):
    """`rows` are (from, compiled value) pairs."""
    places = UNIT_PLACES[measure]
    compiled = [
        CompiledThreshold(
            from_,
            int(from_.scaleb(places).to_integral_value(rounding=ROUND_CEILING)),
            value,
        )
        for from_, value in rows
    ]
    compiled.sort(key=lambda t: t.from_, reverse=True)
    return tuple(compiled)


def pick_by_units(rows: tuple[CompiledThreshold, ...], units: int):
    """The compiled value of the matching row for a measure in internal units, or None."""
    for row in rows:
        if row.from_units <= units:
            return row.value
    return None


def pick_by_decimal(rows: tuple[CompiledThreshold, ...], measure: Decimal):
    """The compiled value of the matching row for a Decimal measure (history), or None."""
    for row in rows:
        if row.from_ <= measure:
            return row.value
    return None


def select_threshold(thresholds: Iterable[Threshold], measure: Decimal) -> Threshold | None:
    """The row with the highest `from` that is `<=` `measure`, or None (for previews)."""
    best = None
    for row in thresholds:
        if row.from_ <= measure and (best is None or row.from_ > best.from_):
            best = row
    return best
