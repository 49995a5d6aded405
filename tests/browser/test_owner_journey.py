"""A new owner, from sign-up to the first sales on the dashboard, in English and Ukrainian.

Sign up, guided set-up (business, brand, program, point of sale, terminal key shown once),
a rule with thresholds and a schedule, a coupon-reward rule, a coupon series rewarding it
with its promotion QR downloaded as PNG, a gift certificate bundling the series, two sales
through the domain service, and the dashboard figures. Every step is screenshotted to
test-artifacts/screens/owner-<lang>-NN-<step>.png.
"""

import io
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from PIL import Image

from certificates.models import GiftCertificate
from coupons.models import CouponSeries
from loyalty.checks import CheckInput, PositionInput, confirm_check
from loyalty.models import Device, Membership, PointOfSale, Program, Rule, Sale

from .owner_steps import PASSWORD, errors_on, fill, submit, switch_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
D = Decimal
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Journey:
    """Numbers the screenshots of one language's run."""

    def __init__(self, page, shoot, lang):
        self.page, self.shoot, self.lang, self.n = page, shoot, lang, 0

    def snap(self, step):
        self.n += 1
        self.shoot(self.page, f"owner-{self.lang}-{self.n:02d}-{step}")


def weekday_noon():
    """The latest Monday-Friday 12:00 in Kyiv that has passed: inside the rule's schedule
    whenever the test runs (a terminal may send a sale time up to 30 days back)."""
    kyiv = ZoneInfo("Europe/Kyiv")
    at = timezone.now().astimezone(kyiv).replace(hour=12, minute=0, second=0, microsecond=0)
    while at > timezone.now() or at.isoweekday() > 5:
        at -= timedelta(days=1)
    return at


def sell(pos, amount):
    data = CheckInput(
        positions=(PositionInput(code="COFFEE", price=D(amount), quantity=D("1"), title="Coffee"),),
        time=weekday_noon(),
    )
    return confirm_check(point_of_sale=pos, data=data).body


@pytest.mark.parametrize("lang", ["en", "uk"])
def test_new_owner_sets_up_and_sees_first_sales(live_server, tablet, shoot, lang):
    page = tablet
    steps = Journey(page, shoot, lang)
    url = live_server.url
    email = f"owner-{lang}@example.com"

    # 1. Sign up, in the chosen language (the switcher is on the sign-up page).
    page.goto(f"{url}/signup/")
    switch_language(page, lang)
    steps.snap("signup")
    fill(page, {"email": email, "password": PASSWORD, "password_again": PASSWORD})
    submit(page)
    assert page.url.endswith("/onboarding/"), errors_on(page)
    owner = get_user_model().objects.get(username=email)

    # 2. Guided set-up: business, brand, program, point of sale, terminal.
    steps.snap("setup")
    fill(
        page,
        {
            "name": "Kavarnia Lypa",
            "currency": "UAH",
            "timezone": "Europe/Kyiv",
            "phone_region": "UA",
            "brand_name": "Lypa",
            "program_name": "Lypa club",
            "pos_name": "Podil",
            "pos_address": "Kyiv, Sahaidachnoho 1",
            "device_name": "Till 1",
        },
    )
    steps.snap("setup-filled")
    submit(page)
    assert page.url.endswith("/onboarding/key/"), errors_on(page)
    business = Membership.objects.get(user=owner).business
    assert (business.currency, business.timezone, business.phone_region) == (
        "UAH",
        "Europe/Kyiv",
        "UA",
    )
    program = Program.objects.get(business=business)
    pos = PointOfSale.objects.get(business=business)
    device = Device.objects.get(business=business)

    # 3. The terminal key, visible once.
    key = page.locator("#device-key")
    assert key.is_visible()
    shown_key = key.inner_text().strip()
    assert len(shown_key) >= 20 and shown_key.startswith(device.key_prefix)
    steps.snap("terminal-key")
    page.goto(f"{url}/onboarding/key/")
    assert shown_key not in page.content()  # a reload does not show it again
    assert page.url.endswith("/devices/")
    steps.snap("key-gone")

    # 4. A rule with thresholds and a schedule: 3% from 0, 5% from 200, Mon-Fri 08-20.
    page.goto(f"{url}/programs/{program.pk}/rules/new/")
    fill(
        page,
        {
            "name": "Weekday check discount",
            "key": "weekday-check",
            "explanation": "Weekday discount",
            "mode": "auto",
            "action": "discount_check_percent",
            "depends_measure": "amount",
            "depends_period": "check",
            "thresholds-0-start": "0",
            "thresholds-0-value": "3",
            "thresholds-1-start": "200",
            "thresholds-1-value": "5",
            "weekdays": [1, 2, 3, 4, 5],
            "time_from": "08:00",
            "time_to": "20:00",
        },
    )
    steps.snap("rule-form")
    submit(page)
    rule = Rule.objects.filter(program=program, key="weekday-check").first()
    assert rule is not None, errors_on(page)
    assert rule.thresholds == [{"from": "0", "value": "3"}, {"from": "200", "value": "5"}] or [
        (D(r["from"]), D(r["value"])) for r in rule.thresholds
    ] == [(D("0"), D("3")), (D("200"), D("5"))]
    assert sorted(rule.weekdays) == [1, 2, 3, 4, 5]
    assert (rule.time_from.strftime("%H:%M"), rule.time_to.strftime("%H:%M")) == ("08:00", "20:00")
    steps.snap("rule-saved")

    # 5. A coupon-mode rule to reward the series with.
    page.goto(f"{url}/programs/{program.pk}/rules/new/")
    fill(
        page,
        {
            "name": "Coupon: 10% off",
            "key": "coupon-10",
            "mode": "coupon",
            "action": "discount_check_percent",
            "value": "10",
        },
    )
    steps.snap("coupon-rule-form")
    submit(page)
    reward = Rule.objects.filter(program=program, key="coupon-10").first()
    assert reward is not None, errors_on(page)
    page.goto(f"{url}/programs/{program.pk}/rules/")
    steps.snap("rule-list")

    # 6. A coupon series: codes made on issue, valid 30 days, rewarding the coupon rule.
    page.goto(f"{url}/coupons/new/")
    fill(
        page,
        {
            "program": program.pk,
            "key": "welcome",
            "name": "Welcome coupon",
            "reward_kind": "rule",
            "reward_rule": reward.pk,
            "validity_type": "relative",
            "valid_days": "30",
            "code_mode": "on_issue",
        },
    )
    steps.snap("series-form")
    submit(page)
    series = CouponSeries.objects.filter(business=business, key="welcome").first()
    assert series is not None, errors_on(page)
    assert (series.code_mode, series.validity_type, series.valid_days, series.reward_rule_id) == (
        "on_issue",
        "relative",
        30,
        reward.pk,
    )
    page.goto(f"{url}/coupons/{series.pk}/")
    steps.snap("series-detail")

    # 7. The promotion link's QR as a PNG download.
    link = page.locator(f"a[href*='/coupons/{series.pk}/qr.png'][href*='download=1']").first
    with page.expect_download() as info:
        link.click()
    download = info.value
    with open(download.path(), "rb") as fh:
        png = fh.read()
    assert png.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 100
    assert download.suggested_filename.endswith(".png")

    # 8. A gift certificate bundling the series.
    page.goto(f"{url}/certificates/new/")
    fill(
        page,
        {
            "program": program.pk,
            "name": "Gift set",
            "key": "gift-set",
            "public_code": "LYPA2025",
            "bundle-0-series": series.pk,
            "bundle-0-count": "2",
        },
    )
    steps.snap("certificate-form")
    submit(page)
    certificate = GiftCertificate.objects.filter(business=business, key="gift-set").first()
    assert certificate is not None, errors_on(page)
    assert list(certificate.bundle.values_list("series_id", "count")) == [(series.pk, 2)]
    steps.snap("certificate-saved")

    # 9. Two sales through the domain service, then the dashboard.
    # 250 reaches the 200 row (5% = 12.50), 100 only the 0 row (3% = 3.00).
    sell(pos, "250.00")
    sell(pos, "100.00")
    sales = Sale.objects.filter(business=business, status=Sale.COMPLETED).order_by("pk")
    assert [s.discount for s in sales] == [D("12.50"), D("3.00")]
    page.goto(f"{url}/")
    tiles = page.locator(".tile").all_inner_texts()
    steps.snap("dashboard")
    assert any(t.split()[0] == "2" for t in tiles), tiles
    assert any(t.replace("\u00a0", "").split()[0] == "350" for t in tiles), tiles
    assert any(t.split()[0] == "16" for t in tiles), tiles  # 15.50 of discounts, no decimals
    assert page.get_attribute("html", "lang") == lang
    assert page.js_errors == []
