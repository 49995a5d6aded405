"""promotions.md's worked example 6 (tiers) with real confirmed and cancelled sales over
the terminal API, the daily job, keep_days, a category kept by hand, the outbox."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Enrolment, Notification, TierMove, TierState
from customers.tiers import update_tiers
from loyalty.models import Tier, TierPolicy
from tests.factories import CustomerCategoryFactory, CustomerFactory, EnrolmentFactory

from .conftest import item

pytestmark = pytest.mark.django_db
D = Decimal
PHONE = "+380501112233"


@pytest.fixture
def tiers(till):
    silver = CustomerCategoryFactory(program=till.program, key="silver", name="Silver")
    gold = CustomerCategoryFactory(program=till.program, key="gold", name="Gold")
    policy = TierPolicy.objects.create(
        business=till.business, program=till.program, measure="spend", period="last_365_days"
    )
    Tier.objects.create(business=till.business, policy=policy, category=silver, threshold=D("1000"))
    Tier.objects.create(business=till.business, policy=policy, category=gold, threshold=D("5000"))
    # A rule only Silver members get: shows which category the check's rules saw.
    till.rule(key="silver-bonus", action="credit_check_percent", value=D("1"))
    till.rule(
        key="silver-only", action="credit_check_percent", value=D("2")
    ).customer_categories.set([silver])
    return silver, gold, policy


def buy(till, amount, key):
    response = till.confirm(
        {"customer": {"phone": PHONE}, "positions": [item(("GOODS", amount, "misc"))]}, key=key
    )
    assert response.status_code == 201, response.json()
    return response.json()


def category_of(till, customer):
    enrolment = Enrolment.objects.get(customer=customer, program=till.program)
    return enrolment.category.key if enrolment.category else None


def rules_of(body):
    return {r["key"] for r in body["applied_rules"]}


def test_example_6_up_at_once_down_at_the_daily_run(till, tiers):
    silver, gold, _policy = tiers
    person = CustomerFactory(business=till.business, phone=PHONE, consent=True, language="en")
    EnrolmentFactory(customer=person, business=till.business, program=till.program)
    first = buy(till, "4950.00", "a")
    assert "silver-only" not in rules_of(first)  # regular when the check began
    assert category_of(till, person) == "silver"  # 4,950 passed Silver's 1,000

    body = buy(till, "100.00", "b")
    assert body["amount_to_pay"] == "100.00"
    assert "silver-only" in rules_of(body)  # the check's rules saw Silver
    assert category_of(till, person) == "gold"  # after the confirm: Gold
    moves = list(TierMove.objects.filter(customer=person).values_list("why", "to_category__key"))
    assert moves == [("up", "silver"), ("up", "gold")]
    sent = Notification.objects.filter(customer=person, kind="tier_changed")
    assert [n.body for n in sent.order_by("pk")][-1] == "Congratulations! You are now Gold."

    assert (
        till.client.post(f"/api/v1/terminal/checks/{body['sale']['id']}/cancel").status_code == 200
    )
    assert category_of(till, person) == "gold"  # cancelling does not move at once
    call_command("update_tiers")
    assert category_of(till, person) == "silver"  # the next daily run does
    assert TierMove.objects.filter(customer=person).latest("pk").why == "down"
    assert update_tiers() == 0  # a second run changes nothing


def test_keep_days_hold_the_tier_and_a_kept_category_is_never_touched(till, tiers):
    silver, gold, policy = tiers
    Tier.objects.filter(category=gold).update(keep_days=30)
    person = CustomerFactory(business=till.business, phone=PHONE)
    EnrolmentFactory(customer=person, business=till.business, program=till.program)
    body = buy(till, "5000.00", "gold")
    assert category_of(till, person) == "gold"
    till.client.post(f"/api/v1/terminal/checks/{body['sale']['id']}/cancel")
    assert update_tiers() == 0  # reached today: kept for 30 days
    assert update_tiers(now=timezone.now() + timedelta(days=31)) == 1
    assert category_of(till, person) == "regular"  # below every tier: the default

    # A category set by hand with "keep": tiers leave it alone, up or down.
    enrolment = Enrolment.objects.get(customer=person, program=till.program)
    enrolment.category = silver
    enrolment.save()
    TierState.objects.filter(enrolment=enrolment).update(kept=True)
    buy(till, "6000.00", "big")
    assert category_of(till, person) == "silver"
    assert update_tiers(now=timezone.now() + timedelta(days=400)) == 0
    assert category_of(till, person) == "silver"


def test_visits_over_the_calendar_year(till, tiers):
    silver, gold, policy = tiers
    policy.measure, policy.period = "visits", "calendar_year"
    policy.save()
    Tier.objects.filter(category=silver).update(threshold=D("2"))
    Tier.objects.filter(category=gold).update(threshold=D("3"))
    person = CustomerFactory(business=till.business, phone=PHONE)
    EnrolmentFactory(customer=person, business=till.business, program=till.program)
    buy(till, "1.00", "v1")
    assert category_of(till, person) not in ("silver", "gold")
    buy(till, "1.00", "v2")
    assert category_of(till, person) == "silver"
    buy(till, "1.00", "v3")
    assert category_of(till, person) == "gold"


def test_the_customer_sees_the_tier_and_the_progress(till, tiers):
    from django.test import Client
    from rest_framework.test import APIClient

    from loyalty.services.devices import issue_device
    from terminal.views.access import POS_SESSION_KEY
    from tests.factories import MembershipFactory, UserFactory
    from tests.terminal.public.conftest import last_code

    silver, gold, _policy = tiers
    person = CustomerFactory(business=till.business, phone=PHONE, name="Olena")
    EnrolmentFactory(customer=person, business=till.business, program=till.program)
    body = buy(till, "3800.00", "a")
    assert category_of(till, person) == "silver"

    # Kiosk (no one-time code in this program).
    till.program.kiosk_requires_otp = False
    till.program.save()
    _device, key = issue_device(point_of_sale=till.pos, kind="kiosk", name="Kiosk")
    kiosk = APIClient()
    kiosk.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    answer = kiosk.post("/api/v1/kiosk/identify", {"phone": PHONE}, format="json").json()
    assert answer["tier"] == {
        "tier": "Silver",
        "measure": "spend",
        "value": "3800.00",
        "next": "Gold",
        "missing": "1200.00",
    }

    # Wallet page.
    wallet = Client()
    url = f"/w/{till.business.slug}/"
    wallet.post(url, {"step": "send", "phone": PHONE})
    wallet.post(url, {"step": "verify", "code": last_code(PHONE)})
    assert "1200.00 more to Gold" in wallet.get(url).content.decode()

    # The cashier's receipt.
    cashier = UserFactory()
    MembershipFactory(business=till.business, user=cashier, role="manager")
    staff = Client()
    staff.force_login(cashier)
    session = staff.session
    session[POS_SESSION_KEY] = till.pos.pk
    session.save()
    receipt = staff.get(f"/terminal/sales/{body['sale']['id']}/")
    assert receipt.status_code == 200, receipt.status_code
    assert "1200.00 more to Gold" in receipt.content.decode()
