"""Rows the dashboard and the reports read: sales with applied rules, ledger entries, coupon
events and certificate activations, written directly (the figures only read them)."""

from datetime import timedelta
from decimal import Decimal

from certificates.models import Activation
from coupons.models import Coupon, CouponEvent
from customers.models import Account, LedgerEntry
from loyalty.models import Rule, Sale, SaleRule
from tests.factories import (
    T0,
    AccountFactory,
    CouponFactory,
    CouponSeriesFactory,
    CustomerFactory,
    GiftCertificateFactory,
    PointOfSaleFactory,
    RuleFactory,
    SaleFactory,
)

D = Decimal
# T0 is 12:00 in Kyiv; the dashboard's default range ends "today", so tests pass explicit dates.


def sale(
    program,
    *,
    when=T0,
    customer=None,
    amount="100.00",
    discount="0.00",
    pos=None,
    rules=(),
    status=Sale.COMPLETED,
    external_id="",
):
    row = SaleFactory(
        program=program,
        pos=pos,
        customer=customer,
        time=when,
        status=status,
        external_id=external_id,
        amount=D(amount),
        discount=D(discount),
    )
    for order, (rule, rule_discount, credit) in enumerate(rules, start=1):
        SaleRule.objects.create(
            business=program.business,
            sale=row,
            rule=rule,
            rule_key=rule.key,
            order=order,
            discount=D(rule_discount),
            credit=D(credit),
        )
    return row


def entry(account, kind, amount, *, when=T0, sale=None, reason=""):
    return LedgerEntry.objects.create(
        business=account.business,
        account=account,
        amount=D(amount),
        kind=kind,
        sale=sale,
        reason=reason,
        created_at=when,
    )


def account(program, customer=None):
    customer = customer or CustomerFactory(business=program.business)
    return AccountFactory(
        business=program.business, customer=customer, program=program, key=Account.BONUS
    )


def coupon_event(series, to_state, *, when=T0, from_state="", customer=None, sale=None):
    coupon = CouponFactory(series=series, state=to_state, customer=customer)
    return CouponEvent.objects.create(
        business=series.business,
        coupon=coupon,
        series=series,  # as coupons.services writes every event (the series' copy)
        from_state=from_state,
        to_state=to_state,
        at=when,
        actor_kind="system",
        customer=customer,
        sale=sale,
    )


def activation(certificate, customer, *, when=T0, code="GIFT"):
    return Activation.objects.create(
        business=certificate.business,
        certificate=certificate,
        code=code,
        customer=customer,
        at=when,
        channel="terminal",
        coupons_given=1,
    )


def populate(program, *, sales=3, start=T0):
    """A bit of everything for `program`, `sales` identified sales from `start` on."""
    business = program.business
    pos = PointOfSaleFactory(program=program, business=business)
    rule = Rule.objects.filter(program=program, key="tiered").first() or RuleFactory(
        program=program, business=business, key="tiered", name="Tiered"
    )
    credit_rule = Rule.objects.filter(program=program, key="cashback").first() or RuleFactory(
        program=program,
        business=business,
        key="cashback",
        name="Cashback",
        action="credit_check_percent",
    )
    series = CouponSeriesFactory(program=program, business=business)
    certificate = GiftCertificateFactory(program=program, business=business)
    for n in range(sales):
        when = start + timedelta(hours=n)
        customer = CustomerFactory(business=business)
        row = sale(
            program,
            when=when,
            customer=customer,
            pos=pos,
            discount="5.00",
            rules=[(rule, "5.00", "0.00"), (credit_rule, "0.00", "2.00")],
        )
        acc = account(program, customer)
        entry(acc, LedgerEntry.Kind.CREDIT, "2.00", when=when, sale=row)
        entry(acc, LedgerEntry.Kind.DEBIT, "-1.00", when=when, sale=row)
        coupon_event(
            series, Coupon.State.IN_WALLET, when=when, from_state="free", customer=customer
        )
        activation(certificate, customer, when=when)
    return {"pos": pos, "rule": rule, "series": series, "certificate": certificate}
