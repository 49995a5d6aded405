"""Many writes sent as one statement: the confirm's last round trip.

A confirm writes its sale and the sale's lines, and services plan more rows for it: ledger
entries and lots (customers/ledger.py), coupons with their events (coupons/fresh_codes.py),
the customer's message (customers/notify/outbox.py). Each sent on its own cost a round trip;
as the data-modifying WITH clauses of one statement they cost one in all (docs/benchmarks.md,
P2). Services add their parts to a `Statement`; the confirm (loyalty/checks/store.py) adds
the sale's own and sends it.

What PostgreSQL does with such a statement shapes the parts:
- every WITH clause runs to completion whether or not the query reads it, all on one
  snapshot: a part sees no other part's rows but through the RETURNING of a clause it names;
- one statement must not update a row twice: a part that updates a row has a key, and a later
  plan for the same row replaces it (`add(..., key=...)`);
- foreign keys are checked at commit (Django declares them DEFERRABLE INITIALLY DEFERRED),
  so the order of the parts does not matter.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Clauses:
    """A part's SQL: its WITH clauses, which take the part's parameters in order, and the
    expressions (`checks`) that the statement selects for the part's author, each a column
    of its answer. Built by a function of the part's tag, which starts every name the
    clauses define (`f"{tag}e AS (INSERT ...)"`), so that parts never collide."""

    ctes: tuple[str, ...]
    checks: tuple[str, ...] = ()


@dataclass(eq=False)
class Part:
    """A planned write; `answer` holds the values of its `checks` once the statement ran."""

    tag: str
    clauses: Clauses
    params: list
    answer: tuple = ()


class Statement:
    """Writes planned by services, sent as one statement by `execute`."""

    def __init__(self) -> None:
        self._parts: list[Part] = []
        self._keyed: dict[Hashable, Part] = {}

    def add(
        self, clauses: Callable[[str], Clauses], params: Sequence, *, key: Hashable | None = None
    ) -> Part:
        """Adds a part: `clauses(tag)` (cache that function: its SQL is the same for every
        statement) with `params`. With a `key` that an earlier part has, the new part
        replaces that one, in its place."""
        old = self._keyed.get(key) if key is not None else None
        tag = old.tag if old is not None else f"w{len(self._parts)}_"
        part = Part(tag, clauses(tag), list(params))
        if old is None:
            self._parts.append(part)
        else:
            self._parts[self._parts.index(old)] = part
        if key is not None:
            self._keyed[key] = part
        return part

    def execute(self) -> None:
        """Sends every part in one statement and gives each part its `answer`."""
        ctes: list[str] = []
        params: list = []
        checks: list[str] = []
        for part in self._parts:
            ctes += part.clauses.ctes
            params += part.params
            checks += part.clauses.checks
        with connection.cursor() as cursor:
            cursor.execute(f"WITH {', '.join(ctes)} SELECT {', '.join(checks) or '1'}", params)
            row = cursor.fetchone()
        start = 0
        for part in self._parts:
            end = start + len(part.clauses.checks)
            part.answer = tuple(row[start:end])
            start = end
