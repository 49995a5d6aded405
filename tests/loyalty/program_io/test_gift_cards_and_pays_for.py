"""program-format.md "Additions for payments": gift-card series and account types'
`pays_for` go out and come back unchanged."""

import copy
from decimal import Decimal

import pytest

from customers.models import AccountType
from giftcards.models import GiftCardSeries
from loyalty.models import Business
from loyalty.program_io import export_program, import_program
from loyalty.program_io.errors import ProgramImportError

from .conftest import load_demo

pytestmark = pytest.mark.django_db


def document():
    doc = load_demo()
    doc["account_types"] = [
        {"key": "wallet", "name": "Wallet", "kind": "money"},
        {
            "key": "car-wash",
            "name": "Car washes",
            "kind": "goods",
            "pays_for": {"goods": ["WASH"], "categories": ["wash"]},
        },
    ]
    doc["gift_card_series"] = [
        {
            "key": "gift",
            "name": "Gift card",
            "code_format": {"prefix": "GC", "length": 12, "group": 4},
            "values": {"min": "100.00", "max": "5000.00"},
            "validity": {"months": 12},
            "reloadable": True,
        },
        {
            "key": "fixed",
            "name": "Fixed values",
            "code_format": {"prefix": "FX", "length": 10, "group": 5},
            "values": {"fixed": ["500.00", "1000.00"]},
            "validity": {"valid_from": "2030-01-01", "valid_to": "2030-12-31"},
            "reloadable": False,
        },
    ]
    return doc


def test_gift_card_series_and_pays_for_round_trip():
    source = Business.objects.create(name="Source", slug="source")
    program = import_program(document(), business=source).program
    series = GiftCardSeries.objects.get(program=program, key="gift")
    assert (series.min_amount, series.max_amount, series.valid_months, series.reloadable) == (
        Decimal("100.00"),
        Decimal("5000.00"),
        12,
        True,
    )
    assert AccountType.objects.get(program=program, key="car-wash").pays_for == {
        "goods": ["WASH"],
        "categories": ["wash"],
    }
    exported = export_program(program)
    assert [s["key"] for s in exported["gift_card_series"]] == ["fixed", "gift"]
    assert exported["gift_card_series"][0]["values"] == {"fixed": ["500.00", "1000.00"]}

    fresh = Business.objects.create(name="Fresh", slug="fresh")
    copied = import_program(copy.deepcopy(exported), business=fresh).program
    assert export_program(copied) == exported
    again = import_program(copy.deepcopy(exported), business=fresh)
    assert not again.changed


def test_a_weak_gift_card_code_format_is_refused_at_its_path():
    doc = document()
    doc["gift_card_series"][0]["code_format"]["length"] = 4
    with pytest.raises(ProgramImportError) as refused:
        import_program(doc, business=Business.objects.create(name="B", slug="b"))
    paths = [path for path, _message in refused.value.errors]
    assert "gift_card_series[0].code_format.length" in paths
