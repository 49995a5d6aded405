"""The reports page's tables (issue 21): per point of sale, per cashier, per coupon series;
each sortable by any column (`?sort_pos=-amount`) and downloadable as CSV with the page's
filters. The rows come from `kpis.business_figures` (a few rows each: points of sale,
cashiers, series), so sorting them here costs no query.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Table:
    key: str  # the `?table=` and `sort_<key>` name
    rows: str  # the Figures attribute
    title: object
    columns: tuple  # (row key, title, numeric)
    default_sort: str


MONEY_COLUMNS = (
    ("sales", _("Sales"), True),
    ("amount", _("Taken"), True),
    ("average", _("Average check"), True),
)
TABLES = {
    "pos": Table(
        "pos", "by_pos", _("Per point of sale"),
        (("name", _("Point of sale"), False), *MONEY_COLUMNS), "-amount",
    ),
    "cashier": Table(
        "cashier", "by_cashier", _("Per cashier"),
        (("name", _("Cashier"), False), *MONEY_COLUMNS), "-amount",
    ),
    "series": Table(
        "series", "by_series", _("Coupon redemption"),
        (
            ("name", _("Series"), False),
            ("issued", _("Issued"), True),
            ("redeemed", _("Redeemed"), True),
            ("rate", _("Rate, %"), True),
        ),
        "name",
    ),
}  # fmt: skip


def sort_key(table: Table, asked: str) -> str:
    """The asked sort when it names a column of the table (`-` for descending), else the
    table's default."""
    if asked.lstrip("-") in {c[0] for c in table.columns}:
        return asked
    return table.default_sort


def sorted_rows(table: Table, rows: list[dict], sort: str) -> list[dict]:
    column = sort.lstrip("-")

    def key(row):
        value = row[column]
        if column == "name":
            return (0, str(value).casefold())
        # None (a rate of nothing issued) sorts below every number
        return (0, value) if value is not None else (-1, Decimal(0))

    return sorted(rows, key=key, reverse=sort.startswith("-"))


def headers(table: Table, sort: str, url_with) -> list[dict]:
    """Column heads: each a link sorting by it, descending first for numbers, the other
    way when it is the current sort. `url_with(name, value)` keeps the page's other
    parameters."""
    result = []
    for column, title, numeric in table.columns:
        active = sort.lstrip("-") == column
        descending = sort.startswith("-")
        if active:
            wanted = column if descending else f"-{column}"
        else:
            wanted = f"-{column}" if numeric else column
        result.append(
            {
                "title": title,
                "numeric": numeric,
                "active": active,
                "descending": active and descending,
                "url": url_with(f"sort_{table.key}", wanted),
            }
        )
    return result


def csv_columns(table: Table) -> list[str]:
    return [str(title) for _key, title, _numeric in table.columns]


def csv_rows(table: Table, rows: list[dict], *, till_name: str):
    for row in rows:
        values = [row[key] for key, _title, _numeric in table.columns]
        if table.key == "cashier" and not values[0]:
            values[0] = till_name
        yield values


# bench/reports_bench.py times the page with these too
BENCH_VARIANTS = [
    ("sort by cashier name", {"sort_cashier": "name"}),
    ("sort series by rate", {"sort_series": "-rate"}),
    ("one point of sale", {"pos": "__first_pos__"}),
    ("connected tills only", {"cashier": "till"}),
]
