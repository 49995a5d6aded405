"""Reading a check request body (terminal-api.md "Check request") into a CheckInput.

`CheckRequestSerializer` is the definition: it documents the body in the schema and words
every error. Running it costs about 0.5 ms for ten positions (DRF deep-copies its fields
and runs each value through its validators), a sixth of an evaluate. So a body made only of
plainly valid values (strings within their lengths, amounts like "12.50") is read by the
short path below; anything else (a missing or blank field, a number in exponent notation,
a negative amount, a stray type) goes through the serializer, which accepts or words the
error exactly as before. tests/terminal/test_check_request.py checks that both paths agree.
"""

import re
from decimal import Decimal

from rest_framework import serializers

from loyalty.checks import CheckInput, PositionInput
from loyalty.checks.inputs import MAX_COUPONS, MAX_MANUAL_RULES, MAX_POSITIONS

from .serializers import CheckRequestSerializer

# Amounts the serializer's DecimalFields accept unchanged: digits, at most the field's
# decimal places, and few enough whole digits (a leading zero only counts against us).
_PRICE = re.compile(r"[0-9]{1,8}(?:\.[0-9]{1,2})?")
_QUANTITY = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,3})?")
_POINTS = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?")
# What CharField's validators refuse: NUL and lone surrogates.
_REFUSED_CHARS = re.compile("[\x00\ud800-\udfff]")
_CENT = Decimal("0.01")
_THOUSANDTH = Decimal("0.001")
_MIN_QUANTITY = Decimal("0.001")
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
    if type(data) is not dict or "payments" in data or "gift_cards_sold" in data:
        raise _Fallback  # payments.md's fields are read by the serializer alone
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
