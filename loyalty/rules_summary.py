"""A rule's conditions in one readable line, for the panel's rules list (issue 20).

What the rule gives (its action's own numbers: groups, bundles, the cap) and when it applies
(thresholds, goods, quantities, who, where, when), joined by " · ". Reads the rule's fields
and its prefetched points of sale and customer categories only: no query per rule.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from loyalty.models import Rule

SEPARATOR = " · "


def _num(value) -> str:
    """2, 2.5, 100.01: no trailing zeros."""
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return str(number.normalize())


def _weekdays(days) -> str:
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    days = sorted(set(days))
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{names[days[0] - 1]}–{names[days[-1] - 1]}"
    return ", ".join(names[d - 1] for d in days)


def _codes(categories, goods) -> str:
    return ", ".join([*categories, *goods])


def rule_conditions(rule: Rule) -> str:
    parts = []
    action = rule.action
    if action == "discount_cheapest" and rule.group_size and rule.free_count:
        parts.append(
            _("every %(n)d units: the %(m)d cheapest %(pct)s%% off")
            % {"n": rule.group_size, "m": rule.free_count, "pct": _num(rule.value or 0)}
        )
    if action == "bundle_price" and rule.components:
        bundle = " + ".join(
            f"{_codes(c.get('include_categories') or [], c.get('include_goods') or []) or _('any')}"
            f" ×{c.get('quantity', 1)}"
            for c in rule.components
        )
        parts.append(_("%(bundle)s for %(price)s") % {"bundle": bundle, "price": rule.value})
    if rule.thresholds:
        rows = ", ".join(
            f"{_num(row['from'])} → {_num(row['value'])}"
            for row in sorted(rule.thresholds, key=lambda t: Decimal(str(t["from"])))
        )
        parts.append(
            _("%(measure)s over %(period)s: %(rows)s")
            % {
                "measure": rule.get_depends_measure_display().lower(),
                "period": rule.get_depends_period_display().lower(),
                "rows": rows,
            }
        )
    if rule.max_amount is not None:
        parts.append(_("at most %(amount)s per check") % {"amount": rule.max_amount})
    included = _codes(rule.include_categories or [], rule.include_goods or [])
    if included:
        parts.append(_("goods: %(codes)s") % {"codes": included})
    excluded = _codes(rule.exclude_categories or [], rule.exclude_goods or [])
    if excluded:
        parts.append(_("not %(codes)s") % {"codes": excluded})
    if rule.min_quantity is not None:
        parts.append(_("from %(n)s units") % {"n": _num(rule.min_quantity)})
    if rule.quantity_limit is not None:
        parts.append(_("only up to %(n)s units") % {"n": _num(rule.quantity_limit)})
    if rule.max_quantity is not None:
        if action == "bundle_price":
            parts.append(_("at most %(n)s bundles") % {"n": _num(rule.max_quantity)})
        else:
            parts.append(_("benefit on at most %(n)s units") % {"n": _num(rule.max_quantity)})
    if rule.applies_to_sales != Rule.AppliesTo.ALL:
        parts.append(rule.get_applies_to_sales_display().lower())
    if rule.customer_identity != Rule.Identity.ANY:
        parts.append(rule.get_customer_identity_display().lower())
    if rule.birthday_days_before is not None or rule.birthday_days_after is not None:
        parts.append(
            _("birthday: %(before)d days before to %(after)d after")
            % {"before": rule.birthday_days_before or 0, "after": rule.birthday_days_after or 0}
        )
    categories = [c.name for c in rule.customer_categories.all()]
    if categories:
        parts.append(_("customers: %(names)s") % {"names": ", ".join(categories)})
    points = [p.name for p in rule.points_of_sale.all()]
    if points:
        parts.append(_("at %(names)s") % {"names": ", ".join(points)})
    if rule.date_from or rule.date_to:
        start = rule.date_from.isoformat() if rule.date_from else "…"
        end = rule.date_to.isoformat() if rule.date_to else "…"
        parts.append(f"{start} – {end}")
    if rule.weekdays:
        parts.append(_weekdays(rule.weekdays))
    if rule.time_from or rule.time_to:
        start = rule.time_from.strftime("%H:%M") if rule.time_from else "00:00"
        end = rule.time_to.strftime("%H:%M") if rule.time_to else "24:00"
        parts.append(f"{start}–{end}")
    return SEPARATOR.join(parts)
