"""The JSON endpoints behind the check page: goods, customers, evaluate, certificates,
confirm."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from customers.models import Customer
from loyalty.models import Sale
from tests.factories import GoodsFactory

pytestmark = pytest.mark.django_db
D = Decimal


def post(client, name, body):
    return client.post(reverse(name), body, content_type="application/json")


def check(*lines, **extra):
    return {"lines": [{"code": c, "quantity": q} for c, q in lines], **extra}


# -- goods ----------------------------------------------------------------------------------


def test_goods_search_by_name_and_code(till, shop):
    by_name = till.get(reverse("cashier:api_goods"), {"q": "lat"}).json()["items"]
    assert [i["code"] for i in by_name] == ["LATTE"]
    assert by_name[0] == {"code": "LATTE", "title": "Latte", "category": "coffee", "price": "60.00"}
    by_code = till.get(reverse("cashier:api_goods"), {"q": "beans"}).json()["items"]
    assert by_code[0]["code"] == "BEANS"
    assert till.get(reverse("cashier:api_goods"), {"q": ""}).json()["items"] == []


def test_goods_search_is_scoped_and_skips_inactive(till, shop, other_shop):
    GoodsFactory(business=shop.business, code="OLD", title="Old latte", is_active=False)
    GoodsFactory(business=other_shop.business, code="FOREIGN", title="Foreign latte")
    codes = [
        i["code"] for i in till.get(reverse("cashier:api_goods"), {"q": "latte"}).json()["items"]
    ]
    assert codes == ["LATTE"]


def test_exact_code_comes_first(till, shop):
    GoodsFactory(business=shop.business, code="LAT", title="A latte-like thing")
    items = till.get(reverse("cashier:api_goods"), {"q": "LAT"}).json()["items"]
    assert items[0]["code"] == "LAT"


# -- customers ------------------------------------------------------------------------------


def test_lookup_by_phone_in_local_format(till, shop):
    response = till.get(reverse("cashier:api_customer"), {"phone": "050 111 22 33"})
    assert response.status_code == 200
    body = response.json()
    assert body["customer"]["id"] == shop.customer.pk
    assert body["customer"]["category"] == "regular"
    assert body["spendable"] == "100.00"
    assert "Olena" in body["html"]


def test_lookup_by_card_shows_wallet_coupons(till, shop):
    coupon = shop.wallet_coupon(shop.customer)
    body = till.get(reverse("cashier:api_customer"), {"card": shop.customer.card_code}).json()
    assert [c["code"] for c in body["customer"]["coupons"]] == [coupon.code]
    assert coupon.code in body["html"] and "Welcome 10% off" in body["html"]


def test_lookup_unknown_and_foreign_customer_is_404(till, other_shop):
    unknown = till.get(reverse("cashier:api_customer"), {"phone": "+380509999999"})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "not_found"
    foreign = till.get(reverse("cashier:api_customer"), {"id": other_shop.customer.pk})
    assert foreign.status_code == 404
    empty = till.get(reverse("cashier:api_customer"))
    assert empty.status_code == 400


def test_register_customer_by_phone(till, shop):
    response = post(till, "cashier:api_register", {"phone": "067 123 45 67", "name": "Taras"})
    assert response.status_code == 201
    customer = Customer.objects.get(pk=response.json()["customer"]["id"])
    assert (customer.business_id, customer.phone, customer.name) == (
        shop.business.pk,
        "+380671234567",
        "Taras",
    )
    again = post(till, "cashier:api_register", {"phone": "+380671234567"})
    assert again.status_code == 200
    assert again.json()["customer"]["id"] == customer.pk


def test_register_refuses_a_bad_phone(till):
    response = post(till, "cashier:api_register", {"phone": "12"})
    assert response.status_code == 400
    assert response.json()["error"]["message"]


# -- evaluate -------------------------------------------------------------------------------


def test_evaluate_anonymous_check_uses_catalogue_prices(till):
    response = post(till, "cashier:api_evaluate", check(("LATTE", "2"), ("CROISSANT", "1")))
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert (result["amount"], result["money_to_pay"]) == ("165.00", "165.00")
    assert "Latte" in response.json()["html"]


def test_evaluate_identified_with_manual_rule_and_points(till, shop):
    body = check(
        ("LATTE", "2"),
        customer_id=shop.customer.pk,
        manual_rules=[shop.manual_rule.pk],
        pay_with_points="10.00",
    )
    result = post(till, "cashier:api_evaluate", body).json()["result"]
    assert result["discount"] == "24.00"
    assert result["points_paid"] == "10.00"
    assert result["money_to_pay"] == "86.00"
    keys = [r["key"] for r in result["applied_rules"]]
    assert "staff-meal" in keys and "cashback" in keys
    html = post(till, "cashier:api_evaluate", body).json()["html"]
    assert "20% off for staff" in html


def test_evaluate_decimal_quantities(till):
    result = post(till, "cashier:api_evaluate", check(("BEANS", "0.25"))).json()["result"]
    assert result["amount"] == "87.50"


def test_evaluate_reports_a_bad_coupon_in_not_applied(till, shop):
    body = check(("LATTE", "1"), coupons=["NOPE-NOPE"])
    response = post(till, "cashier:api_evaluate", body)
    assert response.status_code == 200
    not_applied = response.json()["result"]["not_applied"]
    coupons = [(n["ref"], n["code"]) for n in not_applied if n["kind"] == "coupon"]
    assert coupons == [("NOPE-NOPE", "coupon_not_found")]
    assert "NOPE-NOPE" in response.json()["html"]


def test_evaluate_reports_an_expired_coupon(till, shop):
    coupon = shop.free_coupon()
    Coupon.objects.filter(pk=coupon.pk).update(valid_to=timezone.now() - timedelta(days=1))
    result = post(till, "cashier:api_evaluate", check(("LATTE", "1"), coupons=[coupon.code]))
    not_applied = result.json()["result"]["not_applied"]
    assert [n["code"] for n in not_applied if n["kind"] == "coupon"] == ["coupon_expired"]


def test_evaluate_refuses_more_points_than_spendable(till, shop):
    body = check(("BEANS", "1"), customer_id=shop.customer.pk, pay_with_points="500.00")
    response = post(till, "cashier:api_evaluate", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "insufficient_points"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "lines"),
        (check(("NOPE", "1")), "lines[0].code"),
        (check(("LATTE", "0")), "lines[0].quantity"),
        (check(("LATTE", "1.0001")), "lines[0].quantity"),
        (check(("LATTE", "abc")), "lines[0].quantity"),
        (check(("LATTE", "1"), pay_with_points="-1"), "pay_with_points"),
    ],
)
def test_evaluate_validation(till, body, field):
    response = post(till, "cashier:api_evaluate", body)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_evaluate_not_json(till):
    response = till.post(reverse("cashier:api_evaluate"), "nope", content_type="application/json")
    assert response.status_code == 400


def test_evaluate_foreign_customer_is_404(till, other_shop):
    response = post(
        till, "cashier:api_evaluate", check(("LATTE", "1"), customer_id=other_shop.customer.pk)
    )
    assert response.status_code == 404


def test_evaluate_foreign_goods_code_is_unknown(till, other_shop):
    GoodsFactory(business=other_shop.business, code="ONLYTHERE")
    response = post(till, "cashier:api_evaluate", check(("ONLYTHERE", "1")))
    assert response.status_code == 400


# -- certificates ---------------------------------------------------------------------------


def test_activate_certificate_for_the_identified_customer(till, shop):
    cert = shop.certificate()
    body = {"code": cert.public_code, "customer_id": shop.customer.pk}
    response = post(till, "cashier:api_certificate", body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["activation"]["message"] == "2 coupons have been added to your wallet"
    assert len(data["customer"]["coupons"]) == 2
    activation = cert.activations.get()
    assert (activation.channel, activation.point_of_sale_id) == ("terminal", shop.pos.pk)


def test_certificate_refusals(till, shop, other_shop):
    cert = shop.certificate(max_uses_per_customer=1)
    body = {"code": cert.public_code, "customer_id": shop.customer.pk}
    assert post(till, "cashier:api_certificate", body).status_code == 200
    again = post(till, "cashier:api_certificate", body)
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "certificate_customer_limit"
    unknown = post(till, "cashier:api_certificate", {**body, "code": "NOPE"})
    assert unknown.status_code == 404
    foreign_cert = other_shop.certificate()
    foreign = post(till, "cashier:api_certificate", {**body, "code": foreign_cert.public_code})
    assert foreign.json()["error"]["code"] == "certificate_not_found"
    no_customer = post(till, "cashier:api_certificate", {"code": cert.public_code})
    assert no_customer.status_code == 400
    foreign_customer = post(
        till, "cashier:api_certificate", {**body, "customer_id": other_shop.customer.pk}
    )
    assert foreign_customer.status_code == 404


# -- confirm --------------------------------------------------------------------------------


def test_confirm_writes_the_sale_with_staff_and_points(till, shop):
    coupon = shop.wallet_coupon(shop.customer)
    body = check(
        ("LATTE", "2"),
        customer_id=shop.customer.pk,
        coupons=[coupon.code],
        pay_with_points="20.00",
        token="t-1",
    )
    response = post(till, "cashier:api_confirm", body)
    assert response.status_code == 201, response.content
    sale = Sale.objects.get(pk=response.json()["sale"])
    assert response.json()["receipt_url"] == reverse("cashier:receipt", args=[sale.pk])
    assert (sale.staff, sale.point_of_sale, sale.customer) == (
        shop.cashier,
        shop.pos,
        shop.customer,
    )
    assert sale.points_paid == D("20.00")
    coupon.refresh_from_db()
    assert coupon.state == Coupon.State.REDEEMED


def test_confirm_twice_with_the_same_token_makes_one_sale(till, shop):
    body = check(("LATTE", "1"), token="same")
    first = post(till, "cashier:api_confirm", body)
    second = post(till, "cashier:api_confirm", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["sale"] == second.json()["sale"]
    assert Sale.objects.count() == 1


def test_confirm_refusal_writes_nothing_and_keeps_the_token_usable(till, shop):
    coupon = shop.free_coupon()
    Coupon.objects.filter(pk=coupon.pk).update(valid_to=timezone.now() - timedelta(days=1))
    body = check(("LATTE", "1"), coupons=[coupon.code], token="t-2")
    response = post(till, "cashier:api_confirm", body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "coupon_expired"
    assert response.json()["error"]["message"]
    assert Sale.objects.count() == 0
    fixed = post(till, "cashier:api_confirm", {**body, "coupons": []})
    assert fixed.status_code == 201


def test_confirm_registers_an_unknown_phone_never_needed_here(till, shop):
    """The page identifies customers before the check, so confirm takes ids only."""
    response = post(till, "cashier:api_confirm", check(("LATTE", "1"), customer_id="x"))
    assert response.status_code == 400
