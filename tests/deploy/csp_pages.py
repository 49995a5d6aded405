"""The main pages of each kind, with what they need to render fully, for the R20 tests
(tests/deploy/test_csp.py renders them, tests/browser/test_csp.py opens them in Chromium)."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from coupons.models import CodeJob
from loyalty.checks import CheckInput, PositionInput, confirm_check
from loyalty.models import Membership, Sale
from tests.factories import MembershipFactory, UserFactory
from tests.terminal.cashier.shop import Shop


@dataclass
class Page:
    name: str
    url: str
    user: object = None  # None: an anonymous visitor
    pos: object = None  # the cashier's point of sale in the session


def main_pages(shop: Shop) -> list[Page]:
    owner = UserFactory()
    MembershipFactory(business=shop.business, user=owner, role=Membership.OWNER)
    answer = confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal("60.00"), quantity=Decimal(1)),),
            customer={"id": shop.customer.pk},
        ),
        staff=shop.cashier,
    )
    sale = Sale.objects.get(pk=answer.body["sale"]["id"])
    running = CodeJob.objects.create(
        business=shop.business, series=shop.series, kind="generate", state="running", total=200,
        done=50,
    )  # fmt: skip
    certificate = shop.certificate()
    coupon = shop.free_coupon()
    return [
        Page("login", reverse("panel:login")),
        Page("dashboard", reverse("panel:home"), owner),
        Page("series form", reverse("panel:series_create"), owner),
        Page("series detail", reverse("panel:series_detail", args=[shop.series.pk]), owner),
        Page("job", reverse("panel:code_job", args=[running.pk]), owner),
        Page(
            "codes print",
            reverse("panel:certificate_codes_print", args=[certificate.pk]),
            owner,
        ),
        Page("cashier check", reverse("cashier:check"), shop.cashier, shop.pos),
        Page("receipt", reverse("cashier:receipt", args=[sale.pk]), shop.cashier, shop.pos),
        Page("kiosk", reverse("kiosk:page")),
        Page("public coupon", reverse("public:coupon", args=[coupon.code])),
    ]
