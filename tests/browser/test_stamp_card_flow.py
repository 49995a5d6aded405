"""promotions.md "Must show": the owner builds "every 6th coffee free" as a stamp card from
the guided set-up's template in under 10 clicks; the cashier rings up the customer's 6th
coffee and the receipt shows the reward."""

import pytest
from rest_framework.test import APIClient

from coupons.models import Coupon
from loyalty.models import Membership, StampCard
from loyalty.services.devices import issue_device
from tests.factories import MembershipFactory, UserFactory
from tests.terminal.cashier.shop import PASSWORD, make_shop

from .test_cashier_flow import open_till

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clicks:
    """Counts the owner's clicks (ticks included): the promise is "under 10"."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, selector):
        self.count += 1
        self.page.click(selector)

    def check(self, selector):
        self.count += 1
        self.page.check(selector)


def owner_at_templates(live_server, browser):
    """A shop and its owner signed in on the guided set-up's templates (1280 px, en):
    (shop, context, page, clicks, page errors); the sign-in's click is counted."""
    shop = make_shop(name="Coffee Lab", cashier_email="cashier@example.com")
    owner = UserFactory(email="owner@example.com")
    MembershipFactory(business=shop.business, user=owner, role=Membership.OWNER)
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    clicks = Clicks(page)
    page.goto(f"{live_server.url}/login/?next=/onboarding/rules/")
    page.fill("input[name=username]", "owner@example.com")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        clicks.click("button[type=submit]")
    return shop, context, page, clicks, errors


def test_owner_builds_the_card_and_the_sixth_coffee_gets_the_reward(
    live_server, tablet, browser, shoot
):
    # The owner: sign in, straight to the guided set-up's templates.
    shop, context, page, clicks, errors = owner_at_templates(live_server, browser)
    clicks.check("input[name=template][value=stamp_card]")
    page.fill("input[name=goods_category]", "coffee")
    assert page.input_value("input[name=stamps]") == "6"
    shoot(page, "stamps-01-template")
    with page.expect_navigation():
        clicks.click("form.form button[type=submit].btn--primary")
    assert "stamp card" in page.inner_text("body").lower()
    shoot(page, "stamps-02-card-list")
    assert clicks.count < 10, clicks.count
    card = StampCard.objects.get(program=shop.program)
    assert card.stamps == 6
    assert errors == []
    context.close()

    # Olena's first five coffees, through a POS over the terminal API.
    _device, key = issue_device(point_of_sale=shop.pos, kind="terminal", name="POS")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    latte = {"code": "LATTE", "title": "Latte", "category": "coffee", "price": "60.00"}
    for i in range(5):
        response = api.post(
            "/api/v1/terminal/checks",
            {"customer": {"phone": shop.customer.phone}, "positions": [{**latte, "quantity": "1"}]},
            format="json",
            HTTP_IDEMPOTENCY_KEY=f"coffee-{i}",
        )
        assert response.status_code == 201, response.json()

    # The cashier rings up the sixth.
    page = tablet
    open_till(page, live_server)
    page.fill("#identify-value", "050 111 22 33")
    page.click("#identify button[type=submit]")
    page.wait_for_selector(".customer__name")
    page.fill("#goods-search", "LATTE")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("[data-testid=stamps]")
    stamps = page.inner_text("[data-testid=stamps]")
    assert "0 of 6" in stamps and "Card full" in stamps  # filled: the next card starts empty
    page.click("#confirm")
    page.wait_for_url("**/terminal/sales/*/")
    receipt = page.inner_text("[data-testid=receipt]")
    shoot(page, "stamps-03-receipt")
    assert "Card full: 1 reward" in receipt
    assert "Free coffee" in receipt
    reward = Coupon.objects.get(series=card.reward)
    assert reward.customer_id == shop.customer.pk
    assert reward.code in receipt
    assert page.js_errors == []
