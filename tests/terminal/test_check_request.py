"""The check body's short path (terminal/api/check_request.py) against the serializer that
defines it: whatever the short path accepts, the serializer accepts with the same values;
everything else is judged, and worded, by the serializer."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from terminal.api import check_request
from terminal.api.serializers import CheckRequestSerializer


def _plain(check) -> dict:
    """A CheckInput with its Decimals as strings: Decimal("1.0") == Decimal("1.00")."""

    def walk(value):
        if isinstance(value, Decimal):
            return ("decimal", str(value))
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value):
            return walk(dataclasses.asdict(value))
        return value

    return walk(check)


def _serializer(data):
    serializer = CheckRequestSerializer(data=data)
    if serializer.is_valid():
        return serializer.to_check(), None
    return None, serializer.errors


def _short(data):
    try:
        return check_request._read(data)
    except check_request._Fallback:
        return None


# Plain values and odd ones, mixed so that both paths are taken often.
plain_texts = st.from_regex(r" ?[A-Za-z0-9+-][ A-Za-z0-9+-]{0,10}", fullmatch=True)
plain_amounts = st.from_regex(r" ?[1-9][0-9]{0,4}(\.[0-9]{1,2})?", fullmatch=True)
odd_texts = st.one_of(
    st.text(max_size=6),
    st.sampled_from(["", " ", " A-1 ", "x" * 80, "x" * 81, "x" * 201, "a\x00b", "\ud800"]),
    st.integers(-5, 5),
    st.none(),
    st.booleans(),
)
odd_amounts = st.one_of(
    st.sampled_from(
        [
            "0", "0.00", "12.5", "12.50", " 7 ", "1.005", "0.001", "0.0001", "-1", "1e2",
            "NaN", "Infinity", "99999999.99", "100000000", "999999999.999", "1,5", "", "٣",
            "0012.50", "+3",
        ]
    ),
    st.integers(-3, 10**11),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(places=3, min_value=-10, max_value=10**9).map(str),
    st.none(),
    st.booleans(),
)  # fmt: skip


plain_positions = st.fixed_dictionaries(
    {"code": plain_texts, "price": st.one_of(plain_amounts, st.integers(1, 99)),
     "quantity": st.one_of(plain_amounts, st.integers(1, 99))},
    optional={"title": plain_texts, "category": st.one_of(plain_texts, st.none())},
)  # fmt: skip
# payments.md: an account or a gift card, with an amount or (an account) whole units.
plain_payments = st.one_of(
    st.builds(dict, account=plain_texts, amount=plain_amounts),
    st.builds(dict, account=plain_texts, units=st.one_of(plain_amounts, st.integers(1, 9))),
    st.builds(dict, gift_card=plain_texts, amount=st.one_of(plain_amounts, st.integers(1, 99))),
)
plain_gift_cards_sold = st.fixed_dictionaries(
    {"series": plain_texts, "amount": plain_amounts},
    optional={"code": st.one_of(plain_texts, st.just(""))},
)
plain_bodies = st.fixed_dictionaries(
    {"positions": st.lists(plain_positions, min_size=1, max_size=3)},
    optional={
        "customer": st.one_of(
            st.none(),
            st.builds(dict, phone=plain_texts),
            st.builds(dict, card=plain_texts),
            st.builds(dict, id=st.integers(1, 99)),
        ),
        "manual_rules": st.lists(st.integers(1, 9), max_size=2),
        "coupons": st.lists(plain_texts, max_size=2),
        "pay_with_points": st.one_of(plain_amounts, st.integers(0, 99)),
        "external_id": st.one_of(plain_texts, st.none()),
        "time": st.sampled_from([None, "2026-03-10T12:00:00+02:00", "2026-03-10T12:00:00"]),
        "payments": st.lists(plain_payments, max_size=3),
        "gift_cards_sold": st.lists(plain_gift_cards_sold, max_size=2),
    },
)
odd_values = st.one_of(
    odd_texts,
    odd_amounts,
    st.lists(odd_texts, max_size=2),
    st.dictionaries(st.sampled_from(["phone", "card", "id", "x"]), odd_texts, max_size=3),
    st.sampled_from(["", "yesterday", [], {}]),
)
FIELDS = ["positions", "customer", "manual_rules", "coupons", "pay_with_points", "external_id",
          "time", "payments", "gift_cards_sold"]  # fmt: skip
POSITION_FIELDS = ["code", "title", "category", "price", "quantity"]
PAYMENT_FIELDS = ["account", "gift_card", "amount", "units"]
GIFT_CARD_SOLD_FIELDS = ["series", "amount", "code"]


def _agrees(body) -> bool:
    """Asserts both paths agree on `body`; True when the short path read it."""
    expected, errors = _serializer(body)
    short = _short(body)
    if short is not None:
        assert errors is None, (body, errors)
        assert _plain(short) == _plain(expected)
    # parse_check answers exactly as the serializer does, whichever path it took.
    if errors is None:
        assert _plain(check_request.parse_check(body)) == _plain(expected)
    else:
        with pytest.raises(ValidationError) as raised:
            check_request.parse_check(body)
        assert raised.value.detail == errors
    return short is not None


@settings(max_examples=300, deadline=None)
@given(plain_bodies)
def test_plain_bodies_take_the_short_path_and_read_the_same(body):
    assert _agrees(body)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_bodies, st.data())
def test_one_odd_value_anywhere_is_judged_as_the_serializer_judges_it(body, data):
    value = data.draw(odd_values, label="odd value")
    if data.draw(st.booleans(), label="in a position"):
        position = data.draw(st.sampled_from(body["positions"]))
        position[data.draw(st.sampled_from(POSITION_FIELDS))] = value
    else:
        body[data.draw(st.sampled_from(FIELDS))] = value
    event("short path" if _agrees(body) else "serializer")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_bodies, st.data())
def test_one_odd_value_in_a_payment_or_a_gift_card_sold_is_judged_as_the_serializer_does(
    body, data
):
    """payments.md's entries on the short path: an odd, missing or extra value in one of
    them is worded exactly as the serializer words it (`payments[0].amount` and so on)."""
    name, fields = data.draw(
        st.sampled_from([("payments", PAYMENT_FIELDS), ("gift_cards_sold", GIFT_CARD_SOLD_FIELDS)])
    )
    entries = body.setdefault(name, [])
    if not entries:
        entries.append(data.draw(plain_payments if name == "payments" else plain_gift_cards_sold))
    entry = data.draw(st.sampled_from(entries))
    key = data.draw(st.sampled_from(fields))
    if data.draw(st.booleans(), label="remove it"):
        entry.pop(key, None)
    else:
        entry[key] = data.draw(odd_values, label="odd value")
    event("short path" if _agrees(body) else "serializer")


def test_a_usual_body_takes_the_short_path():
    body = {
        "customer": {"phone": " +380 50 111 22 33 "},
        "positions": [
            {"code": f"G{i}", "title": f"Goods {i}", "category": "food", "price": f"{i}.5",
             "quantity": "2"}
            for i in range(10)
        ] + [{"code": "W", "price": 3, "quantity": "0.125", "category": None}],
        "manual_rules": [3],
        "coupons": ["ABC-123"],
        "pay_with_points": "10.5",
        "external_id": None,
        "time": "2026-03-10T12:00:00+02:00",
    }  # fmt: skip
    short = _short(body)
    assert short is not None
    assert short.customer == {"phone": "+380 50 111 22 33"}
    assert (str(short.positions[1].price), str(short.positions[1].quantity)) == ("1.50", "2.000")
    assert str(short.pay_with_points) == "10.50"
    assert _plain(short) == _plain(_serializer(body)[0])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"positions": [{"code": "A", "price": "1.234", "quantity": "1"}]}, "positions"),
        ({"positions": [{"code": "A", "price": "-1", "quantity": "1"}]}, "positions"),
        ({"positions": [{"code": "A", "price": "1", "quantity": "0"}]}, "positions"),
        ({"positions": []}, "positions"),
        ({"positions": [{"code": "A\x00", "price": "1", "quantity": "1"}]}, "positions"),
        (
            {"positions": [{"code": "A", "title": "\ud800", "price": "1", "quantity": "1"}]},
            "positions",
        ),
        (
            {"positions": [{"code": "A", "price": "1", "quantity": "1"}], "coupons": [" "]},
            "coupons",
        ),
        ({"positions": [{"code": "A", "price": "1", "quantity": "1"}], "customer": {}}, "customer"),
        (
            {"positions": [{"code": "A", "price": "1", "quantity": "1"}], "pay_with_points": None},
            "pay_with_points",
        ),
    ],
)
def test_refused_bodies_are_worded_by_the_serializer(body, field):
    assert _short(body) is None
    with pytest.raises(ValidationError) as raised:
        check_request.parse_check(body)
    assert field in raised.value.detail


def test_a_body_with_payments_and_gift_cards_sold_takes_the_short_path():
    body = {
        "customer": {"phone": "+380501112233"},
        "positions": [{"code": "A", "price": "100", "quantity": "1"}],
        "payments": [
            {"account": " wallet ", "amount": "5"},
            {"account": "car-wash", "units": 2},
            {"gift_card": "GC-1234-5678", "amount": "30.50"},
        ],
        "gift_cards_sold": [{"series": "gc", "amount": "500"}, {"series": "gc", "amount": 200,
                                                               "code": "GC-0000-0001"}],
    }  # fmt: skip
    short = _short(body)
    assert short is not None
    assert [(p.account, p.gift_card, str(p.amount), str(p.units)) for p in short.payments] == [
        ("wallet", None, "5.00", "None"),
        ("car-wash", None, "None", "2.000"),
        (None, "GC-1234-5678", "30.50", "None"),
    ]
    assert [(g.series, str(g.amount), g.code) for g in short.gift_cards_sold] == [
        ("gc", "500.00", ""),
        ("gc", "200.00", "GC-0000-0001"),
    ]
    assert _plain(short) == _plain(_serializer(body)[0])


_ONE = [{"code": "A", "price": "1", "quantity": "1"}]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"payments": [{"account": "w", "amount": "0.00"}]}, ("payments", 0, "amount")),
        ({"payments": [{"account": "w", "amount": "1.005"}]}, ("payments", 0, "amount")),
        ({"payments": [{"account": "w", "units": "0.0001"}]}, ("payments", 0, "units")),
        ({"payments": [{"account": "w"}]}, ("payments", 0, "amount")),
        ({"payments": [{"account": "w", "amount": "1", "units": "1"}]}, ("payments", 0, "units")),
        ({"payments": [{"account": "w", "gift_card": "G", "amount": "1"}]},
         ("payments", 0, "non_field_errors")),
        ({"payments": [{"account": " ", "amount": "1"}]}, ("payments", 0, "account")),
        ({"payments": [{"gift_card": "G" * 81, "amount": "1"}]}, ("payments", 0, "gift_card")),
        ({"payments": [{"gift_card": "G", "amount": "1"}] * 11}, ("payments",)),
        ({"payments": None}, ("payments",)),
        ({"gift_cards_sold": [{"series": "gc", "amount": "-5"}]},
         ("gift_cards_sold", 0, "amount")),
        ({"gift_cards_sold": [{"amount": "5"}]}, ("gift_cards_sold", 0, "series")),
        ({"gift_cards_sold": [{"series": "gc", "amount": "5", "code": None}]},
         ("gift_cards_sold", 0, "code")),
    ],
)  # fmt: skip
def test_refused_payments_are_worded_by_the_serializer(body, path):
    body = {"positions": _ONE, **body}
    assert _short(body) is None
    with pytest.raises(ValidationError) as raised:
        check_request.parse_check(body)
    detail = raised.value.detail
    assert detail == _serializer(body)[1]
    for step in path:
        detail = detail[step]
    assert detail
