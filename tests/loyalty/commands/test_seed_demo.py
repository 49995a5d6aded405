"""seed_demo: the demo business, the same on every run; its logins and keys work."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from coupons.models import Coupon, CouponEvent
from customers.models import Account, Customer, Enrolment, LedgerEntry
from loyalty.demo.seed import CUSTOMERS, DEVICES, SALES
from loyalty.models import Business, Device, Membership, Rule, Sale
from loyalty.services.devices import hash_key
from terminal.auth import DeviceTokenAuthentication
from tests.loyalty.program_io.conftest import tenant_counts

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def everything(business) -> dict:
    counts = tenant_counts(business)
    for model in (
        Customer,
        Enrolment,
        Account,
        LedgerEntry,
        Sale,
        Coupon,
        CouponEvent,
        Device,
        Membership,
    ):
        counts[model.__name__] = model.objects.filter(business=business).count()
    counts["users"] = get_user_model().objects.count()
    counts["passwords"] = sorted(get_user_model().objects.values_list("password", flat=True))
    return counts


@pytest.fixture
def seeded(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = seed()
    return Business.objects.get(slug="demo-coffee"), out


def test_the_demo_business_has_its_program_people_devices_customers_and_sales(seeded):
    business, _ = seeded
    assert (
        business.name,
        business.currency,
        business.timezone,
        business.phone_region,
        business.language,
    ) == ("Bean There Coffee", "UAH", "Europe/Kyiv", "UA", "uk")
    counts = everything(business)
    assert counts["Program"] == 1 and counts["PointOfSale"] == 2 and counts["Rule"] == 12
    assert counts["Customer"] == len(CUSTOMERS) and counts["Device"] == len(DEVICES)
    # history went through the sale service: sales with entries and issued coupons
    assert counts["Sale"] == len(SALES)
    assert counts["LedgerEntry"] > 0
    assert Coupon.objects.filter(business=business, is_stock=False).exists()
    # the pregenerated top-up series has its codes
    assert Coupon.objects.filter(business=business, is_stock=True).count() == 200
    vip = Enrolment.objects.filter(business=business, category__key="vip").count()
    assert vip == sum(1 for *_rest, category in CUSTOMERS if category == "vip")


def test_running_twice_creates_nothing_and_prints_the_same(
    seeded, django_capture_on_commit_callbacks
):
    business, first_out = seeded
    before = everything(business)

    with django_capture_on_commit_callbacks(execute=True):
        second_out = seed()

    assert everything(business) == before
    assert second_out == first_out


def test_the_printed_block_has_the_url_logins_keys_and_a_curl(seeded):
    _, out = seeded
    assert "http://127.0.0.1:8000/" in out
    for email in ("owner@example.com", "manager@example.com", "cashier@example.com"):
        assert email in out
    assert "password: perkline-demo" in out
    assert "demo-terminal-center-key" in out and "demo-kiosk-center-key" in out
    assert (
        'curl -H "Authorization: Token demo-terminal-center-key" '
        "http://127.0.0.1:8000/api/v1/terminal/ping"
    ) in out
    assert "WELCOME-KYIV" in out


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("owner@example.com", "owner"),
        ("manager@example.com", "manager"),
        ("cashier@example.com", "cashier"),
    ],
)
def test_the_logins_work(seeded, client, email, role):
    business, _ = seeded
    assert client.login(username=email, password="perkline-demo")
    membership = Membership.objects.get(business=business, user__email=email)
    assert membership.role == role


def test_the_cashier_works_at_center(seeded):
    business, _ = seeded
    cashier = Membership.objects.get(business=business, user__email="cashier@example.com")
    assert [p.key for p in cashier.points_of_sale.all()] == ["center"]


def test_a_rerun_sets_the_new_password(seeded, client):
    business, _ = seeded
    out = seed("--password", "another-secret")
    assert "password: another-secret" in out
    assert client.login(username="owner@example.com", password="another-secret")
    assert not client.login(username="owner@example.com", password="perkline-demo")


@pytest.mark.parametrize(("kind", "pos", "key"), DEVICES)
def test_the_printed_device_keys_authenticate(seeded, kind, pos, key):
    device = Device.objects.get(key_hash=hash_key(key))
    assert (device.kind, device.point_of_sale.key, device.revoked_at) == (kind, pos, None)
    request = RequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")
    assert DeviceTokenAuthentication().authenticate(request)[1] == device


def test_a_revoked_demo_key_is_revived_by_a_rerun(seeded):
    Device.objects.update(revoked_at="2026-01-01T00:00:00Z")
    seed()
    assert not Device.objects.filter(revoked_at__isnull=False).exists()


def test_a_rerun_keeps_what_a_demo_user_changed(seeded):
    business, _ = seeded
    Rule.objects.filter(business=business, key="cashback").update(value="8.00", name="Eight")
    seed()
    rule = Rule.objects.get(business=business, key="cashback")
    assert (rule.value, rule.name) == (Decimal("8.00"), "Eight")
