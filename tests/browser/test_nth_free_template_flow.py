"""promotions.md "Templates": the owner builds "third coffee free" from the guided set-up's
template in under 10 clicks; the cashier rings up 3 coffees and the check shows one free."""

import pytest
from playwright.sync_api import expect

from loyalty.models import Rule

from .test_cashier_flow import open_till
from .test_stamp_card_flow import owner_at_templates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_builds_third_coffee_free_and_the_cashier_sees_the_discount(
    live_server, tablet, browser, shoot
):
    shop, context, page, clicks, errors = owner_at_templates(live_server, browser)
    with page.expect_navigation():
        clicks.click("[data-testid=promotion-templates] a[data-template=nth_free]")
    page.fill("input[name=goods_category]", "coffee")
    page.fill("input[name=every]", "3")
    shoot(page, "nth-free-01-template")
    with page.expect_navigation():
        clicks.click("form.form button[type=submit].btn--primary")
    body = page.inner_text("body")
    assert "coffee: 1 free in every 3" in body
    assert "every 3 units: the 1 cheapest 100% off" in body
    shoot(page, "nth-free-02-rules")
    assert clicks.count < 10, clicks.count
    rule = Rule.objects.get(program=shop.program, action=Rule.Action.DISCOUNT_CHEAPEST)
    assert (rule.group_size, rule.free_count, rule.include_categories) == (3, 1, ["coffee"])
    assert errors == []
    context.close()

    # The cashier rings up three lattes: one is free.
    page = tablet
    open_till(page, live_server)
    page.fill("#goods-search", "LATTE")
    page.press("#goods-search", "Enter")
    page.wait_for_selector("#lines tr:first-child input")
    page.fill("#lines tr:first-child input", "3")
    expect(page.locator("[data-testid=money-to-pay]")).to_contain_text("120.00")
    result = page.inner_text("[data-testid=result]")
    assert "coffee: 1 free in every 3" in result
    assert "60.00" in result
    shoot(page, "nth-free-03-check")
    assert page.js_errors == []
