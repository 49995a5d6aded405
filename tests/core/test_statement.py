"""core.statement: parts named apart, replaced by key, each answered its own checks."""

import pytest

from core.statement import Clauses, Statement

pytestmark = pytest.mark.django_db


def numbers(tag: str) -> Clauses:
    """A part whose one check counts the rows of its own WITH clause."""
    return Clauses(
        (f"{tag}n AS (SELECT generate_series(1, %s))",),
        checks=(f"(SELECT count(*) FROM {tag}n)",),
    )


def silent(tag: str) -> Clauses:
    return Clauses((f"{tag}q AS (SELECT %s::int)",))


def test_parts_are_named_apart_and_each_gets_its_own_answer():
    statement = Statement()
    first = statement.add(numbers, [3])
    quiet = statement.add(silent, [7])
    second = statement.add(numbers, [5])
    statement.execute()
    assert (first.tag, quiet.tag, second.tag) == ("w0_", "w1_", "w2_")
    assert (first.answer, quiet.answer, second.answer) == ((3,), (), (5,))


def test_a_part_with_a_known_key_replaces_the_earlier_one_in_its_place():
    statement = Statement()
    statement.add(numbers, [1], key=("account", 1))
    other = statement.add(numbers, [2])
    latest = statement.add(numbers, [4], key=("account", 1))
    statement.execute()
    assert latest.tag == "w0_"
    assert (latest.answer, other.answer) == ((4,), (2,))


def test_a_statement_of_writes_without_checks_runs():
    statement = Statement()
    part = statement.add(silent, [1])
    statement.execute()
    assert part.answer == ()
