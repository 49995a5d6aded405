"""Export -> import -> export gives the same document; importing twice changes nothing."""

import copy
from decimal import Decimal

import pytest

from certificates.models import GiftCertificate
from coupons.models import Coupon, CouponSeries
from customers.models import CustomerCategory
from loyalty.models import Brand, Business, Goods, PointOfSale, Program, Rule
from loyalty.program_io import export_program, import_program

from .conftest import load_demo, load_spec, rich_document, tenant_counts, write_marks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("make_document", [load_demo, rich_document, load_spec])
def test_export_import_export_gives_the_same_document(make_document):
    source = Business.objects.create(name="Source", slug="source")
    program = import_program(make_document(), business=source).program
    exported = export_program(program)

    fresh = Business.objects.create(name="Fresh", slug="fresh")
    copied = import_program(copy.deepcopy(exported), business=fresh).program

    assert copied.pk != program.pk
    assert export_program(copied) == exported
    assert tenant_counts(fresh) == tenant_counts(source)


@pytest.mark.parametrize("make_document", [load_demo, rich_document])
def test_importing_twice_changes_nothing_the_second_time(business, make_document):
    first = import_program(make_document(), business=business)
    counts, marks = tenant_counts(business), write_marks(business)

    second = import_program(make_document(), business=business)

    assert first.changed and not second.changed
    assert sum(second.created.values()) == sum(second.updated.values()) == 0
    assert tenant_counts(business) == counts
    assert write_marks(business) == marks
    assert second.program.version == first.program.version
    assert "created nothing; updated nothing" in second.summary()


def test_reimporting_an_export_changes_nothing(business):
    program = import_program(rich_document(), business=business).program
    marks = write_marks(business)

    result = import_program(export_program(program), business=business)

    assert not result.changed
    assert write_marks(business) == marks


def test_the_spec_example_imports_with_plain_goods_codes(business):
    result = import_program(load_spec(), business=business)

    program = result.program
    assert (program.key, program.name, program.max_points_share) == (
        "coffee-club",
        "Coffee Club",
        Decimal("50.00"),
    )
    assert [b.name for b in program.brands.all()] == ["Bean There"]
    beans = Rule.objects.get(program=program, key="beans-loyal")
    # CROISSANT and coffee-beans are not in the catalogue: rule lists are plain codes
    assert beans.include_categories == ["coffee-beans"]
    assert not Goods.objects.filter(business=business, code="CROISSANT").exists()
    assert beans.coupon_series.key == "free-croissant"
    assert beans.thresholds == [{"from": "3", "value": "1.00"}]
    assert (beans.depends_measure, beans.depends_period) == ("quantity", "last_365_days")
    assert beans.weekdays == [1, 2, 3, 4, 5]
    assert str(beans.time_from) == "08:00:00"
    croissant = CouponSeries.objects.get(program=program, key="free-croissant")
    assert croissant.reward_rule.key == "croissant-zero"
    assert (croissant.code_prefix, croissant.code_length) == ("CR", 10)
    top_up = CouponSeries.objects.get(program=program, key="top-up-100")
    assert (top_up.top_up_account, top_up.top_up_amount) == ("wallet", Decimal("100.00"))
    certificate = GiftCertificate.objects.get(program=program, key="hotel-welcome")
    assert (certificate.public_code, certificate.public_code_norm) == (
        "WELCOME-KYIV",
        "WELCOMEKYIV",
    )
    assert [(e.series.key, e.count) for e in certificate.bundle.all()] == [("free-croissant", 1)]
    assert result.created["rules"] == 3 and result.created["coupon_series"] == 2


def test_a_changed_document_updates_rows_in_place_and_bumps_the_version(business):
    first = import_program(load_demo(), business=business)
    rule = Rule.objects.get(program=first.program, key="cashback")
    counts = tenant_counts(business)

    doc = load_demo()
    cashback = next(r for r in doc["rules"] if r["key"] == "cashback")
    cashback["value"] = "7"
    doc["goods"][0]["price"] = "62.00"
    second = import_program(doc, business=business)

    rule.refresh_from_db()
    assert rule.value == Decimal("7.00")
    assert Goods.objects.get(business=business, code="LATTE").price == Decimal("62.00")
    assert tenant_counts(business) == counts
    assert second.updated["rules"] == 1 and second.updated["goods"] == 1
    assert second.program.version > first.program.version
    assert "updated 1 goods item, 1 rule;" in second.summary()


def test_a_changed_link_counts_as_a_rule_update(business):
    import_program(load_demo(), business=business)
    doc = load_demo()
    kiosk = next(r for r in doc["rules"] if r["key"] == "kiosk-cheesecake")
    kiosk["points_of_sale"] = ["center", "podil"]

    result = import_program(doc, business=business)

    assert result.updated["rules"] == 1
    rule = Rule.objects.get(business=business, key="kiosk-cheesecake")
    assert sorted(rule.points_of_sale.values_list("key", flat=True)) == ["center", "podil"]


def test_omitted_rule_settings_fall_back_to_their_defaults(business):
    import_program(rich_document(), business=business)
    doc = rich_document()
    rule = next(r for r in doc["rules"] if r["key"] == "summer-weekends")
    for name in (
        "schedule",
        "points_of_sale",
        "customer_categories",
        "combine",
        "is_active",
        "applies_to_sales",
        "customer_identity",
    ):
        del rule[name]

    import_program(doc, business=business)

    stored = Rule.objects.get(business=business, key="summer-weekends")
    assert stored.combine is True and stored.is_active is True
    assert (stored.applies_to_sales, stored.customer_identity) == ("all", "any")
    assert stored.weekdays == [] and stored.date_from is None and stored.time_from is None
    assert not stored.points_of_sale.exists() and not stored.customer_categories.exists()


def test_objects_the_document_does_not_mention_are_kept(business):
    import_program(load_demo(), business=business)
    doc = load_demo()
    doc["rules"] = [r for r in doc["rules"] if r["key"] != "staff-meal"]
    doc["goods"] = doc["goods"][1:]

    import_program(doc, business=business)

    assert Rule.objects.filter(business=business, key="staff-meal").exists()
    assert Goods.objects.filter(business=business, code="LATTE").exists()


def test_a_new_default_category_replaces_the_old_one(business):
    import_program(load_demo(), business=business)
    doc = load_demo()
    doc["customer_categories"] = [{"key": "newcomer", "name": "Newcomer", "default": True}]

    import_program(doc, business=business)

    defaults = CustomerCategory.objects.filter(business=business, is_default=True)
    assert [c.key for c in defaults] == ["newcomer"]


def test_brands_are_matched_by_name_and_left_alone_when_not_given(business):
    Brand.objects.create(business=business, name="Bean There")
    result = import_program(load_demo(), business=business)
    assert Brand.objects.filter(business=business).count() == 1

    other = Brand.objects.create(business=business, name="Partner cafe")
    result.program.brands.add(other)
    doc = load_demo()
    del doc["program"]["brand"]
    import_program(doc, business=business)

    assert sorted(result.program.brands.values_list("name", flat=True)) == [
        "Bean There",
        "Partner cafe",
    ]


def test_the_business_is_created_when_asked(db):
    result = import_program(
        load_demo(),
        business="new-coffee",
        create_business_kwargs={"currency": "UAH", "timezone": "Europe/Kyiv", "phone_region": "UA"},
    )

    business = Business.objects.get(slug="new-coffee")
    assert result.business_created and result.business == business
    assert (business.name, business.currency, business.timezone) == (
        "Bean There",
        "UAH",
        "Europe/Kyiv",
    )
    assert PointOfSale.objects.filter(business=business).count() == 2

    again = import_program(load_demo(), business="new-coffee", create_business_kwargs={})
    assert not again.business_created and not again.changed


def test_pregenerated_series_get_codes_for_their_inventory_after_commit(
    business, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = import_program(load_demo(), business=business)

    series = CouponSeries.objects.get(business=business, key="top-up-100")
    assert result.codes_queued == {"top-up-100": 200}
    assert Coupon.objects.filter(series=series, is_stock=True).count() == 200

    doc = load_demo()
    next(s for s in doc["coupon_series"] if s["key"] == "top-up-100")["inventory"] = 250
    with django_capture_on_commit_callbacks(execute=True):
        grown = import_program(doc, business=business)
    assert grown.codes_queued == {"top-up-100": 50}
    assert Coupon.objects.filter(series=series).count() == 250

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_program(doc, business=business)
    assert callbacks == []


def test_program_versions_are_per_program(business):
    result = import_program(load_demo(), business=business)
    other = Program.objects.create(business=business, key="other", name="Other")
    import_program(load_demo(), business=business)
    other.refresh_from_db()
    assert other.version == 1 and result.program.version > 1
