"""Whatever a document holds, import answers with a ProgramImportError or succeeds."""

import copy
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty.models import Business
from loyalty.program_io import ProgramImportError, import_program

from .conftest import load_demo, nothing_in

pytestmark = pytest.mark.django_db

DEMO = load_demo()


def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from leaf_paths(item, (*path, i))
    yield path


PATHS = [p for p in leaf_paths(DEMO) if p]
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True),
    st.text(max_size=90),
    st.sampled_from(["", "-1", "0", "1e3", "NaN", "2026-02-30", "25:00", "LATTE", "vip"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


class Rollback(Exception):
    pass


@settings(
    max_examples=int(os.environ.get("ROBUSTNESS_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(PATHS), ODD_VALUES), min_size=1, max_size=3))
def test_odd_values_anywhere_never_crash_the_import(replacements):
    doc = copy.deepcopy(DEMO)
    for path, value in replacements:
        target = doc
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this branch
    try:
        with transaction.atomic():
            business = Business.objects.create(name="Fuzz", slug="fuzz")
            try:
                import_program(doc, business=business)
            except ProgramImportError as exc:
                assert exc.errors and all(isinstance(p, str) and m for p, m in exc.errors)
                assert nothing_in(business)
            raise Rollback
    except Rollback:
        pass


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda doc: doc["program"].update(name="Coffee\x00Club"), "program.name"),
        (lambda doc: doc["rules"][0].update(explanation="\ud800"), "rules[0].explanation"),
        (lambda doc: doc["program"].update({"nul\x00key": 1}), "program.nul\\x00key"),
    ],
)
def test_text_the_database_cannot_store_is_refused_with_its_path(mutate, path):
    """PostgreSQL cannot store NUL characters or unpaired surrogates: a clear error, not a
    database exception."""
    business = Business.objects.create(name="Robust", slug="robust-text")
    document = copy.deepcopy(load_demo())
    mutate(document)
    with pytest.raises(ProgramImportError) as caught:
        import_program(document, business=business)
    assert path in [p for p, _ in caught.value.errors]


@pytest.mark.django_db
def test_a_reward_with_an_unknown_key_is_an_error_not_a_crash():
    business = Business.objects.create(name="Robust", slug="robust-reward")
    document = copy.deepcopy(load_demo())
    document["coupon_series"][0]["reward"] = {"": 0}
    with pytest.raises(ProgramImportError) as caught:
        import_program(document, business=business)
    assert any(path.startswith("coupon_series[0].reward") for path, _ in caught.value.errors)
