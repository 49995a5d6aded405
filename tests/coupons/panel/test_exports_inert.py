"""Every CSV and XLSX the panel writes shows a formula typed into a name or a code as text
(quality.md R17): the redemptions export, the reports, and the rejected lines of code imports."""

import base64
import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coupons.services import issue_coupons, redeem_coupon
from tests.factories import CouponSeriesFactory, GiftCertificateFactory

pytestmark = pytest.mark.django_db

NAMES = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2"]
INERT = ["'" + name for name in NAMES]


@pytest.fixture
def imported(program, coupon_rule):
    return CouponSeriesFactory(
        program=program, reward_rule=coupon_rule, code_mode="imported", inventory=0
    )


def _csv(response):
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx(response):
    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows()]


@pytest.fixture
def named(series, make_customer, pos):
    """A redeemed coupon for each customer whose name a spreadsheet would run."""
    now = timezone.now()
    for n, name in enumerate(NAMES):
        customer = make_customer(name=name, phone=f"+38050000000{n}")
        coupon = issue_coupons(series=series, quantity=1, at=now, customer=customer)[0]
        redeem_coupon(coupon=coupon, at=now, customer=customer, point_of_sale=pos)


def _report(client, key, fmt):
    today = timezone.localdate()  # a range around it, whatever the business's time zone
    days = {"from": today - timedelta(days=1), "to": today + timedelta(days=1)}
    return client.get(
        reverse("panel:report_download"),
        {"report": key, "format": fmt, **{k: d.isoformat() for k, d in days.items()}},
    )


def test_redemptions_csv_writes_names_as_text(owner_client, named):
    rows = _csv(owner_client.get(reverse("panel:redemption_export")))
    assert rows[0][3] == "customer"
    assert sorted(row[3] for row in rows[1:]) == sorted(INERT)


@pytest.mark.parametrize("key, column", [("customers", 2), ("redemptions", 7)])
def test_reports_csv_write_names_as_text(owner_client, named, key, column):
    rows = _csv(_report(owner_client, key, "csv"))
    assert sorted(row[column] for row in rows[1:]) == sorted(INERT)


@pytest.mark.parametrize("key, column", [("customers", 2), ("redemptions", 7)])
def test_reports_xlsx_write_names_as_text_cells(owner_client, named, key, column):
    rows = _xlsx(_report(owner_client, key, "xlsx"))
    cells = [row[column] for row in rows[1:]]
    assert all(cell.data_type == "s" for cell in cells)  # no formula cell ("f")
    assert sorted(cell.value for cell in cells) == sorted(INERT)


LINES = ['"=HYPERLINK(""http://x"",""y"")"', "@SUM(1)", "+1", "-1+2"]


def _upload():
    text = "code\n" + "\n".join(LINES) + "\nGOOD-0001\n"
    return SimpleUploadedFile("codes.csv", text.encode(), content_type="text/csv")


def test_rejected_code_lines_are_written_as_text(
    owner_client, imported, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("panel:series_import", kwargs={"pk": imported.pk}), {"files": [_upload()]}
        )
    job_url = response["Location"]
    status = owner_client.get(job_url.rstrip("/") + "/progress/").json()
    rows = _csv(owner_client.get(status["rejected_url"]))
    assert rows[0] == ["line", "code", "reason"]
    assert sorted(row[1] for row in rows[1:]) == sorted(INERT)


def test_rejected_certificate_code_lines_are_written_as_text(owner_client, program):
    certificate = GiftCertificateFactory(program=program, business=program.business)
    response = owner_client.post(
        reverse("panel:certificate_codes", kwargs={"pk": certificate.pk}),
        {"action": "import", "import-files": [_upload()]},
    )
    link = response.context["rejected_link"]
    text = base64.b64decode(link.split(",", 1)[1]).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["file", "line", "code", "reason"]
    assert sorted(row[2] for row in rows[1:]) == sorted(INERT)
