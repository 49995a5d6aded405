"""Points with their word in the viewer's language.

A number written with decimals takes the fraction's form: Ukrainian reads "100,00 бала",
"1,50 бала" (the genitive singular), whatever the digits; a whole number takes the usual
one / few / many form ("1 бал", "2 бали", "5 балів"). English writes "points" after any
number with decimals ("1.00 points", CLDR's "other"). The kiosk's script picks the same
words by the browser's Intl.PluralRules from `point_forms()`.
"""

from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import ngettext, pgettext

# CLDR's categories (Intl.PluralRules' names) and a whole number of each, for ngettext.
_WHOLE = (("one", 1), ("few", 2), ("many", 5))


def fraction_word() -> str:
    return pgettext("after a number written with decimals, as 1.50", "points")


def special_fraction_word() -> str:
    """Special points after a number with decimals: uk "2,70 спеціального бала"."""
    return pgettext("after a number written with decimals, as 1.50", "special points")


def point_word(value: object, places: int = 2) -> str:
    """The word for `value` points written with `places` decimals."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return fraction_word()
    if places > 0 or number != number.to_integral_value():
        return fraction_word()
    return ngettext("point", "points", int(number))


def point_count(value: object, places: int = 2) -> str:
    """'100,00 бала' / '100.00 points' (places=2), '5 балів' / '5 points' (places=0)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    shown = formats.number_format(number, places, use_l10n=True)
    return f"{shown} {point_word(number, places)}"


def point_forms() -> dict[str, str]:
    """The word by plural category in the active language; "other" is what a number with
    decimals takes (the kiosk asks Intl.PluralRules with the decimals it shows)."""
    forms = {category: ngettext("point", "points", n) for category, n in _WHOLE}
    forms["other"] = fraction_word()
    return forms
