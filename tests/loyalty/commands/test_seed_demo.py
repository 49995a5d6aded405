"""seed_demo: the demo business, the same on every run; its logins and keys work."""

import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.test import APIClient

from coupons.models import Coupon, CouponEvent
from customers.models import Account, AccountType, Customer, Enrolment, LedgerEntry
from customers.selectors import check_ledger
from giftcards.models import GiftCard, GiftCardEntry, GiftCardSeries
from loyalty.demo import seed as demo_seed
from loyalty.demo.seed import BALANCES, CUSTOMERS, DEVICES, GIFT_CARDS, SALES
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
        GiftCard,
        GiftCardEntry,
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
    # ... and the two demo gift-card checks (sold, then partly spent)
    assert counts["Sale"] == len(SALES) + 2
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


def test_the_demo_has_prepaid_balances_and_gift_cards_one_partly_spent(seeded):
    business, _ = seeded
    coffee = AccountType.objects.get(business=business, key="coffee-card")
    assert coffee.kind == AccountType.Kind.GOODS and "LATTE" in coffee.pays_for["goods"]
    held = {
        (a.customer.phone, a.key): a.balance
        for a in Account.objects.filter(business=business, key__in=["wallet", "coffee-card"])
    }
    assert held == {(phone, key): Decimal(amount) for phone, key, amount in BALANCES}
    cards = {c.code: (c.state, c.balance) for c in GiftCard.objects.filter(business=business)}
    assert cards == {
        "GC-DEMO-0001": ("active", Decimal("1000.00")),
        "GC-DEMO-0002": ("active", Decimal("350.00")),
        "GC-DEMO-0003": ("active", Decimal("300.00")),
    }
    assert len(cards) == len(GIFT_CARDS)
    assert check_ledger() == []


def test_the_printed_block_lists_the_balances_and_the_gift_cards(seeded):
    _, out = seeded
    assert "+380501110001  Wallet: 500.00 UAH" in out
    assert "+380501110001  Coffee card: 5 units" in out
    assert "GC-DEMO-0002  active, balance 350.00 UAH" in out


def test_every_demo_balance_is_spendable_on_one_check_through_the_api(seeded):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token demo-terminal-center-key")
    body = {
        "customer": {"phone": "+380501110001"},
        "positions": [
            {
                "code": "LATTE",
                "title": "Latte",
                "category": "coffee",
                "price": "60.00",
                "quantity": "1",
            },
            {
                "code": "CHEESECAKE",
                "title": "Cheesecake",
                "category": "bakery",
                "price": "85.00",
                "quantity": "1",
            },
        ],
        "payments": [
            {"account": "coffee-card", "units": "1"},
            {"account": "wallet", "amount": "20.00"},
            {"gift_card": "GC-DEMO-0002", "amount": "30.00"},
        ],
    }
    response = client.post(
        "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY="demo-spend"
    )
    assert response.status_code == 201, response.json()
    after = {
        p.get("account") or p.get("gift_card"): p["balance_after"]
        for p in response.json()["payments"]
    }
    assert after == {"coffee-card": "4", "wallet": "480.00", "GC-DEMO-0002": "320.00"}
    assert check_ledger() == []


def test_a_demo_seeded_before_payments_gets_them_on_the_next_run(
    monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    old = json.loads(demo_seed.DOCUMENT.read_text(encoding="utf-8"))
    old["account_types"] = [t for t in old["account_types"] if t["kind"] == "money"]
    old.pop("gift_card_series")
    path = tmp_path / "old_demo.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    monkeypatch.setattr(demo_seed, "DOCUMENT", path)
    with django_capture_on_commit_callbacks(execute=True):
        seed()
    business = Business.objects.get(slug="demo-coffee")
    assert not GiftCardSeries.objects.filter(business=business).exists()
    assert not GiftCard.objects.filter(business=business).exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        out = seed()
    assert AccountType.objects.filter(business=business, key="coffee-card").exists()
    assert GiftCard.objects.filter(business=business, state="active").count() == len(GIFT_CARDS)
    assert "Coffee card: 5 units" in out and "GC-DEMO-0001" in out
    assert check_ledger() == []
