"""R20 in a real browser: the main pages run under the Content-Security-Policy without a
single violation, and the scripts moved out of the templates still do their work."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.deploy.csp_pages import main_pages
from tests.terminal.cashier.conftest import logged_in
from tests.terminal.cashier.shop import make_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, live_server, page):
    client = logged_in(page.user, page.pos) if page.user else Client()
    session = client.cookies.get("sessionid")
    context.clear_cookies()
    if session:
        context.add_cookies([{"name": "sessionid", "value": session.value, "url": live_server.url}])


def test_main_pages_log_no_policy_violation(live_server, tablet):
    shop = make_shop()
    violations = []
    tablet.on(
        "console",
        lambda message: (
            violations.append(f"{tablet.url}: {message.text}")
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    for page in main_pages(shop):
        sign_in(tablet.context, live_server, page)
        response = tablet.goto(f"{live_server.url}{page.url}")
        assert response.status == 200, page.name
        assert "script-src 'self'" in response.headers["content-security-policy"], page.name
        tablet.wait_for_load_state("networkidle")
        if page.name == "series form":
            # series_form.js fills the code example with its (translated) labels.
            # (A locator wait: wait_for_function's string predicate is an eval.)
            expect(tablet.locator("[data-code-example] span")).to_contain_text("bits of entropy")
        if page.name == "job":
            # job.js sets the bar's width from data-percent (no inline style).
            width = tablet.eval_on_selector(".progress__bar", "el => el.style.width")
            assert width == "25%"
        if page.name in ("receipt", "codes print"):
            # The print button's listener comes from print.js (no onclick).
            tablet.evaluate("window.print = () => { window.printed = true; }")
            tablet.click("[data-print]")
            assert tablet.evaluate("window.printed") is True
    assert violations == []
    assert tablet.js_errors == []


def test_api_docs_render_under_their_policy(live_server, tablet):
    violations = []
    tablet.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    tablet.goto(f"{live_server.url}/api/docs/")
    tablet.wait_for_selector(".swagger-ui .info .title")
    assert "Perkline" in tablet.inner_text(".swagger-ui .info .title")
    assert violations == []
