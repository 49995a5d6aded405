"""A series' `public_claim` in the program document: off by default for rule rewards."""

import pytest

from coupons.models import CouponSeries
from loyalty.models import Business
from loyalty.program_io import export_program, import_program
from loyalty.program_io.errors import ProgramImportError

from .conftest import load_demo

pytestmark = pytest.mark.django_db


def test_imported_rule_rewards_are_not_claimable_by_default():
    business = Business.objects.create(name="Demo", slug="demo")
    doc = load_demo()
    for item in doc["coupon_series"]:
        item.pop("public_claim", None)
    program = import_program(doc, business=business).program
    claimable = dict(
        CouponSeries.objects.filter(program=program).values_list("key", "public_claim")
    )
    # free-croissant, espresso-today, cheesecake-kiosk are rule rewards; the top-up is not
    assert claimable == {
        "free-croissant": False,
        "espresso-today": False,
        "cheesecake-kiosk": False,
        "top-up-100": True,
    }
    exported = export_program(program)
    assert {s["key"]: s["public_claim"] for s in exported["coupon_series"]} == claimable


def test_the_document_sets_it_explicitly():
    business = Business.objects.create(name="Demo", slug="demo")
    doc = load_demo()
    for item in doc["coupon_series"]:
        item["public_claim"] = item["key"] == "free-croissant"
    program = import_program(doc, business=business).program
    series = CouponSeries.objects.get(program=program, key="free-croissant")
    assert series.public_claim is True
    assert not CouponSeries.objects.get(program=program, key="top-up-100").public_claim


def test_a_bad_value_names_the_field():
    doc = load_demo()
    doc["coupon_series"][0]["public_claim"] = "yes"
    with pytest.raises(ProgramImportError) as info:
        import_program(doc, business=Business.objects.create(name="D", slug="d"))
    assert "coupon_series[0].public_claim" in str(info.value.errors)


def test_an_older_document_changes_nothing_of_an_existing_series():
    business = Business.objects.create(name="Demo", slug="demo")
    program = import_program(load_demo(), business=business).program
    CouponSeries.objects.filter(program=program, key="top-up-100").update(public_claim=False)
    CouponSeries.objects.filter(program=program, key="free-croissant").update(public_claim=True)
    doc = load_demo()
    for item in doc["coupon_series"]:
        item.pop("public_claim", None)
    import_program(doc, business=business)
    claimable = dict(
        CouponSeries.objects.filter(program=program).values_list("key", "public_claim")
    )
    assert claimable["top-up-100"] is False and claimable["free-croissant"] is True


def test_welcome_settings_travel_with_the_program():
    business = Business.objects.create(name="Demo", slug="demo")
    doc = load_demo()
    doc["program"].update(
        {"join_open": False, "welcome_points": "20.00", "welcome_series": "free-croissant"}
    )
    program = import_program(doc, business=business).program
    program.refresh_from_db()
    assert program.join_open is False
    assert str(program.welcome_points) == "20.00"
    assert program.welcome_series.key == "free-croissant"
    exported = export_program(program)["program"]
    assert (exported["join_open"], exported["welcome_points"], exported["welcome_series"]) == (
        False,
        "20.00",
        "free-croissant",
    )
    # an older document leaves them as they are
    result = import_program(load_demo(), business=business)
    program.refresh_from_db()
    assert program.welcome_series.key == "free-croissant" and not program.join_open
    assert not result.changed


def test_an_unknown_welcome_series_is_named():
    doc = load_demo()
    doc["program"]["welcome_series"] = "no-such"
    with pytest.raises(ProgramImportError) as info:
        import_program(doc, business=Business.objects.create(name="D", slug="d"))
    assert "program.welcome_series" in str(info.value.errors)
