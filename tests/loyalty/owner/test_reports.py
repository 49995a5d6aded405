"""Reports: content of each report as CSV and XLSX, tenant isolation, constant queries."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coupons.models import Coupon
from customers.models import LedgerEntry
from tests.factories import BusinessFactory, CustomerFactory, ProgramFactory

from .data import T0, account, coupon_event, entry, populate, sale

pytestmark = pytest.mark.django_db

RANGE = {"from": "2030-03-01", "to": "2030-03-31"}


def download(client, key, fmt="csv", **params):
    response = client.get(
        reverse("panel:report_download"), {**RANGE, "report": key, "format": fmt, **params}
    )
    assert response.status_code == 200, response.status_code
    return response


def csv_rows(client, key, **params):
    response = download(client, key, **params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def xlsx_rows(client, key):
    response = download(client, key, "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


@pytest.fixture
def other_business():
    other = ProgramFactory(business=BusinessFactory(name="Other"))
    populate(other, sales=2)
    CustomerFactory(business=other.business, name="Stranger")
    return other


def test_sales_report_lists_sales_with_applied_rules(owner_client, program, other_business):
    populate(program, sales=2)
    customer = CustomerFactory(business=program.business, name="Olena", card_code="OLENA1")
    sale(program, customer=customer, when=datetime(2030, 3, 12, 22, 30, tzinfo=UTC))
    sale(program, when=T0 - timedelta(days=30))  # outside the range

    rows = csv_rows(owner_client, "sales")
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Sale id", "Time", "Status"]
    assert len(body) == 3
    # Rules by the names an owner gave them (issue 21), not their keys.
    assert "Tiered (-5.00 / +0.00); Cashback (-0.00 / +2.00)" in body[0][-1]
    last = body[-1]
    assert last[1] == "2030-03-13 00:30:00"  # the business's time (Kyiv), not UTC
    assert last[5:8] == ["OLENA1", "'" + customer.phone, "Olena"]  # "+380...": text (R17)
    assert last[9] == "100.00"
    assert "Stranger" not in str(rows) and all(r[3] == program.name for r in body)


def test_sales_report_as_xlsx(owner_client, program, other_business):
    populate(program, sales=2)
    rows = xlsx_rows(owner_client, "sales")
    assert rows[0][0] == "Sale id"
    assert len(rows) == 3
    assert rows[1][1] == datetime(2030, 3, 10, 12, 0)
    assert float(rows[1][9]) == 100.0


def test_ledger_report(owner_client, program, other_business):
    acc = account(program, CustomerFactory(business=program.business, name="Ivan"))
    entry(acc, LedgerEntry.Kind.ADJUSTMENT, "10.00", reason="=HYPERLINK(1)")
    entry(acc, LedgerEntry.Kind.EXPIRY, "-3.50")
    body = csv_rows(owner_client, "ledger")[1:]
    assert [(r[5], r[7], r[8]) for r in body] == [
        ("Ivan", "Adjustment", "10.00"),
        ("Ivan", "Expiry", "-3.50"),
    ]
    assert body[0][10] == "'=HYPERLINK(1)"  # a formula stays text in a spreadsheet


def test_redemptions_report(owner_client, program, other_business):
    series = populate(program, sales=1)["series"]
    customer = CustomerFactory(business=program.business, name="Petro")
    coupon_event(series, Coupon.State.REDEEMED, from_state="in_wallet", customer=customer)
    body = csv_rows(owner_client, "redemptions")[1:]
    assert len(body) == 1
    assert body[0][2] == series.key and body[0][7] == "Petro"


def test_activations_report(owner_client, program, other_business):
    certificate = populate(program, sales=2)["certificate"]
    body = xlsx_rows(owner_client, "activations")[1:]
    assert len(body) == 2
    assert {r[2] for r in body} == {certificate.key}


def test_customers_report_ignores_the_range(owner_client, program, other_business):
    CustomerFactory(business=program.business, name="Anna", card_code="ANNA", phone="+380501112233")
    body = csv_rows(owner_client, "customers")[1:]
    assert [r[:3] for r in body] == [["ANNA", "'+380501112233", "Anna"]]  # a phone is text


def test_unknown_report_or_format_is_404(owner_client):
    url = reverse("panel:report_download")
    assert owner_client.get(url, {"report": "nope"}).status_code == 404
    assert owner_client.get(url, {"report": "sales", "format": "pdf"}).status_code == 404


def test_reports_page_links_every_report(owner_client):
    body = owner_client.get(reverse("panel:report_index"), RANGE).content.decode()
    for key in ("sales", "ledger", "redemptions", "activations", "customers"):
        assert f"report={key}&amp;format=csv" in body


def test_cashier_cannot_download(cashier_client):
    url = reverse("panel:report_download")
    assert cashier_client.get(url, {"report": "sales"}).status_code == 403


@pytest.mark.parametrize("key", ["sales", "ledger", "redemptions", "activations", "customers"])
def test_query_count_does_not_grow_with_rows(owner_client, program, key):
    def count(fmt):
        with CaptureQueriesContext(connection) as queries:
            response = download(owner_client, key, fmt)
            if fmt == "csv":
                b"".join(response.streaming_content)
        return len(queries)

    populate(program, sales=2)
    few = count("csv"), count("xlsx")
    populate(program, sales=30, start=T0 + timedelta(days=2))
    many = count("csv"), count("xlsx")
    assert few == many
