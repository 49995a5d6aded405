"""Rule validation (rules.md), in one place: the panel's rule form and the program import.

`rule_error_details` returns every problem with a field path in model field names
(`value`, `thresholds[1].from`, `weekdays[0]`); the importer maps those paths to JSON paths.
`rule_errors` folds them into `{field: message}` for a form. Both take the Rule model's
field names; decimals may be `Decimal`, `int` or strings, as a form or a document gives them.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from customers.models import AccountType
from loyalty import engine
from loyalty.engine.actions import CREDIT, DISCOUNT_ACTIONS, ISSUE
from loyalty.models import Rule

BUILT_IN_ACCOUNTS = ("bonus", "special")
GOODS_LISTS = ("include_categories", "include_goods", "exclude_categories", "exclude_goods")
# Fields whose value changes what a coupon gives: locked once its series has issued coupons.
REWARD_FIELDS = (
    "action",
    "value",
    "depends_measure",
    "depends_period",
    "thresholds",
    "min_quantity",
    "max_quantity",
    *GOODS_LISTS,
    "credit_account",
    "credit_expires_in_days",
    "credit_activates_in_days",
    "coupon_series",
    "coupon_per",
    "coupon_quantity",
    # promotions.md
    "group_size",
    "free_count",
    "components",
    "max_amount",
    "quantity_limit",
)

MAX_AMOUNT = Decimal("10") ** 10  # DecimalField(max_digits=12, decimal_places=2)
MAX_QUANTITY = Decimal("10") ** 9  # DecimalField(max_digits=12, decimal_places=3)
CODE_MAX_LENGTH = 80


def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _to_decimal(value) -> Decimal | None:
    """A finite Decimal, or None when `value` is not a number (floats are not accepted)."""
    if isinstance(value, bool | float):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


class _Collector:
    def __init__(self):
        self.errors: list[tuple[str, str]] = []

    def add(self, path: str, message: str):
        self.errors.append((path, str(message)))

    def number(self, path, raw, *, places, maximum, minimum=Decimal("0"), strict_min=False):
        """Parse and range-check a decimal; adds an error and returns None when it is bad."""
        number = _to_decimal(raw)
        if number is None:
            self.add(path, _("Enter a number."))
            return None
        if strict_min and number <= minimum:
            self.add(path, _("Must be greater than %(min)s.") % {"min": minimum})
            return None
        if number < minimum:
            if minimum == 0:
                self.add(path, _("Must not be negative."))
            else:
                self.add(path, _("Must be at least %(min)s.") % {"min": minimum})
            return None
        if _places(number) > places:
            self.add(path, _("Use at most %(places)d decimal places.") % {"places": places})
            return None
        if abs(number) >= maximum:
            self.add(path, _("The number is too large."))
            return None
        return number


def rule_error_details(*, program, data: dict) -> list[tuple[str, str]]:
    """Every problem of the rule described by `data` as (field path, message), in field order.

    `data` uses the Rule model's field names; missing keys take the model's defaults.
    `coupon_series` is a CouponSeries (or None); `points_of_sale` and `customer_categories`
    may be given as model instances to check they belong to `program`.
    """
    c = _Collector()
    get = data.get

    # Values used as set members must be hashable: anything but a string is unknown.
    action = get("action")
    action = action if isinstance(action, str) or action is None else repr(action)
    mode = get("mode", Rule.Mode.AUTO)
    mode = mode if isinstance(mode, str) else repr(mode)
    known_action = action in Rule.Action.values
    if _blank(action):
        c.add("action", _("Choose an action."))
    elif not known_action:
        c.add("action", _("Unknown action “%(value)s”.") % {"value": action})
    if mode not in Rule.Mode.values:
        c.add("mode", _("Unknown mode “%(value)s”.") % {"value": mode})
    elif mode == Rule.Mode.KIOSK and known_action and action != Rule.Action.ISSUE_COUPON_CHECK:
        c.add("mode", _("A kiosk offer must use the action “issue coupons for the check”."))

    # What the action is, from the engine's registry (an unknown action is none of these).
    spec = engine.ACTIONS_BY_NAME.get(action)
    is_goods = spec is not None and spec.on_goods
    is_issue = spec is not None and spec.kind == ISSUE
    is_credit = spec is not None and spec.kind == CREDIT
    is_percent = spec is not None and spec.percent

    for name, choices in (
        ("applies_to_sales", Rule.AppliesTo.values),
        ("customer_identity", Rule.Identity.values),
    ):
        value = get(name)
        if not _blank(value) and value not in choices:
            c.add(name, _("Unknown value “%(value)s”.") % {"value": value})

    priority = get("priority")
    if priority is not None and (isinstance(priority, bool) or not isinstance(priority, int)):
        c.add("priority", _("Enter a whole number."))

    # value: percent, amount, price, points or a coupon count
    thresholds = get("thresholds") or []
    value = get("value")
    if not _blank(value):
        number = c.number("value", value, places=2, maximum=MAX_AMOUNT)
        if number is not None and known_action:
            _check_action_value(c, "value", number, is_percent=is_percent, is_issue=is_issue)
    elif not thresholds and known_action and spec.needs_value:
        c.add("value", _("Enter a value, or add thresholds."))

    _check_depends_on(
        c, get, thresholds, is_percent=is_percent, is_issue=is_issue, known_action=known_action
    )
    _check_goods_filters(c, get, is_goods=is_goods, known_action=known_action)
    _check_credit(c, get, program, is_credit=is_credit)
    _check_coupon(c, get, program, mode=mode, is_issue=is_issue, known_action=known_action)
    _check_links(c, get, program)
    _check_schedule(c, get)
    _check_promotions(c, get, spec)
    return c.errors


def rule_errors(*, program, data: dict) -> dict[str, str]:
    """`{model field name: message}` for a form; empty when the rule is valid."""
    errors: dict[str, str] = {}
    for path, message in rule_error_details(program=program, data=data):
        field = path.split("[", 1)[0].split(".", 1)[0]
        if field in errors:
            continue
        if "[" in path:  # a row of a list field: say which row
            index = int(path.split("[", 1)[1].split("]", 1)[0])
            message = _("Row %(row)d: %(message)s") % {"row": index + 1, "message": message}
        errors[field] = message
    return errors


def _check_action_value(c, path, number, *, is_percent, is_issue):
    if is_percent and number > 100:
        c.add(path, _("A percentage cannot be above 100."))
    if is_issue and number != number.to_integral_value():
        c.add(path, _("A number of coupons must be a whole number."))


def _check_depends_on(c, get, thresholds, *, is_percent, is_issue, known_action):
    measure = get("depends_measure") or ""
    period = get("depends_period") or ""
    if measure and measure not in Rule.Measure.values:
        c.add("depends_measure", _("Unknown measure “%(value)s”.") % {"value": measure})
    if period and period not in Rule.Period.values:
        c.add("depends_period", _("Unknown period “%(value)s”.") % {"value": period})
    if not (measure or period or thresholds):
        return
    if not measure:
        c.add("depends_measure", _("Choose what the thresholds measure."))
    if not period:
        c.add("depends_period", _("Choose the period the thresholds are measured over."))
    if not isinstance(thresholds, list | tuple):
        c.add("thresholds", _("Thresholds must be a list."))
        return
    if not thresholds:
        c.add("thresholds", _("Add at least one threshold."))
        return
    from_places = 3 if measure == Rule.Measure.QUANTITY else 2
    maximum = MAX_QUANTITY if measure == Rule.Measure.QUANTITY else MAX_AMOUNT
    previous = None
    for i, row in enumerate(thresholds):
        path = f"thresholds[{i}]"
        if not isinstance(row, dict) or set(row) - {"from", "value"}:
            c.add(path, _("A threshold has a “from” and a “value”."))
            continue
        start = row.get("from")
        if _blank(start):
            c.add(f"{path}.from", _("This field is required."))
        else:
            start = c.number(f"{path}.from", start, places=from_places, maximum=maximum)
            if start is not None:
                if previous is not None and start == previous:
                    c.add(f"{path}.from", _("Two thresholds start at the same value."))
                elif previous is not None and start < previous:
                    c.add(f"{path}.from", _("Thresholds must be in ascending order of “from”."))
                previous = start if previous is None else max(previous, start)
        row_value = row.get("value")
        if _blank(row_value):
            c.add(f"{path}.value", _("This field is required."))
        else:
            number = c.number(f"{path}.value", row_value, places=2, maximum=MAX_AMOUNT)
            if number is not None and known_action:
                _check_action_value(
                    c, f"{path}.value", number, is_percent=is_percent, is_issue=is_issue
                )


def _check_goods_filters(c, get, *, is_goods, known_action):
    for name in ("min_quantity", "max_quantity"):
        if not _blank(get(name)) and known_action and not is_goods:
            c.add(name, _("Only goods actions count matched units."))
    min_q = get("min_quantity")
    max_q = get("max_quantity")
    min_n = max_n = None
    if not _blank(min_q):
        min_n = c.number("min_quantity", min_q, places=3, maximum=MAX_QUANTITY)
    if not _blank(max_q):
        max_n = c.number("max_quantity", max_q, places=3, maximum=MAX_QUANTITY, strict_min=True)
    if min_n is not None and max_n is not None and max_n < min_n:
        c.add("max_quantity", _("The maximum quantity is below the minimum quantity."))

    for name in GOODS_LISTS:
        items = get(name) or []
        if not isinstance(items, list | tuple):
            c.add(name, _("Must be a list of codes."))
            continue
        if items and known_action and not is_goods:
            c.add(name, _("A check action ignores goods; remove the goods list."))
            continue
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                c.add(f"{name}[{i}]", _("Enter a code."))
            elif len(item) > CODE_MAX_LENGTH:
                c.add(f"{name}[{i}]", _("A code has at most %(n)d characters.") % {"n": 80})


def _account_keys(program) -> set[str]:
    keys = set(BUILT_IN_ACCOUNTS)
    if program is not None and program.pk:
        keys.update(AccountType.objects.filter(program=program).values_list("key", flat=True))
    return keys


def _check_credit(c, get, program, *, is_credit):
    account = get("credit_account") or "bonus"
    if is_credit and (not isinstance(account, str) or account not in _account_keys(program)):
        c.add(
            "credit_account",
            _("Credit to “bonus”, “special” or an account type of this program, not “%(v)s”.")
            % {"v": account},
        )
    for name in ("credit_expires_in_days", "credit_activates_in_days"):
        days = get(name)
        if _blank(days):
            continue
        if isinstance(days, bool) or not isinstance(days, int):
            c.add(name, _("Enter a whole number of days."))
        elif not is_credit or account != "special":
            c.add(name, _("Only credits to the special (expiring) account have this setting."))
        elif days < 0 or (name == "credit_expires_in_days" and days == 0):
            c.add(name, _("Enter a positive number of days."))


def _check_coupon(c, get, program, *, mode, is_issue, known_action):
    series = get("coupon_series")
    if is_issue and series is None:
        c.add("coupon_series", _("Choose the coupon series to issue."))
    elif series is not None and known_action and not is_issue:
        c.add("coupon_series", _("Only issue actions issue coupons."))
    elif series is not None and program is not None and series.program_id != program.pk:
        c.add("coupon_series", _("This coupon series belongs to another program."))
    elif series is not None and mode == Rule.Mode.KIOSK and series.kiosk_price is None:
        c.add("coupon_series", _("A kiosk offer needs a series with a kiosk price."))
    per = get("coupon_per")
    if not _blank(per) and per not in Rule.Per.values:
        c.add("coupon_per", _("Unknown value “%(value)s”.") % {"value": per})
    quantity = get("coupon_quantity")
    if quantity is not None:
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            c.add("coupon_quantity", _("Enter a whole number."))
        elif is_issue and quantity < 1:
            c.add("coupon_quantity", _("Issue at least one coupon."))


def _check_links(c, get, program):
    for name in ("points_of_sale", "customer_categories"):
        for i, item in enumerate(get(name) or []):
            program_id = getattr(item, "program_id", None)
            if program is not None and program_id is not None and program_id != program.pk:
                c.add(f"{name}[{i}]", _("“%(item)s” belongs to another program.") % {"item": item})


def _check_schedule(c, get):
    date_from, date_to = get("date_from"), get("date_to")
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if value is not None and not isinstance(value, date):
            c.add(name, _("Enter a valid date."))
    if isinstance(date_from, date) and isinstance(date_to, date) and date_to < date_from:
        c.add("date_to", _("The end date is before the start date."))
    weekdays = get("weekdays") or []
    if not isinstance(weekdays, list | tuple):
        c.add("weekdays", _("Must be a list of weekdays."))
        return
    seen = set()
    for i, day in enumerate(weekdays):
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 7:
            c.add(f"weekdays[{i}]", _("A weekday is a number from 1 (Monday) to 7 (Sunday)."))
        elif day in seen:
            c.add(f"weekdays[{i}]", _("This weekday is listed twice."))
        else:
            seen.add(day)


MAX_BIRTHDAY_WINDOW = 31
BUNDLE_COMPONENT_KEYS = {"include_categories", "include_goods", "quantity"}


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_promotions(c, get, spec):
    """promotions.md: the two actions' own fields, the cap, the quantity limit, birthdays."""
    action = spec.name if spec is not None else None
    group, free = get("group_size"), get("free_count")
    if action == "discount_cheapest":
        if not _whole(group) or group < 2:
            c.add("group_size", _("A group has at least 2 units."))
            group = None
        if not _whole(free) or free < 1:
            c.add("free_count", _("Discount at least 1 unit per group."))
        elif group is not None and free >= group:
            c.add("free_count", _("Fewer units than the group size can be discounted."))
    elif spec is not None:
        for name, value in (("group_size", group), ("free_count", free)):
            if not _blank(value):
                c.add(name, _("Only the “cheapest units” action takes this."))

    components = get("components") or []
    if action == "bundle_price":
        if not isinstance(components, list | tuple):
            c.add("components", _("Must be a list of components."))
        elif len(components) < 2:
            c.add("components", _("A bundle needs at least two components."))
        else:
            for i, component in enumerate(components):
                _check_component(c, f"components[{i}]", component)
        for name in ("include_categories", "include_goods"):
            if get(name):
                c.add(name, _("A bundle lists its goods per component; leave this empty."))
        max_q = _to_decimal(get("max_quantity"))
        if max_q is not None and max_q != max_q.to_integral_value():
            c.add("max_quantity", _("The number of bundles must be a whole number."))
    elif components and spec is not None:
        c.add("components", _("Only the bundle price action has components."))

    cap = get("max_amount")
    if not _blank(cap):
        number = c.number("max_amount", cap, places=2, maximum=MAX_AMOUNT, strict_min=True)
        if number is not None and spec is not None and spec.kind == ISSUE:
            c.add("max_amount", _("Only discounts and points credits can be capped."))

    limit = get("quantity_limit")
    if not _blank(limit):
        number = c.number("quantity_limit", limit, places=3, maximum=MAX_QUANTITY)
        if number is not None and spec is not None and not spec.on_goods:
            c.add("quantity_limit", _("Only goods actions count matched units."))
        low = _to_decimal(get("min_quantity"))
        if number is not None and low is not None and number < low:
            c.add("quantity_limit", _("The quantity limit is below the minimum quantity."))

    days = []
    for name in ("birthday_days_before", "birthday_days_after"):
        value = get(name)
        if _blank(value):
            days.append(0)
        elif not _whole(value) or value < 0:
            c.add(name, _("Enter a whole number of days, 0 or more."))
        else:
            days.append(value)
    if len(days) == 2 and sum(days) > MAX_BIRTHDAY_WINDOW:
        c.add(
            "birthday_days_after",
            _("The birthday window spans at most %(n)d days.") % {"n": MAX_BIRTHDAY_WINDOW},
        )


def _check_component(c, path, component):
    if not isinstance(component, dict) or set(component) - BUNDLE_COMPONENT_KEYS:
        c.add(path, _("A component has “include_categories”, “include_goods” and “quantity”."))
        return
    quantity = component.get("quantity", 1)
    if not _whole(quantity) or quantity < 1:
        c.add(f"{path}.quantity", _("Enter a whole number of units, 1 or more."))
    for name in ("include_categories", "include_goods"):
        items = component.get(name) or []
        if not isinstance(items, list | tuple):
            c.add(f"{path}.{name}", _("Must be a list of codes."))
            continue
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                c.add(f"{path}.{name}[{i}]", _("Enter a code."))
            elif len(item) > CODE_MAX_LENGTH:
                c.add(f"{path}.{name}[{i}]", _("A code has at most %(n)d characters.") % {"n": 80})


def special_price_warning(*, program, rule) -> str | None:
    """The panel's warning for a combining special-price rule that is not evaluated first.

    Rules apply in priority order and each sees what the rules before it left, so a special
    price placed after a percentage discount is computed on an already discounted price.
    Earlier special-price rules are not counted: a special price takes the lower price anyway.
    """
    if rule.action != Rule.Action.SPECIAL_PRICE or not rule.combine:
        return None
    if rule.mode == Rule.Mode.KIOSK:
        return None
    # Only discounts change the price a special price is computed on: a points rule
    # before it changes nothing (issue 21: the warning named a points rule).
    discounts = DISCOUNT_ACTIONS - {Rule.Action.SPECIAL_PRICE}
    earlier = Rule.objects.filter(
        program=program, mode=Rule.Mode.AUTO, is_active=True, action__in=discounts
    ).order_by("priority", "id")
    if rule.pk:
        earlier = earlier.exclude(pk=rule.pk)
        first = (
            earlier.filter(priority__lt=rule.priority).first()
            or earlier.filter(priority=rule.priority, pk__lt=rule.pk).first()
        )
    else:  # a new rule comes after existing rules of the same priority
        first = earlier.filter(priority__lte=rule.priority).first()
    if first is None:
        return None
    return _(
        "This special price combines with other rules but “%(other)s” (priority %(priority)d) "
        "applies before it, so the special price is computed after that rule's discount. "
        "Give the special price the lowest priority number, or make it not combinable."
    ) % {"other": first.name, "priority": first.priority}
