"""`{% load shown %}`: how pages show what API answers carry as keys, codes and ISO text.

One place for the words and formats staff and customers read (issue 21):
- `value|amount`: money or points ("165.00" from an answer) in the viewer's locale (uk
  writes 165,00); `value|units`: prepaid units, whole ("3" for "3.00"); `value|unit_count`:
  whole units with their word ("1 unit", "3 units"), `value|unit_word` the word alone;
  `{% account_amount names key value %}`: a balance as its account counts it;
  `value|point_count`: points with their word ("100.00 points", uk "100,00 бала"; a fraction
  takes its own form, core.plurals), `value|point_word` the word alone;
- `value|local_date`, `value|local_datetime`: an ISO text, a date or a datetime in the
  active time zone (the business's: loyalty.middleware and the cashier and public views
  activate it) and the locale's short format;
- `item|reason`: a not-applied item's or an error's message in the viewer's language;
- `key|account_name:names`, `rule|rule_name:names`, `key|series_name:names`: names from
  `loyalty.selectors.names.program_names`.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import plurals
from loyalty.checks.messages import shown_message

register = template.Library()


@register.filter
def amount(value, places=2):
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return formats.number_format(number, int(places), use_l10n=True)


@register.filter
def units(value):
    """Prepaid units are whole: "3.00" shows as 3; a fraction (none should exist) keeps two
    places rather than hide it."""
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    places = 0 if number == number.to_integral_value() else 2
    return formats.number_format(number, places, use_l10n=True)


def unit_plural_count(value) -> int:
    """The count ngettext picks the word's form by: the whole number of units; a fraction
    (none should exist) takes the form of 2 (en "units", uk "одиниці", right for fractions)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return 2
    return int(number) if number == number.to_integral_value() else 2


@register.filter
def unit_count(value):
    """Prepaid units with their word in the viewer's language: "1 unit", "3 units"."""
    if value in (None, ""):
        return ""
    return ngettext("%(n)s unit", "%(n)s units", unit_plural_count(value)) % {"n": units(value)}


@register.filter
def unit_word(value):
    """The word for `value` units alone ("unit", "units"), after a number shown apart."""
    return ngettext("unit", "units", unit_plural_count(value))


@register.simple_tag
def account_amount(names, key, value):
    """A balance of account `key`: whole units for prepaid goods, else an amount."""
    if names is not None and names.in_units(key):
        return units(value)
    return amount(value)


def _moment(value):
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            return parse_date(value)
        return parsed
    return value


@register.filter
def local_date(value):
    moment = _moment(value)
    if isinstance(moment, datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        moment = moment.date()
    if isinstance(moment, date):
        return formats.date_format(moment, "SHORT_DATE_FORMAT")
    return value or ""


@register.filter
def local_datetime(value):
    moment = _moment(value)
    if isinstance(moment, datetime):
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(moment, date):
        return formats.date_format(moment, "SHORT_DATE_FORMAT")
    return value or ""


@register.filter
def reason(item):
    if not hasattr(item, "get"):
        return item
    return shown_message(item.get("code"), item.get("message"))


@register.filter
def account_name(key, names):
    return names.account(key) if names is not None else key


@register.filter
def rule_name(rule, names):
    """An applied rule's name; its explanation when the program no longer has it."""
    if names is None:
        return ""
    if isinstance(rule, str):  # a key, as a not-applied item's `ref`
        return names.rule(rule) or rule
    return names.rule(rule.get("key"), rule.get("id"))


@register.filter
def series_name(key, names):
    return names.series_title(key) if names is not None else key


# Reasons the code writes on ledger entries (English in the row); staff type the others.
_REASONS = (
    (re.compile(r"^sale #\d+$"), None),  # the page links the sale itself
    (re.compile(r"^expired$"), lambda m: _("expired")),
    (re.compile(r"^top-up: (.+)$"), lambda m: _("top-up: %(code)s") % {"code": m[1]}),
    (re.compile(r"^referral: (.+)$"), lambda m: _("referral: %(code)s") % {"code": m[1]}),
)


@register.filter
def ledger_reason(text):
    for pattern, shown in _REASONS:
        match = pattern.match(text or "")
        if match:
            return shown(match) if shown else ""
    return text or ""


@register.filter(name="point_count")
def point_count_filter(value, places=2):
    """Points with their word: "100.00 points", uk "100,00 бала" (core.plurals)."""
    if value in (None, ""):
        return ""
    return plurals.point_count(value, int(places))


@register.simple_tag
def credit_amount(names, key, value):
    """A credit with its account: "+2.70 points", uk "2,70 бала" / "2,70 спеціального бала"
    (built-in accounts take the fraction's form, core.plurals); other accounts by name."""
    if key == "bonus":
        return plurals.point_count(value)
    if key == "special":
        return f"{amount(value)} {plurals.special_fraction_word()}"
    return f"{amount(value)} {account_name(key, names)}"


@register.filter(name="point_word")
def point_word_filter(value, places=2):
    """The word alone, after a number shown apart with `places` decimals."""
    return plurals.point_word(value, int(places))
