"""promotions.md's stamp cards in the program document: round trip and bad input by path."""

import copy

import pytest

from loyalty.models import Business, StampCard
from loyalty.program_io import ProgramImportError, export_program, import_program
from tests.factories import CouponSeriesFactory

from .conftest import load_demo, nothing_in

pytestmark = pytest.mark.django_db

CARDS = [
    {"key": "coffee6", "name": "Sixth coffee free", "stamps": 6, "counts": "units",
     "include_categories": ["coffee"], "min_amount": None, "reward": "free-croissant",
     "expires_in_days": None},
    {"key": "visits", "name": "Ten visits", "stamps": 10, "counts": "sales",
     "min_amount": "50.00", "reward": "free-croissant", "expires_in_days": 90,
     "exclude_goods": ["BEANS"]},
]  # fmt: skip


def with_cards(cards=CARDS) -> dict:
    doc = load_demo()
    doc["stamp_cards"] = copy.deepcopy(cards)
    return doc


def test_stamp_cards_import_and_export_round_trip(business):
    result = import_program(with_cards(), business=business)
    assert result.created["stamp_cards"] == 2
    program = result.program
    cards = {c.key: c for c in StampCard.objects.filter(program=program)}
    assert (cards["coffee6"].stamps, cards["coffee6"].counts) == (6, "units")
    assert cards["coffee6"].include_categories == ["coffee"]
    assert cards["coffee6"].reward.key == "free-croissant"
    assert (str(cards["visits"].min_amount), cards["visits"].expires_in_days) == ("50.00", 90)

    exported = export_program(program)
    by_key = {c["key"]: c for c in exported["stamp_cards"]}
    assert by_key["coffee6"]["reward"] == "free-croissant"
    assert by_key["visits"]["min_amount"] == "50.00"
    fresh = Business.objects.create(name="Fresh", slug="fresh")
    copied = import_program(copy.deepcopy(exported), business=fresh).program
    assert export_program(copied) == exported
    again = import_program(copy.deepcopy(exported), business=business)
    assert not again.changed


BAD = [
    ("one stamp", 0, {"stamps": 1}, "stamps"),
    ("over 50 stamps", 0, {"stamps": 51}, "stamps"),
    ("stamps not a number", 0, {"stamps": "six"}, "stamps"),
    ("no reward", 0, {"reward": None}, "reward"),
    ("unknown reward", 0, {"reward": "nope"}, "reward"),
    ("unknown counting", 1, {"counts": "visits"}, "counts"),
    ("min amount 0", 1, {"min_amount": "0"}, "min_amount"),
    ("min amount float", 1, {"min_amount": 50.5}, "min_amount"),
    ("expiry 0 days", 1, {"expires_in_days": 0}, "expires_in_days"),
    ("unknown field", 1, {"colour": "red"}, "colour"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("index", "changes", "field"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_stamp_cards_are_refused_by_path(business, index, changes, field):
    cards = copy.deepcopy(CARDS)
    cards[index].update(changes)
    with pytest.raises(ProgramImportError) as caught:
        import_program(with_cards(cards), business=business)
    paths = [p for p, _ in caught.value.errors]
    assert f"stamp_cards[{index}].{field}" in paths, caught.value.errors
    assert nothing_in(business)
    assert not StampCard.objects.exists()


def test_a_reward_of_another_program_is_refused(business):
    import_program(load_demo(), business=business)
    other = CouponSeriesFactory(key="elsewhere")
    doc = with_cards([dict(CARDS[0], reward=other.key)])
    with pytest.raises(ProgramImportError) as caught:
        import_program(doc, business=business)
    assert [p for p, _ in caught.value.errors] == ["stamp_cards[0].reward"]
