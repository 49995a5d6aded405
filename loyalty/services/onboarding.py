"""Self-service sign-up and the first set-up of a business (the onboarding pages).

`sign_up` makes the login; `set_up_business` makes the business with its first brand,
program, point of sale and terminal key in one transaction; `apply_rule_template` adds a
suggested first rule, validated by loyalty.rules_validation like any rule.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from coupons.models import CouponSeries
from loyalty.models import Brand, PointOfSale, Program, Rule
from loyalty.rules_validation import rule_errors

from .business import create_business
from .devices import issue_device


def sign_up(*, email: str, password: str):
    """A new login for `email` (the username is the e-mail, lower case)."""
    email = email.strip().lower()
    User = get_user_model()
    taken = ValidationFailed(_("This e-mail already has a login; log in instead."), field="email")
    if User.objects.filter(username__iexact=email).exists():
        raise taken
    user = User(username=email, email=email)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="password") from error
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # the same e-mail signed up meanwhile (unique username)
        raise taken from error
    return user


def _key(text: str, fallback: str) -> str:
    return (slugify(text)[:60] or fallback).strip("-_") or fallback


@dataclass
class SetUp:
    business: object
    program: Program
    point_of_sale: PointOfSale
    device: object
    key: str  # the device key, shown once and never stored


@transaction.atomic
def set_up_business(
    *,
    owner,
    name: str,
    currency: str,
    timezone: str,
    phone_region: str,
    language: str,
    brand_name: str,
    program_name: str,
    pos_name: str,
    pos_address: str = "",
    device_name: str = "",
) -> SetUp:
    business = create_business(
        owner=owner,
        name=name,
        currency=currency,
        timezone=timezone,
        phone_region=phone_region,
        language=language,
    )
    brand = Brand.objects.create(business=business, name=brand_name or name)
    program = Program(business=business, name=program_name, key=_key(program_name, "program"))
    program.full_clean()
    program.save()
    program.brands.add(brand)
    pos = PointOfSale(
        business=business,
        program=program,
        name=pos_name,
        key=_key(pos_name, "shop"),
        address=pos_address,
    )
    pos.full_clean()
    pos.save()
    device, key = issue_device(point_of_sale=pos, kind="terminal", name=device_name)
    return SetUp(business=business, program=program, point_of_sale=pos, device=device, key=key)


# -- first rule templates --------------------------------------------------------------------

TEMPLATES = {
    "tiered": gettext_lazy("Tiered check discount: 3 percent from 500, your percent from 1000"),
    "cashback": gettext_lazy("Cashback in points on a goods category"),
    "welcome": gettext_lazy("Welcome coupon after the first purchase"),
    "category_coupon": gettext_lazy("A coupon for a customer category (e.g. birthday month)"),
}


def _coupon_series(program, *, key, name, percent: Decimal, valid_days: int):
    """A series made on issue whose coupons give `percent` off the check."""
    reward = _rule(
        program,
        {
            "key": f"{key}-reward",
            "name": name,
            "mode": Rule.Mode.COUPON,
            "action": Rule.Action.DISCOUNT_CHECK_PERCENT,
            "value": percent,
        },
    )
    series = CouponSeries(
        business=program.business,
        program=program,
        key=key,
        name=name,
        title={program.business.language: name},
        reward_rule=reward,
        validity_type=CouponSeries.Validity.RELATIVE,
        valid_days=valid_days,
    )
    series.full_clean()
    series.save()
    return series


def _rule(program, data: dict, categories=()):
    links = {"customer_categories": list(categories)} if categories else {}
    errors = rule_errors(program=program, data={**data, **links})
    if errors:
        field, message = next(iter(errors.items()))
        raise ValidationFailed(message, field=field)
    if Rule.objects.filter(program=program, key=data["key"]).exists():
        raise ValidationFailed(
            _("The program already has a rule “%(key)s”.") % {"key": data["key"]}, field="key"
        )
    rule = Rule.objects.create(business=program.business, program=program, **data)
    if categories:
        rule.customer_categories.set(categories)
    return rule


@transaction.atomic
def apply_rule_template(
    *,
    program,
    template: str,
    percent: Decimal,
    goods_category: str = "",
    customer_category=None,
    valid_days: int = 30,
) -> Rule:
    """Create the rule(s) of `template`; returns the rule that applies at the till."""
    if template == "tiered":
        rule = _rule(
            program,
            {
                "key": "tiered-discount",
                "name": _("Tiered discount"),
                "action": Rule.Action.DISCOUNT_CHECK_PERCENT,
                "depends_measure": Rule.Measure.AMOUNT,
                "depends_period": Rule.Period.CHECK,
                "thresholds": [
                    {"from": "500.00", "value": "3.00"},
                    {"from": "1000.00", "value": str(percent)},
                ],
            },
        )
    elif template == "cashback":
        if not goods_category:
            raise ValidationFailed(_("Enter the code of a goods category."), field="goods_category")
        rule = _rule(
            program,
            {
                "key": f"cashback-{_key(goods_category, 'category')}",
                "name": _("Cashback on %(category)s") % {"category": goods_category},
                "action": Rule.Action.CREDIT_GOODS_PERCENT,
                "value": percent,
                "include_categories": [goods_category],
            },
        )
    elif template == "welcome":
        series = _coupon_series(
            program, key="welcome", name=_("Welcome coupon"), percent=percent, valid_days=valid_days
        )
        rule = _rule(
            program,
            {
                "key": "welcome-coupon",
                "name": _("Welcome coupon after the first purchase"),
                "action": Rule.Action.ISSUE_COUPON_CHECK,
                "applies_to_sales": Rule.AppliesTo.FIRST,
                "customer_identity": Rule.Identity.IDENTIFIED,
                "coupon_series": series,
                "coupon_quantity": 1,
            },
        )
    elif template == "category_coupon":
        if customer_category is None or customer_category.program_id != program.pk:
            raise ValidationFailed(
                _("Choose a customer category of this program."), field="customer_category"
            )
        key = _key(customer_category.key, "category")
        series = _coupon_series(
            program,
            key=f"{key}-coupon",
            name=_("Coupon for %(category)s") % {"category": customer_category.name},
            percent=percent,
            valid_days=valid_days,
        )
        rule = _rule(
            program,
            {
                "key": f"{key}-coupon-issue",
                "name": _("Coupon for %(category)s") % {"category": customer_category.name},
                "action": Rule.Action.ISSUE_COUPON_CHECK,
                "customer_identity": Rule.Identity.IDENTIFIED,
                "coupon_series": series,
                "coupon_quantity": 1,
            },
            categories=[customer_category],
        )
    else:
        raise ValidationFailed(_("Choose a template."), field="template")
    Program.bump_version(program.pk)
    return rule
