"""The senders of "points expiring", "stamp card reward" and "welcome" (docs/messages.md,
"Senders"): each event queues its message once, and the text holds the points or code,
the link and the dates it promises, in en and uk."""

from decimal import Decimal

import pytest

from customers import ledger
from customers.models import Account, Notification
from customers.points_expiring import tell_points_expiring
from loyalty.services.join import join_program
from tests.factories import (
    T0,
    AccountTypeFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    ProgramFactory,
    StampCardFactory,
    at,
)
from tests.terminal.conftest import LATTE, item, make_till

pytestmark = pytest.mark.django_db
D = Decimal
LANGUAGES = ["en", "uk"]
# T0 is 12:00 in Kyiv on 10 March 2030; +3 days 13:00 UTC is 15:00 on 13 March in Kyiv,
# and +3 days 23:00 UTC is already 14 March there.
DAY = {"en": "13 March 2030", "uk": "13 березня 2030"}
NEXT_DAY = {"en": "14 March 2030", "uk": "14 березня 2030"}


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.PERKLINE_PUBLIC_URL = "https://perk.example"


def member(program, language="en", **fields):
    fields.setdefault("consent", True)
    customer = CustomerFactory(business=program.business, language=language, **fields)
    EnrolmentFactory(customer=customer, business=program.business, program=program)
    return customer


def credit(customer, program, amount, expires_at, key=Account.BONUS):
    account = ledger.get_account(customer=customer, program=program, key=key)
    return ledger.credit(account=account, amount=D(amount), at=at(-300), expires_at=expires_at)


def messages(customer, kind):
    return list(Notification.objects.filter(customer=customer, kind=kind))


def assert_clean(body):
    assert ".." not in body and "{" not in body and "  " not in body, body


# -- points expiring -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_points_expiring_names_points_day_balance_and_link_once(language):
    program = ProgramFactory(business__name="Kava Bar")
    customer = member(program, language)
    credit(customer, program, "35.00", at(days=3, hours=3))
    credit(customer, program, "5.50", at(days=3, hours=1))  # the same day: one message
    credit(customer, program, "100.00", at(days=30))  # later than 7 days: not yet
    assert tell_points_expiring(now=T0) == 1
    [message] = messages(customer, "points_expiring")
    body = message.body
    assert body.startswith("Kava Bar: ")
    assert "40.5" in body and "140.5" in body  # the expiring points, the balance
    assert DAY[language] in body
    assert f"https://perk.example/w/{program.business.slug}/" in body
    assert_clean(body)
    # the next day's run (and any later one) tells nothing more of these lots
    assert tell_points_expiring(now=at(days=1)) == 0
    assert tell_points_expiring(now=at(days=2)) == 0
    assert len(messages(customer, "points_expiring")) == 1
    # the later lot is told when it comes within the days, by itself
    assert tell_points_expiring(now=at(days=24)) == 1
    latest = Notification.objects.filter(kind="points_expiring").order_by("-pk").first()
    assert "100" in latest.body and "9 April 2030" in latest.body.replace("квітня", "April")


def test_points_expiring_a_message_per_local_day():
    program = ProgramFactory()
    customer = member(program, "uk")
    credit(customer, program, "10.00", at(days=3, hours=3))
    credit(customer, program, "20.00", at(days=3, hours=13))  # 01:00 the next day in Kyiv
    assert tell_points_expiring(now=T0) == 2
    bodies = sorted(m.body for m in messages(customer, "points_expiring"))
    assert any(DAY["uk"] in b and ": 10." in b for b in bodies), bodies
    assert any(NEXT_DAY["uk"] in b and ": 20." in b for b in bodies), bodies


def test_points_expiring_only_to_those_who_accept_messages_and_only_points():
    program = ProgramFactory()
    refused = member(program, consent=False)
    unreachable = member(program, channel="none")
    spent = member(program)
    money = member(program)
    AccountTypeFactory(program=program, key="wallet", kind="money")
    for customer in (refused, unreachable, spent):
        credit(customer, program, "10.00", at(days=2))
    credit(money, program, "10.00", at(days=2), key="wallet")
    account = ledger.get_account(customer=spent, program=program)
    ledger.spend(account=account, amount=D("10.00"), at=at(-1))
    # a setting of 1 day leaves out a lot 2 days away
    other = member(program)
    credit(other, program, "10.00", at(days=2))
    assert tell_points_expiring(now=T0, days=1) == 0
    assert tell_points_expiring(now=T0) == 1
    assert Notification.objects.filter(kind="points_expiring").get().customer == other


# -- welcome -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_welcome_on_join_names_the_business_and_the_card_link_once(language):
    program = ProgramFactory(business__name="Kava Bar", welcome_points=D("50.00"))
    CustomerCategoryFactory(program=program, key="regular", is_default=True)
    joined = join_program(
        program=program, phone="0501112233", name="Olena", consent=True, language=language
    )
    [message] = messages(joined.customer, "welcome")
    body = message.body
    assert body.startswith("Kava Bar: ")
    assert f"https://perk.example/w/{program.business.slug}/" in body
    assert {"en": "welcome", "uk": "вітаємо"}[language] in body.lower()
    assert_clean(body)
    # joining again, or another program of the business: no second welcome
    join_program(program=program, phone="0501112233")
    other = ProgramFactory(business=program.business)
    join_program(program=other, phone="0501112233")
    assert len(messages(joined.customer, "welcome")) == 1


def test_welcome_when_a_till_first_identifies_a_phone_once():
    till = make_till()
    body = {"customer": {"phone": "+380509998877"}, "positions": [item(LATTE)]}
    for key in ("a", "b"):
        response = till.client.post(
            "/api/v1/terminal/checks", body, format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 201, response.json()
    found = Notification.objects.filter(kind="welcome", business=till.business)
    assert found.count() == 1
    assert found.get().recipient == "+380509998877"


def test_a_customer_known_before_gets_no_welcome_at_the_till():
    till = make_till()
    customer = CustomerFactory(business=till.business, phone="+380509998800")
    response = till.client.post(
        "/api/v1/terminal/checks",
        {"customer": {"phone": customer.phone}, "positions": [item(LATTE)]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 201, response.json()
    assert not Notification.objects.filter(kind="welcome").exists()


# -- stamp card reward ---------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_stamp_card_reward_names_benefit_code_date_and_link(language):
    till = make_till()
    till.business.name = "Kava Bar"
    till.business.save()
    card = StampCardFactory(
        program=till.program, stamps=6, include_categories=["coffee"], reward__name="Free latte"
    )
    card.reward.valid_days = 30
    card.reward.save()
    customer = CustomerFactory(business=till.business, phone="+380501119900", language=language)
    response = till.client.post(
        "/api/v1/terminal/checks",
        {"customer": {"phone": customer.phone}, "positions": [item(LATTE, "6")]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 201, response.json()
    [issued] = response.json()["coupons_issued"]
    [message] = messages(customer, "stamp_card_reward")
    body = message.body
    benefit = {"en": "Free latte", "uk": "Free latte (uk)"}[language]
    assert body.startswith("Kava Bar: ") and benefit in body
    assert issued["code"] in body
    assert f"https://perk.example/c/{issued['code']}" in body
    assert {"en": "valid until", "uk": "діє до"}[language] in body
    assert_clean(body)
    # told as the card's reward, not a second time as a coupon issued
    assert messages(customer, "coupon_issued") == []
