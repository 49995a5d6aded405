"""Reading a check request body (terminal-api.md "Check request") into a CheckInput.

`CheckRequestSerializer` is the definition: it documents the body in the schema and words
every error. Running it costs about 0.5 ms for ten positions (DRF deep-copies its fields
and runs each value through its validators), a sixth of an evaluate. So a body made only of
plainly valid values (strings within their lengths, amounts like "12.50") is read by the
short path below; anything else (a missing or blank field, a number in exponent notation,
a negative amount, a stray type) goes through the serializer, which accepts or words the
error exactly as before. payments.md's `payments` and `gift_cards_sold` take the short path
too (1 check in 5 carries them in LOAD_MIX=payments). tests/terminal/test_check_request.py
checks that both paths agree.
"""

import re
from decimal import Decimal

from rest_framework import serializers

from loyalty.checks import CheckInput, PositionInput
from loyalty.checks.inputs import (
    MAX_COUPONS,
    MAX_GIFT_CARDS_SOLD,
    MAX_MANUAL_RULES,
    MAX_PAYMENTS,
    MAX_POSITIONS,
    GiftCardSaleInput,
    PaymentInput,
)

from .serializers import CheckRequestSerializer

# Amounts the serializer's DecimalFields accept unchanged: digits, at most the field's
# decimal places, and few enough whole digits (a leading zero only counts against us).
_PRICE = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?")
_QUANTITY = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,3})?")
_POINTS = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")
_UNITS = _QUANTITY  # PaymentSerializer.units: 12 digits, 3 of them decimal
# What CharField's validators refuse: NUL and lone surrogates.
_REFUSED_CHARS = re.compile("[\x00\ud800-\udfff]")
_CENT = Decimal("0.01")
_THOUSANDTH = Decimal("0.001")
_MIN_QUANTITY = Decimal("0.001")
_MIN_AMOUNT = Decimal("0.01")
_CUSTOMER_KEYS = {"phone": 40, "card": 80}
_TIME = serializers.DateTimeField(allow_null=True)


class _Fallback(Exception):
    """The value is not plainly valid: let the serializer judge it."""


def parse_check(data) -> CheckInput:
    """The validated check; raises DRF's ValidationError naming the field."""
    try:
        return _read(data)
    except _Fallback:
        serializer = CheckRequestSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.to_check()


def _read(data) -> CheckInput:
    if type(data) is not dict:
        raise _Fallback
    positions = data.get("positions")
    if type(positions) is not list or not 0 < len(positions) <= MAX_POSITIONS:
        raise _Fallback
    manual_rules = data.get("manual_rules", [])
    coupons = data.get("coupons", [])
    if type(manual_rules) is not list or len(manual_rules) > MAX_MANUAL_RULES:
        raise _Fallback
    if type(coupons) is not list or len(coupons) > MAX_COUPONS:
        raise _Fallback
    if any(type(rule) is not int or rule < 1 for rule in manual_rules):
        raise _Fallback
    external_id = data.get("external_id", "")
    return CheckInput(
        customer=_customer(data.get("customer")),
        positions=tuple(_position(p) for p in positions),
        manual_rules=tuple(manual_rules),
        coupons=tuple(_text(code, 80) for code in coupons),
        pay_with_points=_amount(data.get("pay_with_points", "0"), _POINTS, _CENT),
        external_id="" if external_id is None else _text(external_id, 100, blank=True),
        time=_time(data.get("time")),
        payments=_entries(data, "payments", MAX_PAYMENTS, _payment),
        gift_cards_sold=_entries(data, "gift_cards_sold", MAX_GIFT_CARDS_SOLD, _gift_card_sold),
    )


def _entries(data, name: str, most: int, read) -> tuple:
    """payments.md's lists: absent or a list of at most `most` plainly valid entries."""
    if name not in data:
        return ()
    entries = data[name]
    if type(entries) is not list or len(entries) > most:
        raise _Fallback
    return tuple(read(entry) for entry in entries)


def _payment(p) -> PaymentInput:
    # PaymentSerializer: exactly one of account / gift_card, exactly one of amount / units.
    if type(p) is not dict or ("account" in p) == ("gift_card" in p):
        raise _Fallback
    if ("amount" in p) == ("units" in p):
        raise _Fallback
    account = _text(p["account"], 80) if "account" in p else None
    gift_card = _text(p["gift_card"], 80) if "gift_card" in p else None
    amount = units = None
    if "amount" in p:
        amount = _amount(p["amount"], _POINTS, _CENT)
        if amount < _MIN_AMOUNT:
            raise _Fallback
    else:
        units = _amount(p["units"], _UNITS, _THOUSANDTH)
        if units < _MIN_QUANTITY:
            raise _Fallback
    return PaymentInput(account=account, gift_card=gift_card, amount=amount, units=units)


def _gift_card_sold(g) -> GiftCardSaleInput:
    if type(g) is not dict or "series" not in g or "amount" not in g:
        raise _Fallback
    amount = _amount(g["amount"], _POINTS, _CENT)
    if amount < _MIN_AMOUNT:
        raise _Fallback
    return GiftCardSaleInput(
        series=_text(g["series"], 80),
        amount=amount,
        code=_text(g.get("code", ""), 80, blank=True),
    )


def _position(p) -> PositionInput:
    if type(p) is not dict or "code" not in p or "price" not in p or "quantity" not in p:
        raise _Fallback
    category = p.get("category", "")
    quantity = _amount(p["quantity"], _QUANTITY, _THOUSANDTH)
    if quantity < _MIN_QUANTITY:
        raise _Fallback
    return PositionInput(
        code=_text(p["code"], 80),
        title=_text(p.get("title", ""), 200, blank=True),
        category="" if category is None else _text(category, 80, blank=True),
        price=_amount(p["price"], _PRICE, _CENT),
        quantity=quantity,
    )


def _customer(ref) -> dict | None:
    if ref is None:
        return None
    if type(ref) is not dict or len(ref) != 1:
        raise _Fallback
    ((key, value),) = ref.items()
    if key == "id":
        if type(value) is not int or value < 1:
            raise _Fallback
        return {"id": value}
    if key not in _CUSTOMER_KEYS:
        raise _Fallback
    return {key: _text(value, _CUSTOMER_KEYS[key])}


def _text(value, max_length: int, *, blank: bool = False) -> str:
    if type(value) is not str:
        raise _Fallback
    value = value.strip()
    if (not value and not blank) or len(value) > max_length or _REFUSED_CHARS.search(value):
        raise _Fallback
    return value


def _amount(value, pattern: re.Pattern, places: Decimal) -> Decimal:
    if type(value) is int:
        value = str(value)
    elif type(value) is not str:
        raise _Fallback
    value = value.strip()
    if not pattern.fullmatch(value):
        raise _Fallback
    return Decimal(value).quantize(places)


def _time(value):
    if value is None:
        return None
    try:
        return _TIME.run_validation(value)
    except serializers.ValidationError:
        raise _Fallback from None
