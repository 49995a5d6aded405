"""The worked examples of rules.md and the check calls of terminal-api.md, over HTTP."""

from decimal import Decimal

import pytest
from django.db import connection

from customers import ledger
from customers.models import LedgerEntry
from loyalty.models import Rule, Sale
from terminal.api.common import request_hash
from tests.factories import CustomerFactory, EnrolmentFactory

from .conftest import BEANS, CROISSANT, LATTE, item

pytestmark = pytest.mark.django_db
D = Decimal


def customer_of(till, phone="+380501234567"):
    customer = CustomerFactory(business=till.business, phone=phone)
    EnrolmentFactory(customer=customer, business=till.business, program=till.program)
    return customer


def test_example_1_tiered_check_discount(till):
    till.rule(
        action="discount_check_percent",
        value=None,
        depends_measure="amount",
        depends_period="check",
        thresholds=[{"from": "0", "value": "1"}, {"from": "100.01", "value": "7"}],
    )
    one = till.evaluate({"positions": [item(LATTE)]})
    assert one.status_code == 200, one.json()
    assert (one.json()["discount"], one.json()["amount_to_pay"]) == ("0.60", "59.40")
    two = till.evaluate({"positions": [item(LATTE, "2")]}).json()
    assert (two["amount"], two["discount"], two["amount_to_pay"]) == ("120.00", "8.40", "111.60")


def test_example_2_special_price_then_percent(till):
    till.rule(
        key="b",
        action="special_price",
        value=D("30.00"),
        priority=0,
        include_goods=["LATTE"],
        max_quantity=D("2"),
    )
    till.rule(
        key="c",
        action="discount_goods_percent",
        value=D("10"),
        priority=5,
        include_categories=["coffee"],
    )
    body = till.evaluate({"positions": [item(LATTE, "3")]}).json()
    assert body["amount_to_pay"] == "108.00"
    assert [r["key"] for r in body["applied_rules"]] == ["b", "c"]
    assert [r["discount"] for r in body["applied_rules"]] == ["60.00", "12.00"]


@pytest.mark.parametrize(
    ("d_priority", "discount", "credit", "skipped"),
    [
        (0, "70.00", None, None),
        (2, "0.00", "17.50", "not_combinable"),
    ],
)
def test_example_3_combine_false(till, d_priority, discount, credit, skipped):
    till.rule(
        key="d", action="discount_check_percent", value=D("20"), combine=False, priority=d_priority
    )
    till.rule(key="e", action="credit_check_percent", value=D("5"), priority=1)
    customer_of(till)
    body = till.evaluate(
        {"customer": {"phone": "+380501234567"}, "positions": [item(BEANS)]}
    ).json()
    assert body["discount"] == discount
    credits = [c["amount"] for c in body["credits"]]
    assert credits == ([credit] if credit else [])
    codes = {(n["ref"], n["code"]) for n in body["not_applied"]}
    if skipped:
        assert ("d", skipped) in codes


def test_example_5_check_amount_split(till):
    till.rule(action="discount_check_amount", value=D("10.00"))
    body = till.evaluate({"positions": [item(LATTE), item(CROISSANT)]}).json()
    assert [p["discount"] for p in body["positions"]] == ["5.71", "4.29"]


def test_example_6_credit_per_unit_with_min_quantity(till):
    till.rule(
        action="credit_goods_amount",
        value=D("5"),
        include_categories=["coffee"],
        exclude_goods=["BEANS"],
        min_quantity=D("2"),
    )
    customer_of(till)
    ref = {"phone": "0501234567"}
    none = till.evaluate({"customer": ref, "positions": [item(LATTE), item(BEANS)]}).json()
    assert none["credits"] == []
    two = till.evaluate({"customer": ref, "positions": [item(LATTE, "2")]}).json()
    assert [c["amount"] for c in two["credits"]] == ["10.00"]


def test_confirm_writes_sale_credits_and_replays(till):
    till.rule(action="credit_check_percent", value=D("10"))
    customer = customer_of(till)
    body = {
        "customer": {"phone": "+380501234567"},
        "positions": [item(LATTE)],
        "external_id": "POS-1",
    }
    first = till.confirm(body, key="abc")
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["sale"]["external_id"] == "POS-1"
    account = ledger.get_account(customer=customer, program=till.program)
    assert account.balance == D("6.00")
    again = till.confirm(body, key="abc")
    assert again.status_code == 201
    assert again.json() == data
    assert Sale.objects.count() == 1
    conflict = till.confirm({**body, "external_id": "POS-2"}, key="abc")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"
    # The answer is the sale's stored result: a replay after a cancel still gets the original.
    sale_id = data["sale"]["id"]
    cancel = till.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel", format="json")
    assert cancel.status_code == 200
    after_cancel = till.confirm(body, key="abc")
    assert (after_cancel.status_code, after_cancel.json()) == (201, data)


def test_a_replay_answers_the_first_answer_byte_for_byte(till):
    till.rule(action="credit_check_percent", value=D("10"))
    customer_of(till)
    body = {"customer": {"phone": "+380501234567"}, "positions": [item(LATTE)]}
    first = till.confirm(body, key="bytes")
    again = till.confirm(body, key="bytes")
    assert (first.status_code, again.status_code) == (201, 201)
    assert first["Content-Type"] == again["Content-Type"] == "application/json"
    assert again.content == first.content
    sale = Sale.objects.get()
    assert sale.answer.encode() == first.content
    assert sale.result["sale"]["id"] == sale.pk


def test_the_stored_answers_are_compressed_with_lz4_where_the_server_has_it():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if not cursor.fetchone()[0]:
            pytest.skip("this PostgreSQL is built without lz4")
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'loyalty_sale'::regclass AND attname = 'answer'"
        )
        assert cursor.fetchone()[0] == "l"


def test_a_key_stored_before_the_sale_link_replays_its_copied_answer(till):
    from loyalty.models import IdempotencyRecord

    body = {"positions": [item(LATTE)]}
    answer = {"sale": {"id": 12345}, "money_to_pay": "1.00"}
    IdempotencyRecord.objects.create(
        business=till.business, device=till.device, key="old", status_code=201, body=answer,
        request_hash=request_hash(body),
    )  # fmt: skip
    replay = till.confirm(body, key="old")
    assert (replay.status_code, replay.json()) == (201, answer)


def test_confirm_requires_idempotency_key(till):
    response = till.client.post(
        "/api/v1/terminal/checks", {"positions": [item(LATTE)]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "Idempotency-Key"


def test_points_payment_and_cancel_reverse_everything(till):
    till.program.max_points_share = D("50")
    till.program.save()
    till.rule(action="credit_check_percent", value=D("10"))
    customer = customer_of(till)
    account = ledger.get_account(customer=customer, program=till.program)
    ledger.credit(account=account, amount=D("100.00"))
    ref = {"phone": "+380501234567"}

    too_much = till.evaluate(
        {"customer": ref, "positions": [item(LATTE)], "pay_with_points": "30.01"}
    )
    assert too_much.status_code == 422
    assert too_much.json()["error"]["code"] == "points_share_exceeded"
    short = till.evaluate(
        {"customer": ref, "positions": [item(LATTE, "5")], "pay_with_points": "100.01"}
    )
    assert short.json()["error"]["code"] == "insufficient_points"

    confirmed = till.confirm(
        {"customer": ref, "positions": [item(LATTE)], "pay_with_points": "30.00"}, key="pay"
    )
    assert confirmed.status_code == 201, confirmed.json()
    data = confirmed.json()
    assert (data["points_paid"], data["money_to_pay"]) == ("30.00", "30.00")
    account.refresh_from_db()
    assert account.balance == D("76.00")  # 100 - 30 + 6 (credit on the full 60.00)

    sale_id = data["sale"]["id"]
    cancel = till.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel")
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "cancelled"
    account.refresh_from_db()
    assert account.balance == D("100.00")
    entries = LedgerEntry.objects.filter(account=account).count()
    again = till.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel")
    assert again.status_code == 200
    assert LedgerEntry.objects.filter(account=account).count() == entries


def test_get_sale_of_another_business_is_404(till, other_till):
    confirmed = other_till.confirm({"positions": [item(LATTE)]}).json()
    sale_id = confirmed["sale"]["id"]
    assert other_till.client.get(f"/api/v1/terminal/checks/{sale_id}").status_code == 200
    foreign = till.client.get(f"/api/v1/terminal/checks/{sale_id}")
    assert foreign.status_code == 404
    assert foreign.json() == till.client.get("/api/v1/terminal/checks/999999").json()
    assert till.client.post(f"/api/v1/terminal/checks/{sale_id}/cancel").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"positions": []}, "positions"),
        ({"positions": [{"code": "X", "price": "1.00", "quantity": "0"}]}, "positions[0].quantity"),
        (
            {"positions": [{"code": "X", "price": "1.00", "quantity": "1.0001"}]},
            "positions[0].quantity",
        ),
        ({"positions": [{"code": "X", "price": "-1", "quantity": "1"}]}, "positions[0].price"),
        (
            {"positions": [{"code": "X", "price": "123456789012.00", "quantity": "1"}]},
            "positions[0].price",
        ),
        (
            {
                "positions": [{"code": "X", "price": "1.00", "quantity": "1"}],
                "time": "2001-01-01T00:00:00+00:00",
            },
            "time",
        ),
        (
            {
                "positions": [{"code": "X", "price": "1.00", "quantity": "1"}],
                "customer": {"phone": "not a phone"},
            },
            "customer.phone",
        ),
    ],
)
def test_bad_checks_name_the_field(till, body, field):
    response = till.evaluate(body)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["field"] == field


def test_too_many_positions(till):
    body = {"positions": [item(LATTE)] * 501}
    response = till.evaluate(body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "positions"


def test_auto_register_on_confirm_only(till):
    till.rule(action="credit_check_amount", value=D("5"), applies_to_sales=Rule.AppliesTo.FIRST)
    body = {"customer": {"phone": "+380509999999"}, "positions": [item(LATTE)]}
    evaluated = till.evaluate(body).json()
    assert evaluated["credits"][0]["amount"] == "5.00"
    assert evaluated["customer"]["id"] is None
    from customers.models import Customer

    assert not Customer.objects.filter(phone="+380509999999").exists()
    confirmed = till.confirm(body).json()
    assert Customer.objects.filter(phone="+380509999999").exists()
    assert confirmed["customer"]["id"] is not None
    second = till.evaluate(body).json()
    assert second["credits"] == []  # a repeat sale now


def test_unknown_phone_without_auto_register(till):
    till.program.auto_register = False
    till.program.save()
    response = till.evaluate({"customer": {"phone": "+380509999998"}, "positions": [item(LATTE)]})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_manual_rules_selected_and_refused(till):
    manual = till.rule(
        key="staff-meal", mode="manual", action="discount_check_percent", value=D("50")
    )
    listed = till.client.get("/api/v1/terminal/rules/manual").json()
    assert [r["key"] for r in listed] == ["staff-meal"]
    body = till.evaluate({"positions": [item(LATTE)], "manual_rules": [manual.pk]}).json()
    assert body["discount"] == "30.00"
    unknown = till.evaluate({"positions": [item(LATTE)], "manual_rules": [999999]}).json()
    assert unknown["not_applied"][0]["kind"] == "rule"
    refused = till.confirm({"positions": [item(LATTE)], "manual_rules": [999999]})
    assert refused.status_code == 422


def test_ping_and_auth(till):
    assert till.client.get("/api/v1/terminal/ping").json()["point_of_sale"] == "center"
    from rest_framework.test import APIClient

    anonymous = APIClient().get("/api/v1/terminal/ping")
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token nope")
    assert bad.get("/api/v1/terminal/ping").status_code == 401


def test_example_4_history_threshold_over_completed_sales_only(till):
    from coupons.models import CouponSeries

    series = CouponSeries.objects.create(
        business=till.business, program=till.program, key="free-croissant", name="Croissant",
        top_up_amount=D("1.00"), validity_type="relative", valid_days=30,
    )  # fmt: skip
    till.rule(
        key="f", action="issue_coupon_goods", value=None, include_goods=["BEANS"],
        coupon_series=series, coupon_per="check", coupon_quantity=1,
        depends_measure="quantity", depends_period="last_365_days",
        thresholds=[{"from": "3", "value": "1"}],
    )  # fmt: skip
    ref = {"phone": "+380507770000"}
    first = till.confirm({"customer": ref, "positions": [item(BEANS, "3")]}, key="b1").json()
    assert first["coupons_issued"] == []  # the current check never counts
    second = till.evaluate({"customer": ref, "positions": [item(BEANS)]}).json()
    assert [c["series"] for c in second["coupons_issued"]] == ["free-croissant"]
    # A cancelled sale does not count either.
    till.client.post(f"/api/v1/terminal/checks/{first['sale']['id']}/cancel")
    third = till.evaluate({"customer": ref, "positions": [item(BEANS)]}).json()
    assert third["coupons_issued"] == []
    assert {n["code"] for n in third["not_applied"]} == {"no_threshold"}


def test_history_counts_matched_goods_amounts_over_the_period(till):
    till.rule(
        key="loyal", action="credit_goods_percent", value=None, include_categories=["coffee"],
        exclude_goods=["BEANS"], depends_measure="amount", depends_period="month",
        thresholds=[{"from": "100.00", "value": "10"}],
    )  # fmt: skip
    ref = {"phone": "+380507770001"}
    # 60.00 of coffee (LATTE) and 350.00 of excluded BEANS: 60.00 counts.
    till.confirm({"customer": ref, "positions": [item(LATTE), item(BEANS)]}, key="h1")
    below = till.evaluate({"customer": ref, "positions": [item(LATTE)]}).json()
    assert below["credits"] == []
    till.confirm({"customer": ref, "positions": [item(LATTE)]}, key="h2")
    reached = till.evaluate({"customer": ref, "positions": [item(LATTE)]}).json()
    assert [c["amount"] for c in reached["credits"]] == ["6.00"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/terminal/customers/lookup?card=AB%00C",
        "/api/v1/terminal/customers/lookup?phone=%00",
    ],
)
def test_unstorable_characters_are_a_validation_error(till, path):
    response = till.client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_nul_in_a_coupon_code_is_not_a_server_error(till):
    response = till.client.get("/api/v1/terminal/coupons/AB%00CD")
    assert response.status_code in (400, 404)
    assert "error" in response.json()
