"""Canonical text of the document's values, shared by the exporter and the importer.

Money, percentages, points and rule values are written with 2 places ("7.00"); quantities
without trailing zeros ("3", "0.5"). The importer stores thresholds in the same canonical
form, so an export of an import reads exactly like the export it came from.
"""

from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MILLI = Decimal("0.001")


def money(value) -> str | None:
    if value is None:
        return None
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def quantity(value) -> str | None:
    if value is None:
        return None
    number = Decimal(value).quantize(MILLI, rounding=ROUND_HALF_UP).normalize()
    return format(number, "f")


def canonical_thresholds(rows, *, measure: str) -> list[dict]:
    """Thresholds as stored in `Rule.thresholds`: strings, ordered by `from`."""
    write_from = quantity if measure == "quantity" else money
    out = [{"from": write_from(row["from"]), "value": money(row["value"])} for row in rows]
    return sorted(out, key=lambda row: Decimal(row["from"]))


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def clock(value: time | None) -> str | None:
    if value is None:
        return None
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")
