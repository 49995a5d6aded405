"""A shop with a referral programme and helpers to join by a link and sell (shared by the
referral tests)."""

from decimal import Decimal

from loyalty.checks.confirm import confirm_check
from loyalty.checks.inputs import CheckInput, PositionInput
from loyalty.services.referral import referral_link
from tests.terminal.cashier.shop import make_shop


def referral_shop():
    shop = make_shop()
    shop.program.referral_referrer_points = Decimal("50.00")
    shop.program.referral_friend_series = shop.series
    shop.program.save()
    return shop


def invitation(shop):
    customer = shop.customer_with_points("0")
    return referral_link(customer=customer, program=shop.program)


def sell(shop, customer, price="60.00"):
    return confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal(price), quantity=Decimal(1)),),
            customer={"id": customer.pk},
        ),
        staff=shop.cashier,
    )
