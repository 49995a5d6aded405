"""Terminal API cancel with a reason (issue 21): an optional `reason` kept on the sale; a bad
one answers 400 validation_error on `reason` and cancels nothing."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer

from customers import ledger
from loyalty.models import Rule, Sale
from tests.factories import CustomerFactory, EnrolmentFactory

from .conftest import LATTE, item


def confirmed(till):
    till.rule(action=Rule.Action.CREDIT_CHECK_PERCENT, value=10)
    customer = CustomerFactory(business=till.business, phone="+380501234567")
    EnrolmentFactory(customer=customer, program=till.program)
    answer = till.confirm({"customer": {"phone": "+380501234567"}, "positions": [item(LATTE)]})
    assert answer.status_code == 201
    return Sale.objects.get(pk=answer.json()["sale"]["id"]), customer


def cancel(till, sale, body=None):
    return till.client.post(
        f"/api/v1/terminal/checks/{sale.pk}/cancel",
        data=json.dumps(body) if body is not None else "",
        content_type="application/json",
    )


def test_the_reason_is_kept_and_the_first_one_stays(till):
    sale, _customer = confirmed(till)
    answer = cancel(till, sale, {"reason": "  Wrong item rung up "})
    assert (answer.status_code, answer.json()["status"]) == (200, "cancelled")
    sale.refresh_from_db()
    assert (sale.status, sale.cancel_reason) == (Sale.CANCELLED, "Wrong item rung up")
    again = cancel(till, sale, {"reason": "Another reason"})
    assert again.status_code == 200
    sale.refresh_from_db()
    assert sale.cancel_reason == "Wrong item rung up"


@pytest.mark.parametrize("body", [None, {}, {"reason": ""}])
def test_no_reason_cancels_as_before(till, body):
    sale, _customer = confirmed(till)
    assert cancel(till, sale, body).status_code == 200
    sale.refresh_from_db()
    assert (sale.status, sale.cancel_reason) == (Sale.CANCELLED, "")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x" * 201}, "reason"),
        ({"reason": 12}, "reason"),
        ({"reason": ["late"]}, "reason"),
        ({"reason": {"en": "late"}}, "reason"),
        ({"reason": None}, "reason"),
        ({"reason": True}, "reason"),
        (["reason"], None),
    ],
)
def test_a_bad_reason_answers_400_and_cancels_nothing(till, body, field):
    sale, customer = confirmed(till)
    account = ledger.get_account(customer=customer, program=till.program)
    balance = account.balance
    answer = cancel(till, sale, body)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("validation_error", field)
    assert error["message"]
    sale.refresh_from_db()
    account.refresh_from_db()
    assert (sale.status, sale.cancel_reason, account.balance) == (Sale.COMPLETED, "", balance)


def test_200_characters_are_accepted(till):
    sale, _customer = confirmed(till)
    assert cancel(till, sale, {"reason": "é" * 200}).status_code == 200
    sale.refresh_from_db()
    assert sale.cancel_reason == "é" * 200


def test_another_business_s_sale_stays_404_with_a_reason(till, other_till):
    sale, _customer = confirmed(other_till)
    assert cancel(till, sale, {"reason": "mine"}).status_code == 404
    sale.refresh_from_db()
    assert sale.status == Sale.COMPLETED


def test_the_schema_shows_the_reason():
    schema = json.loads(JSONRenderer().render(SchemaGenerator().get_schema(None, public=True)))
    operation = schema["paths"]["/api/v1/terminal/checks/{sale_id}/cancel"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    reason = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["reason"]
    assert (reason["type"], reason["maxLength"]) == ("string", 200)
    assert "400" in operation["responses"]
