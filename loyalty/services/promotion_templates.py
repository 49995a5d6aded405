"""The guided set-up's promotion templates (promotions.md "Templates"): each saves a working
rule (or, for tiers, the tiers with their categories and rules) from a few plain-words
fields, in one transaction. The stamp card template is in stamp_templates.py.

Every rule goes through loyalty.rules_validation like a rule from the panel's form; errors
name the template form's field (FIELD_NAMES maps the rule's fields onto the form's)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from customers.models import CustomerCategory
from loyalty.models import Program, Rule, Tier, TierPolicy
from loyalty.rules_validation import rule_errors

from .onboarding import _coupon_series, _key

PROMOTION_TEMPLATES = {
    "cashback_every_check": gettext_lazy("X% back in points on every check"),
    "nth_free": gettext_lazy("Every Nth coffee free"),
    "meal_deal": gettext_lazy("Meal deal: a coffee and a croissant for one price"),
    "birthday_gift": gettext_lazy("Birthday gift"),
    "tiers": gettext_lazy("Tiers: Silver, Gold, Platinum"),
}

MAX_TIERS = 3
HUNDRED = Decimal("100")


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _pct(value) -> str:
    """5, 2.5: the percent as the owner typed it, without trailing zeros."""
    number = Decimal(value)
    return str(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)


def _refuse(message, field):
    raise ValidationFailed(message, field=field)


def _save_rule(program, data: dict, *, fields: dict, taken_field: str, categories=()):
    """Validate `data` as any rule, naming the form's field; refuse a key already used."""
    if Rule.objects.filter(program=program, key=data["key"]).exists():
        _refuse(
            _("The program already has this promotion (rule “%(key)s”); edit it in the rules list.")
            % {"key": data["key"]},
            taken_field,
        )
    links = {"customer_categories": list(categories)} if categories else {}
    errors = rule_errors(program=program, data={**data, **links})
    if errors:
        name, message = next(iter(errors.items()))
        base = name.split("[")[0].split(".")[0]
        _refuse(message, fields.get(name) or fields.get(base) or taken_field)
    rule = Rule.objects.create(business=program.business, program=program, **data)
    if categories:
        rule.customer_categories.set(categories)
    return rule


def _percent(value, field="percent") -> Decimal:
    if value is None:
        _refuse(_("Enter the percent."), field)
    if not Decimal("0") < value <= HUNDRED:
        _refuse(_("Enter a percent above 0 and at most 100."), field)
    return value


def _category_code(value: str, field: str) -> str:
    code = (value or "").strip()
    if not code:
        _refuse(_("Enter the code of a goods category."), field)
    return code


@transaction.atomic
def apply_cashback_every_check(*, program, percent) -> Rule:
    """ "X% back in points on every check": no goods category needed."""
    percent = _percent(percent)
    rule = _save_rule(
        program,
        {
            "key": "cashback-every-check",
            "name": _("%(percent)s%% back in points on every check") % {"percent": _pct(percent)},
            "action": Rule.Action.CREDIT_CHECK_PERCENT,
            "value": percent,
        },
        fields={"value": "percent"},
        taken_field="percent",
    )
    Program.bump_version(program.pk)
    return rule


@transaction.atomic
def apply_nth_free(*, program, goods_category: str, every) -> Rule:
    """ "Every Nth coffee free": of each N units of the category the cheapest is free."""
    code = _category_code(goods_category, "goods_category")
    if every is None:
        _refuse(_("Enter N: every how many items one is free."), "every")
    if every < 2:
        _refuse(_("N must be 2 or more: of N items, one is free."), "every")
    rule = _save_rule(
        program,
        {
            "key": f"every-{every}-{_key(code, 'goods')}-free",
            "name": _("%(category)s: 1 free in every %(n)d") % {"category": code, "n": every},
            "action": Rule.Action.DISCOUNT_CHEAPEST,
            "group_size": every,
            "free_count": 1,
            "value": HUNDRED,
            "include_categories": [code],
        },
        fields={"group_size": "every", "include_categories": "goods_category"},
        taken_field="goods_category",
    )
    Program.bump_version(program.pk)
    return rule


@dataclass(frozen=True)
class Component:
    """One part of a meal deal: goods codes or category codes, and how many units."""

    kind: str  # "category" or "goods"
    codes: str  # one code or several, comma-separated
    quantity: int = 1

    def as_rule(self) -> dict:
        codes = [c.strip() for c in self.codes.split(",") if c.strip()]
        return {
            "include_categories": codes if self.kind == "category" else [],
            "include_goods": codes if self.kind == "goods" else [],
            "quantity": self.quantity,
        }


@transaction.atomic
def apply_meal_deal(*, program, components: list[Component], price) -> Rule:
    """ "A coffee and a croissant for 70": a bundle price on two or three components.
    Component i's errors name the form's `component_<i>` fields (1-based)."""
    filled = []
    for i, component in enumerate(components, start=1):
        if not component.codes.strip():
            continue
        if any(len(code.strip()) > 80 for code in component.codes.split(",")):
            _refuse(_("A code has at most %(n)d characters.") % {"n": 80}, f"component_{i}")
        if component.quantity is None or component.quantity < 1:
            _refuse(_("Enter a whole number of units, 1 or more."), f"component_{i}_quantity")
        filled.append((i, component))
    if len(filled) < 2:
        field = "component_1" if not filled else "component_2"
        _refuse(_("A meal deal needs at least two components."), field)
    if price is None:
        _refuse(_("Enter the meal deal's price."), "price")
    if price < 0:
        _refuse(_("The price cannot be below 0."), "price")
    parts = [c.as_rule() for _i, c in filled]
    label = " + ".join(c.codes.replace(" ", "") for _i, c in filled)
    fields = {"value": "price"}
    for n, (i, _c) in enumerate(filled):
        fields[f"components[{n}]"] = f"component_{i}"
        fields[f"components[{n}].quantity"] = f"component_{i}_quantity"
    fields["components"] = f"component_{filled[0][0]}"
    rule = _save_rule(
        program,
        {
            "key": f"meal-deal-{_key(label, 'bundle')}"[:80],
            "name": _("Meal deal: %(bundle)s for %(price)s")
            % {"bundle": label, "price": _money(price)},
            "action": Rule.Action.BUNDLE_PRICE,
            "components": parts,
            "value": price,
        },
        fields=fields,
        taken_field="component_1",
    )
    Program.bump_version(program.pk)
    return rule


BIRTHDAY_GIFTS = {
    "discount": gettext_lazy("a discount on the check, %"),
    "points": gettext_lazy("points"),
    "coupon": gettext_lazy("a coupon for a discount, %"),
}


@transaction.atomic
def apply_birthday_gift(
    *, program, gift: str, value, days_before: int | None, days_after: int | None, valid_days=30
) -> Rule:
    """ "A gift on your birthday": X% off, X points or a coupon of X% off, on the checks of
    an identified customer within the window around their birthday."""
    if gift not in BIRTHDAY_GIFTS:
        _refuse(_("Choose the gift."), "gift")
    if value is None:
        _refuse(_("Enter the gift's size."), "value")
    if gift == "points":
        if value <= 0:
            _refuse(_("Enter a number of points above 0."), "value")
    else:
        _percent(value, "value")
    window = {
        "birthday_days_before": days_before if days_before is not None else 0,
        "birthday_days_after": days_after if days_after is not None else 0,
    }
    fields = {
        "value": "value",
        "birthday_days_before": "days_before",
        "birthday_days_after": "days_after",
    }
    common = {"customer_identity": Rule.Identity.IDENTIFIED, **window}
    if gift == "discount":
        data = {
            "name": _("Birthday gift: %(percent)s%% off") % {"percent": _pct(value)},
            "action": Rule.Action.DISCOUNT_CHECK_PERCENT,
            "value": value,
        }
    elif gift == "points":
        data = {
            "name": _("Birthday gift: %(points)s points") % {"points": _pct(value)},
            "action": Rule.Action.CREDIT_CHECK_AMOUNT,
            "value": value,
        }
    else:
        # Check the window before the series is made, so bad input writes nothing.
        errors = rule_errors(
            program=program,
            data={"key": "birthday-gift", "name": "-", "action": "discount_check_percent",
                  "value": value, **common},
        )  # fmt: skip
        if errors:
            name, message = next(iter(errors.items()))
            _refuse(message, fields.get(name, "gift"))
        if Rule.objects.filter(program=program, key="birthday-gift").exists():
            _refuse(
                _("The program already has a birthday gift; edit it in the rules list."), "gift"
            )
        name = _("Birthday coupon: %(percent)s%% off") % {"percent": _pct(value)}
        series = _coupon_series(
            program, key="birthday-coupon", name=name, percent=value, valid_days=valid_days
        )
        data = {
            "name": _("Birthday gift: a coupon for %(percent)s%% off") % {"percent": _pct(value)},
            "action": Rule.Action.ISSUE_COUPON_CHECK,
            "coupon_series": series,
            "coupon_quantity": 1,
        }
    rule = _save_rule(
        program,
        {"key": "birthday-gift", **data, **common},
        fields=fields,
        taken_field="gift",
    )
    Program.bump_version(program.pk)
    return rule


@dataclass(frozen=True)
class TierLevel:
    name: str
    threshold: Decimal | None
    percent: Decimal | None  # the tier's benefit; None: the tier gives nothing of its own


TIER_BENEFITS = {
    "discount": gettext_lazy("a discount on every check, %"),
    "points": gettext_lazy("points back on every check, %"),
}


@transaction.atomic
def apply_tiers(
    *, program, measure: str, period: str, benefit: str, levels: list[TierLevel]
) -> TierPolicy:
    """Two or three tiers in one form: each a customer category (made when missing), its
    threshold and its own rule (X% off or X% back for that category's customers).
    Level i's errors name the form's `tier_<i>_name`, `_from` and `_percent` (1-based)."""
    if measure not in TierPolicy.Measure.values:
        _refuse(_("Choose what the tiers measure."), "measure")
    if period not in TierPolicy.Period.values:
        _refuse(_("Choose the period."), "period")
    if benefit not in TIER_BENEFITS:
        _refuse(_("Choose the tiers' benefit."), "benefit")
    if TierPolicy.objects.filter(program=program, tiers__isnull=False).exists():
        _refuse(_("The program already has tiers; change them on the tiers page."), "measure")
    rows, previous, keys = [], None, set()
    for i, level in enumerate(levels, start=1):
        name = (level.name or "").strip()
        if not name and level.threshold is None and level.percent is None:
            continue
        if not name:
            _refuse(_("Enter the tier's name."), f"tier_{i}_name")
        if level.threshold is None:
            _refuse(_("Enter the tier's threshold."), f"tier_{i}_from")
        if level.threshold <= 0:
            _refuse(_("The threshold must be above 0."), f"tier_{i}_from")
        if previous is not None and level.threshold <= previous:
            _refuse(_("Each tier's threshold must be above the one before."), f"tier_{i}_from")
        if measure == TierPolicy.Measure.VISITS and level.threshold % 1:
            _refuse(_("Visits are whole numbers."), f"tier_{i}_from")
        if level.percent is not None:
            _percent(level.percent, f"tier_{i}_percent")
        # Names in other scripts slugify to nothing: their key is the tier's number.
        key = _key(name, f"tier-{i}")
        if key in keys or name.casefold() in keys:
            _refuse(_("Each tier needs its own name."), f"tier_{i}_name")
        keys |= {key, name.casefold()}
        previous = level.threshold
        rows.append((i, name, key, level))
    if len(rows) < 2:
        _refuse(_("Enter at least two tiers."), "tier_2_name" if rows else "tier_1_name")

    policy, _created = TierPolicy.objects.update_or_create(
        program=program,
        defaults={"business": program.business, "measure": measure, "period": period},
    )
    for i, name, key, level in rows:
        category, _made = CustomerCategory.objects.get_or_create(
            program=program, key=key, defaults={"business": program.business, "name": name}
        )
        Tier.objects.create(
            business=program.business, policy=policy, category=category, threshold=level.threshold
        )
        if level.percent is None:
            continue
        if benefit == "discount":
            data = {
                "key": f"tier-{key}-discount",
                "name": _("%(tier)s: %(percent)s%% off every check")
                % {"tier": name, "percent": _pct(level.percent)},
                "action": Rule.Action.DISCOUNT_CHECK_PERCENT,
            }
        else:
            data = {
                "key": f"tier-{key}-points",
                "name": _("%(tier)s: %(percent)s%% back in points")
                % {"tier": name, "percent": _pct(level.percent)},
                "action": Rule.Action.CREDIT_CHECK_PERCENT,
            }
        _save_rule(
            program,
            {**data, "value": level.percent, "customer_identity": Rule.Identity.IDENTIFIED},
            fields={"value": f"tier_{i}_percent"},
            taken_field=f"tier_{i}_name",
            categories=[category],
        )
    Program.bump_version(program.pk)
    return policy
