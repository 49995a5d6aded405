"""Documents and counters for the program import/export tests."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings

from certificates.models import CertificateSeries, GiftCertificate
from coupons.models import CouponSeries
from customers.models import AccountType, CustomerCategory
from loyalty.models import Brand, Business, Goods, GoodsCategory, PointOfSale, Program, Rule

DEMO_PATH = Path(settings.BASE_DIR) / "loyalty" / "fixtures" / "demo_program.json"
SPEC_PATH = Path(__file__).parent / "spec_example.json"  # the example of program-format.md

TENANT_MODELS = (
    Brand,
    Program,
    PointOfSale,
    CustomerCategory,
    AccountType,
    GoodsCategory,
    Goods,
    CouponSeries,
    Rule,
    GiftCertificate,
    CertificateSeries,
)


def load_demo() -> dict:
    return json.loads(DEMO_PATH.read_text(encoding="utf-8"))


def load_spec() -> dict:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


def rich_document() -> dict:
    """The demo program plus every setting the demo does not use."""
    doc = load_demo()
    doc["program"].pop("brand")
    doc["program"]["brands"] = ["Bean There", "Bean There Express"]
    doc["categories"].append({"code": "tea", "name": "Tea"})
    doc["goods"] += [
        {"code": "GIFTCARD", "title": "Gift card", "category": None, "price": "0.00"},
        {
            "code": "OLD-MUG",
            "title": "Old mug",
            "category": "bakery",
            "price": "99.90",
            "is_active": False,
        },
    ]
    doc["account_types"].append({"key": "car-washes", "name": "Car washes", "kind": "goods"})
    doc["coupon_series"].append(
        {
            "key": "summer-tea",
            "name": "Summer tea",
            "title": {"en": "Iced tea on us", "uk": "Холодний чай від нас"},
            "description": {"en": "Summer only."},
            "reward": {"rule": "tea-percent"},
            "validity": {"type": "range", "valid_from": "2027-06-01", "valid_to": "2027-08-31"},
            "issue_until": "2027-08-15",
            "inventory": 50,
            "code_mode": "imported",
            "code_format": {"prefix": "", "length": 12, "group": 0},
            "self_service": True,
            "transferable": False,
            "notify_giver": False,
            "referral_reward": None,
            "expiry_reminder": {"days": 2},
            "kiosk_price": None,
            "min_spend": "50.00",
            "archived": True,
        }
    )
    doc["rules"] += [
        {
            "key": "tea-percent",
            "name": "Coupon: 20% off tea",
            "explanation": "20% off tea",
            "mode": "coupon",
            "priority": 3,
            "action": "discount_goods_percent",
            "value": "20",
            "include_categories": ["tea"],
            "exclude_goods": ["TEA-GIFTBOX"],
            "exclude_categories": ["tea-gifts"],
            "min_quantity": "0.5",
            "max_quantity": "2.25",
        },
        {
            "key": "summer-weekends",
            "name": "Summer weekends",
            "explanation": "Points per coffee on summer weekends",
            "is_active": False,
            "mode": "auto",
            "priority": 25,
            "combine": False,
            "action": "credit_goods_amount",
            "value": "2.50",
            "include_categories": ["coffee"],
            "credit": {"account": "car-washes"},
            "customer_identity": "identified",
            "applies_to_sales": "repeat",
            "customer_categories": ["regular", "vip"],
            "points_of_sale": ["center", "podil"],
            "schedule": {
                "date_from": "2027-06-01",
                "date_to": "2027-08-31",
                "weekdays": [6, 7],
                "time_from": "12:30:15",
                "time_to": "02:00",
            },
        },
        {
            "key": "beans-per-item",
            "name": "A coupon per bag of beans",
            "explanation": "A croissant coupon for every bag",
            "mode": "auto",
            "priority": 32,
            "action": "issue_coupon_goods",
            "include_goods": ["BEANS", "BEANS-DECAF"],
            "coupon": {"series": "free-croissant", "per": "item", "quantity": 2},
        },
        {
            "key": "month-spend",
            "name": "Monthly spend bonus",
            "explanation": "Extra points once you spend 1000.00 a month",
            "mode": "auto",
            "priority": 33,
            "action": "credit_check_amount",
            "credit": {"account": "special", "expires_in_days": 30},
            "depends_on": {
                "measure": "amount",
                "period": "month",
                "thresholds": [{"from": "1000", "value": "50"}, {"from": "2000.5", "value": "120"}],
            },
        },
    ]
    doc["certificates"].append(
        {
            "key": "lucky-dip",
            "name": "Lucky dip",
            "title": {"en": "Lucky dip"},
            "valid_from": "2026-01-01",
            "valid_to": "2030-12-31",
            "series": [
                {"series": "free-croissant", "count": 2},
                {"series": "espresso-today"},
                {"series": "cheesecake-kiosk", "count": 1},
            ],
            "public_code": "lucky dip 2026",
            "max_uses": None,
            "max_uses_per_customer": 3,
            "min_interval_hours": 24,
            "random_count": 2,
            "all_or_nothing": True,
        }
    )
    return doc


def tenant_counts(business) -> dict[str, int]:
    counts = {m.__name__: m.objects.filter(business=business).count() for m in TENANT_MODELS}
    counts["rule_pos_links"] = Rule.points_of_sale.through.objects.filter(
        rule__business=business
    ).count()
    counts["rule_category_links"] = Rule.customer_categories.through.objects.filter(
        rule__business=business
    ).count()
    return counts


def write_marks(business) -> dict:
    """What any save would change: updated_at stamps, history rows, program versions."""
    return {
        "rules": dict(Rule.objects.filter(business=business).values_list("key", "updated_at")),
        "rule_history": Rule.history.filter(business=business).count(),
        "program_history": Program.history.filter(business=business).count(),
        "series_history": CouponSeries.history.filter(business=business).count(),
        "certificate_history": GiftCertificate.history.filter(business=business).count(),
        "versions": dict(Program.objects.filter(business=business).values_list("key", "version")),
        "bundle": list(
            CertificateSeries.objects.filter(business=business).values_list("pk", "count")
        ),
    }


def nothing_in(business) -> bool:
    return not any(tenant_counts(business).values())


@pytest.fixture
def demo_document():
    return load_demo()


@pytest.fixture
def business(db):
    return Business.objects.create(name="Target", slug="target")


def mutated(doc: dict, mutate) -> dict:
    doc = copy.deepcopy(doc)
    mutate(doc)
    return doc
