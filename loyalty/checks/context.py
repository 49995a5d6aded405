"""Builds the engine's input for one check: customer, coupons, history.

Shared by evaluate (reads only) and confirm (which calls it again under row locks).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone as dj_timezone
from django.utils.translation import gettext as _

from core.errors import NotFound, ValidationFailed
from coupons import services as coupon_services
from coupons.codes import normalize_code
from coupons.models import Coupon
from customers import selectors as customer_selectors
from customers.models import Customer
from customers.phones import normalize_phone
from customers.services import normalize_card
from loyalty import engine
from loyalty.models import Business, PointOfSale, Program

from . import payments
from .history import customer_history
from .inputs import CheckInput
from .ruleset import load_program_rules

CENT = Decimal("0.01")
MAX_AHEAD = timedelta(minutes=5)
MAX_BACK = timedelta(days=30)


@dataclass
class PresentedCoupon:
    ref: str  # as presented, canonical when found
    coupon: Coupon | None
    refusal: str | None  # error code, or None when usable


@dataclass
class CheckContext:
    point_of_sale: PointOfSale
    program: Program
    business: Business
    at: datetime
    customer: Customer | None
    new_phone: str  # an unknown phone that confirm will register (auto_register)
    compiled: object
    engine_check: engine.Check
    coupons: list[PresentedCoupon] = field(default_factory=list)
    category_key: str | None = None
    settings: engine.ProgramSettings | None = None
    # payments.md: set by checks.payments.attach
    payment_requests: tuple = ()
    account_sources: dict = field(default_factory=dict)
    gift_card_sources: dict = field(default_factory=dict)
    gift_cards: dict = field(default_factory=dict)
    sale_lines: list = field(default_factory=list)


def check_time(value: datetime | None) -> datetime:
    now = dj_timezone.now()
    if value is None:
        return now
    if dj_timezone.is_naive(value):
        raise ValidationFailed(_("The time must include a UTC offset."), field="time")
    if value > now + MAX_AHEAD:
        raise ValidationFailed(_("The time may not lie more than 5 minutes ahead."), field="time")
    if value < now - MAX_BACK:
        raise ValidationFailed(_("The time may not lie more than 30 days back."), field="time")
    return value


def resolve_customer(*, business, program, ref: dict | None, at=None, lock: bool = False):
    """(customer or None, unknown phone to register or ""); the customer comes with
    `program_category` and `spendable_bonus` (customers.selectors.customer_for_check)."""
    if not ref:
        return None, ""

    def find(**lookup):
        return customer_selectors.customer_for_check(
            business_id=business.pk,
            program_id=program.pk,
            at=at or dj_timezone.now(),
            lock=lock,
            **lookup,
        )

    if ref.get("id") is not None:
        customer = find(id=ref["id"])
        if customer is None:
            raise NotFound(_("No such customer."), field="customer.id")
        return customer, ""
    if ref.get("card"):
        card = normalize_card(ref["card"])
        customer = find(card_code=card)
        if customer is None:
            raise NotFound(_("No customer with this card."), field="customer.card")
        return customer, ""
    if ref.get("phone"):
        try:
            phone = normalize_phone(ref["phone"], business.phone_region)
        except ValidationFailed as exc:
            exc.field = "customer.phone"
            raise
        customer = find(phone=phone)
        if customer is not None:
            return customer, ""
        if program.auto_register:
            return None, phone
        raise NotFound(_("No customer with this phone."), field="customer.phone")
    raise ValidationFailed(_("Give the customer's phone, card or id."), field="customer")


def build_context(*, point_of_sale, data: CheckInput, lock: bool = False) -> CheckContext:
    program = point_of_sale.program
    business = point_of_sale.business
    at = check_time(data.time)
    compiled = load_program_rules(program)
    customer, new_phone = resolve_customer(
        business=business, program=program, ref=data.customer, at=at, lock=lock
    )
    identified = customer is not None or bool(new_phone)

    category_key = None
    spendable = Decimal("0.00")
    has_sales = False
    history = {}
    if customer is not None:
        category_key = customer.program_category
        spendable = customer.spendable_bonus
        history_rules = engine.history_rules(compiled.ruleset)
        if history_rules or compiled.ruleset.asks_for_past_sales:  # else one query less
            has_sales, history = customer_history(
                customer_id=customer.pk,
                program_id=program.pk,
                rules=history_rules,
                at=at,
                timezone=business.timezone,
            )
    elif new_phone:
        default = program.customer_categories.filter(is_default=True).first()
        category_key = default.key if default else None

    presented = present_coupons(
        business=business,
        codes=data.coupons,
        customer=customer,
        point_of_sale=point_of_sale,
        at=at,
        check_amount=sum(
            ((p.price * p.quantity).quantize(CENT, ROUND_HALF_UP) for p in data.positions),
            Decimal("0.00"),
        ),
        identified=identified,
        lock=lock,
    )
    applications = tuple(
        engine.CouponApplication(ref=p.ref, rule_id=p.coupon.series.reward_rule_id)
        for p in presented
        if p.refusal is None and p.coupon.series.reward_rule_id
    )
    engine_customer = None
    if identified:
        engine_customer = engine.Customer(
            id=customer.pk if customer else None,
            category=category_key,
            has_completed_sales=has_sales,
            spendable_points=spendable,
            birthday=customer.birthday if customer else None,
        )
    check = engine.Check(
        time=at,
        timezone=business.timezone,
        point_of_sale=point_of_sale.key,
        positions=tuple(
            engine.Position(
                code=p.code, title=p.title, category=p.category, price=p.price, quantity=p.quantity
            )
            for p in data.positions
        ),
        customer=engine_customer,
        manual_rule_ids=tuple(data.manual_rules),
        coupons=applications,
        pay_with_points=data.pay_with_points,
        history=history,
    )
    ctx = CheckContext(
        point_of_sale=point_of_sale,
        program=program,
        business=business,
        at=at,
        customer=customer,
        new_phone=new_phone,
        compiled=compiled,
        engine_check=check,
        coupons=presented,
        category_key=category_key,
        settings=engine.ProgramSettings(
            max_points_share=program.max_points_share,
            credit_on_points_payment=program.credit_on_points_payment,
        ),
    )
    if data.payments or data.gift_cards_sold:
        payments.attach(ctx, data, lock=lock)
    return ctx


def present_coupons(
    *, business, codes, customer, point_of_sale, at, check_amount, lock, identified=True
):
    """Each presented code with its coupon and the reason it cannot be used, if any."""
    if not codes:
        return []
    normalized = [normalize_code(code) for code in codes]
    qs = Coupon.objects.filter(
        business_id=business.pk, code_norm__in=normalized, is_stock=False
    ).select_related("series")
    if lock:
        qs = qs.select_for_update(of=("self",)).order_by("pk")
    found = {c.code_norm: c for c in qs}
    presented, seen = [], set()
    for raw, norm in zip(codes, normalized, strict=True):
        coupon = found.get(norm)
        if coupon is None:
            presented.append(PresentedCoupon(ref=raw, coupon=None, refusal="coupon_not_found"))
            continue
        if norm in seen:
            presented.append(
                PresentedCoupon(ref=coupon.code, coupon=coupon, refusal="coupon_already_redeemed")
            )
            continue
        seen.add(norm)
        refusal = coupon_services.coupon_refusal(
            coupon=coupon,
            customer=customer,
            point_of_sale=point_of_sale,
            at=at,
            check_amount=check_amount,
        )
        if refusal is None and coupon.series.reward_rule_id is None and not identified:
            refusal = "customer_required"  # a top-up needs an account to credit
        presented.append(PresentedCoupon(ref=coupon.code, coupon=coupon, refusal=refusal))
    return presented
