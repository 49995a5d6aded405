"""One coffee shop with everything the cashier, kiosk and public page tests need.

Shared by tests/terminal/cashier, tests/terminal/public and tests/browser (one helper per kind
of setup).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from customers import ledger
from loyalty.checks.ruleset import clear_cache
from loyalty.models import Membership, Rule
from tests.factories import (
    CertificateSeriesFactory,
    CouponSeriesFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    GiftCertificateFactory,
    GoodsCategoryFactory,
    GoodsFactory,
    MembershipFactory,
    PointOfSaleFactory,
    ProgramFactory,
    RuleFactory,
    UserFactory,
)

D = Decimal
PASSWORD = "pass-word-123"


@dataclass
class Shop:
    business: object
    program: object
    pos: object
    other_pos: object
    cashier: object
    manager: object
    customer: object
    series: object
    manual_rule: object
    goods: dict = field(default_factory=dict)

    def customer_with_points(self, points="100.00", **fields):
        customer = CustomerFactory(business=self.business, **fields)
        EnrolmentFactory(customer=customer, business=self.business, program=self.program)
        if Decimal(points):
            give_points(customer, self.program, points)
        return customer

    def free_coupon(self, series=None):
        from coupons.services import issue_coupons

        (coupon,) = issue_coupons(series=series or self.series, quantity=1, at=timezone.now())
        return coupon

    def wallet_coupon(self, customer, series=None):
        from coupons.services import issue_coupons

        (coupon,) = issue_coupons(
            series=series or self.series, quantity=1, at=timezone.now(), customer=customer
        )
        return coupon

    def certificate(self, **fields):
        cert = GiftCertificateFactory(program=self.program, business=self.business, **fields)
        CertificateSeriesFactory(certificate=cert, series=self.series, count=2)
        return cert


def give_points(customer, program, amount):
    account = ledger.get_account(customer=customer, program=program, key="bonus")
    ledger.credit(account=account, amount=D(amount), at=timezone.now(), reason="test")


def make_shop(*, name=None, slug=None, cashier_email=None, manager_email=None) -> Shop:
    clear_cache()
    extra = {"name": name, "slug": slug}
    program = ProgramFactory(
        business__timezone="Europe/Kyiv",
        **{f"business__{k}": v for k, v in extra.items() if v},
    )
    business = program.business
    regular = CustomerCategoryFactory(
        program=program, key="regular", name="Regular", is_default=True
    )
    pos = PointOfSaleFactory(program=program, key="center", name="Center")
    other_pos = PointOfSaleFactory(program=program, key="mall", name="Mall")
    coffee = GoodsCategoryFactory(business=business, code="coffee", name="Coffee")
    bakery = GoodsCategoryFactory(business=business, code="bakery", name="Bakery")
    goods = {
        "LATTE": GoodsFactory(
            business=business, code="LATTE", title="Latte", price=D("60.00"), category=coffee
        ),
        "CROISSANT": GoodsFactory(
            business=business,
            code="CROISSANT",
            title="Croissant",
            price=D("45.00"),
            category=bakery,
        ),
        "BEANS": GoodsFactory(
            business=business,
            code="BEANS",
            title="Coffee beans",
            price=D("350.00"),
            category=coffee,
        ),
    }
    RuleFactory(
        program=program,
        key="cashback",
        name="Cashback",
        explanation="5% back in points",
        action=Rule.Action.CREDIT_CHECK_PERCENT,
        value=D("5"),
        priority=10,
    )
    manual_rule = RuleFactory(
        program=program,
        key="staff-meal",
        name="Staff meal",
        explanation="20% off for staff",
        mode=Rule.Mode.MANUAL,
        action=Rule.Action.DISCOUNT_CHECK_PERCENT,
        value=D("20"),
        priority=1,
    )
    series = CouponSeriesFactory(
        program=program,
        business=business,
        key="welcome",
        name="Welcome",
        title={"en": "Welcome 10% off", "uk": "Вітальна знижка 10%"},
        description={"en": "Ten percent off any check.", "uk": "Десять відсотків знижки."},
    )
    cashier = UserFactory(**({"email": cashier_email} if cashier_email else {}))
    membership = MembershipFactory(business=business, user=cashier, role=Membership.CASHIER)
    membership.points_of_sale.add(pos)
    manager = UserFactory(**({"email": manager_email} if manager_email else {}))
    MembershipFactory(business=business, user=manager, role=Membership.MANAGER)
    customer = CustomerFactory(business=business, name="Olena", phone="+380501112233")
    EnrolmentFactory(customer=customer, business=business, program=program, category=regular)
    give_points(customer, program, "100.00")
    return Shop(
        business=business,
        program=program,
        pos=pos,
        other_pos=other_pos,
        cashier=cashier,
        manager=manager,
        customer=customer,
        series=series,
        manual_rule=manual_rule,
        goods=goods,
    )
