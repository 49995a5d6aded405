"""Coupons of a series, a coupon's history, issuing from the panel, code jobs with progress,
imports with the rejected-lines CSV, and redemption records."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coupons.models import CodeJob, Coupon, CouponSeries
from coupons.services import issue_coupons, redeem_coupon
from customers.models import Notification
from tests.factories import CouponSeriesFactory


def _url(name, pk):
    return reverse(f"panel:{name}", kwargs={"pk": pk})


# -- coupons of a series ----------------------------------------------------------------------


def test_coupon_search_by_code_in_any_spelling(owner_client, series):
    coupons = issue_coupons(series=series, quantity=3, at=timezone.now())
    target = coupons[1]
    spelled = target.code.lower().replace("-", " ")
    page = owner_client.get(_url("series_coupons", series.pk), {"q": spelled})
    assert list(page.context["page_obj"].object_list) == [target]
    none = owner_client.get(_url("series_coupons", series.pk), {"q": "NOPE-0000"})
    assert list(none.context["page_obj"].object_list) == []


def test_coupon_list_state_filter_and_pages(owner_client, series, make_customer):
    customer = make_customer()
    issue_coupons(series=series, quantity=60, at=timezone.now())
    held = issue_coupons(series=series, quantity=2, at=timezone.now(), customer=customer)
    page = owner_client.get(_url("series_coupons", series.pk))
    assert page.context["page_obj"].paginator.count == 62
    assert len(page.context["page_obj"].object_list) == 50
    second = owner_client.get(_url("series_coupons", series.pk), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 12
    wallet = owner_client.get(_url("series_coupons", series.pk), {"state": "in_wallet"})
    assert set(wallet.context["page_obj"].object_list) == set(held)


def _coupon_list_queries(client, series):
    with CaptureQueriesContext(connection) as queries:
        client.get(_url("series_coupons", series.pk))
    return len(queries)


def test_coupon_list_queries_are_constant(owner_client, series, make_customer):
    issue_coupons(series=series, quantity=3, at=timezone.now(), customer=make_customer())
    few = _coupon_list_queries(owner_client, series)
    for _ in range(10):
        issue_coupons(series=series, quantity=4, at=timezone.now(), customer=make_customer())
    assert _coupon_list_queries(owner_client, series) == few


def test_coupon_detail_shows_its_history(owner_client, series, make_customer, pos, owner):
    customer = make_customer(name="Olena")
    coupon = issue_coupons(
        series=series, quantity=1, at=timezone.now(), customer=customer,
        actor_kind="staff", staff=owner,
    )[0]  # fmt: skip
    redeem_coupon(
        coupon=coupon, at=timezone.now(), customer=customer, point_of_sale=pos, actor="till-1"
    )
    page = owner_client.get(_url("coupon_detail", coupon.pk))
    assert page.status_code == 200
    events = list(page.context["events"])
    assert [(e.from_state, e.to_state) for e in events] == [
        ("", "in_wallet"),
        ("in_wallet", "redeemed"),
    ]
    html = page.content.decode()
    assert "owner@example.com" in html and "Khreshchatyk 1" in html and "till-1" in html


# -- issue ------------------------------------------------------------------------------------


def test_issue_to_one_customer_by_phone(owner_client, series, make_customer):
    customer = make_customer(phone="+380501234567")
    response = owner_client.post(
        _url("series_issue", series.pk),
        {"action": "one", "one-phone": "050 123 45 67", "one-quantity": "1", "one-notify": "on"},
    )
    coupon = Coupon.objects.get(series=series)
    assert response.status_code == 302 and response["Location"] == _url("coupon_detail", coupon.pk)
    assert coupon.customer == customer and coupon.state == Coupon.State.IN_WALLET
    assert coupon.events.get().actor_kind == "staff"
    assert Notification.objects.filter(customer=customer, kind="coupon_issued").count() == 1


def test_issue_to_unknown_phone_names_the_field(owner_client, series):
    response = owner_client.post(
        _url("series_issue", series.pk),
        {"action": "one", "one-phone": "0501111111", "one-quantity": "1"},
    )
    assert response.status_code == 200
    assert "No customer has the phone" in response.context["one"].errors["phone"][0]
    assert not Coupon.objects.exists()


def test_issue_beyond_the_inventory_is_refused(owner_client, series, make_customer):
    CouponSeries.objects.filter(pk=series.pk).update(inventory=1)
    make_customer(phone="+380501234567")
    response = owner_client.post(
        _url("series_issue", series.pk),
        {"action": "one", "one-phone": "+380501234567", "one-quantity": "2"},
    )
    assert response.status_code == 200
    assert "No more coupons" in " ".join(response.context["one"].non_field_errors())
    assert not Coupon.objects.exists()


def test_issue_to_a_category_runs_a_job(
    owner_client, series, make_customer, category, django_capture_on_commit_callbacks
):
    vip = [make_customer(category=category) for _ in range(3)]
    make_customer()  # not in the category
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            _url("series_issue", series.pk),
            {"action": "category", "category-category": category.pk, "category-quantity": "1",
             "category-notify": "on"},
        )  # fmt: skip
    job = CodeJob.objects.get()
    assert response["Location"] == _url("code_job", job.pk)
    job.refresh_from_db()
    assert (job.kind, job.state, job.done, job.total, job.accepted) == ("issue", "done", 3, 3, 3)
    assert set(Coupon.objects.values_list("customer", flat=True)) == {c.pk for c in vip}
    assert Notification.objects.filter(kind="coupon_issued").count() == 3  # one each

    progress = owner_client.get(_url("code_job_progress", job.pk)).json()
    assert progress["finished"] and progress["percent"] == 100
    assert (progress["done"], progress["total"], progress["state"]) == (3, 3, "done")
    page = owner_client.get(_url("code_job", job.pk))
    assert page.status_code == 200 and "progress" in page.content.decode()


def test_issue_to_an_empty_category_is_refused(owner_client, series, category):
    response = owner_client.post(
        _url("series_issue", series.pk),
        {"action": "category", "category-category": category.pk, "category-quantity": "1"},
    )
    assert "Nobody" in response.context["many"].errors["category"][0]
    assert not CodeJob.objects.exists()


# -- job progress -----------------------------------------------------------------------------


def test_progress_endpoint_reports_a_running_job(owner_client, series):
    job = CodeJob.objects.create(
        business=series.business, series=series, kind="generate", state="running",
        total=200, done=50,
    )  # fmt: skip
    data = owner_client.get(_url("code_job_progress", job.pk)).json()
    assert data == data | {
        "state": "running", "done": 50, "total": 200, "percent": 25, "finished": False,
    }  # fmt: skip
    page = owner_client.get(_url("code_job", job.pk))
    html = page.content.decode()
    assert "data-running" in html and _url("code_job_progress", job.pk) in html


# -- pregenerated codes -----------------------------------------------------------------------


@pytest.fixture
def pregenerated(program, coupon_rule):
    return CouponSeriesFactory(
        program=program, reward_rule=coupon_rule, code_mode="pregenerated", inventory=None
    )


def test_new_pregenerated_series_makes_its_codes(
    owner_client, program, coupon_rule, django_capture_on_commit_callbacks
):
    from .fixtures import series_data

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("panel:series_create"),
            series_data(program, coupon_rule, code_mode="pregenerated", inventory="120"),
        )
    series = CouponSeries.objects.get(key="summer")
    job = CodeJob.objects.get(series=series)
    assert response["Location"] == _url("code_job", job.pk)
    assert Coupon.objects.filter(series=series, is_stock=True).count() == 120


def test_generate_more_codes(owner_client, pregenerated, django_capture_on_commit_callbacks):
    CouponSeries.objects.filter(pk=pregenerated.pk).update(inventory=10)
    page = owner_client.get(_url("series_generate", pregenerated.pk))
    assert page.context["missing"] == 10
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(_url("series_generate", pregenerated.pk), {"count": "25"})
    job = CodeJob.objects.get()
    assert response["Location"] == _url("code_job", job.pk)
    pregenerated.refresh_from_db()
    assert Coupon.objects.filter(series=pregenerated, is_stock=True).count() == 25
    assert pregenerated.inventory == 25  # 10 for the inventory, 15 beyond it raise it
    assert owner_client.get(_url("code_job_progress", job.pk)).json()["done"] == 25


def test_generate_refuses_a_bad_count(owner_client, pregenerated):
    response = owner_client.post(_url("series_generate", pregenerated.pk), {"count": "0"})
    assert "count" in response.context["form"].errors
    assert not CodeJob.objects.exists()


def test_generate_is_only_for_pregenerated_series(owner_client, series):
    assert owner_client.get(_url("series_generate", series.pk)).status_code == 404


# -- imported codes ---------------------------------------------------------------------------


@pytest.fixture
def imported(program, coupon_rule):
    return CouponSeriesFactory(
        program=program, reward_rule=coupon_rule, code_mode="imported", inventory=0
    )


def _file(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_import_files_reports_counts_and_rejected_lines(
    owner_client, imported, django_capture_on_commit_callbacks
):
    issue_coupons(
        series=CouponSeriesFactory(program=imported.program), quantity=1, at=timezone.now()
    )
    taken = Coupon.objects.get().code
    first = _file("a.csv", f"code\nAAAA-1111\nBBBB-2222\nAAAA 1111\nx!\n{taken}\n")
    second = _file("b.txt", "CCCC3333\nDDDD4444\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(_url("series_import", imported.pk), {"files": [first, second]})
    assert response["Location"] == _url("series_jobs", imported.pk)
    jobs = {job.source.name.split("/")[-1][:1]: job for job in CodeJob.objects.all()}
    a, b = jobs["a"], jobs["b"]
    assert (a.state, a.accepted, a.rejected) == ("done", 2, 3)
    assert (b.state, b.accepted, b.rejected) == ("done", 2, 0)
    imported.refresh_from_db()
    assert imported.inventory == 4
    assert Coupon.objects.filter(series=imported, is_stock=True).count() == 4

    status = owner_client.get(_url("code_job_progress", a.pk)).json()
    assert status["reasons"] == {"bad_format": 1, "duplicate_in_file": 1, "already_present": 1}
    download = owner_client.get(status["rejected_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [(r["line"], r["reason"]) for r in rows] == [
        ("4", "duplicate_in_file"), ("5", "bad_format"), ("6", "already_present"),
    ]  # fmt: skip
    page = owner_client.get(_url("series_jobs", imported.pk))
    html = page.content.decode()
    assert "Already present in the business" in html and status["rejected_url"] in html
    no_rejects = owner_client.get(_url("code_job_rejected", b.pk))
    assert no_rejects.status_code == 404


def test_import_refuses_a_binary_or_too_big_file(owner_client, imported, settings):
    binary = SimpleUploadedFile("codes.csv", b"\x00\x01\x02PK\x03\x04", content_type="text/csv")
    response = owner_client.post(_url("series_import", imported.pk), {"files": [binary]})
    assert "not a text file" in response.context["form"].errors["files"][0]
    settings.PERKLINE_MAX_UPLOAD_BYTES = 10
    big = _file("big.csv", "AAAA1111\n" * 10)
    response = owner_client.post(_url("series_import", imported.pk), {"files": [big]})
    assert "larger than" in response.context["form"].errors["files"][0]
    missing = owner_client.post(_url("series_import", imported.pk), {})
    assert "files" in missing.context["form"].errors
    assert not CodeJob.objects.exists()


def test_import_is_only_for_imported_series(owner_client, series):
    assert owner_client.get(_url("series_import", series.pk)).status_code == 404


# -- redemptions ------------------------------------------------------------------------------


@pytest.fixture
def redeemed(series, make_customer, pos):
    olena = make_customer(name="Olena Shevchenko", phone="+380501234567")
    taras = make_customer(name="Taras", phone="+380671112233")
    now = timezone.now()
    rows = []
    for customer, when in ((olena, now - timedelta(days=3)), (taras, now)):
        coupon = issue_coupons(series=series, quantity=1, at=when, customer=customer)[0]
        rows.append(redeem_coupon(coupon=coupon, at=when, customer=customer, point_of_sale=pos))
    return rows


def test_redemptions_search(owner_client, redeemed):
    url = reverse("panel:redemption_list")
    every = owner_client.get(url)
    assert every.context["page_obj"].paginator.count == 2
    by_name = owner_client.get(url, {"name": "shevch"})
    assert [e.coupon for e in by_name.context["page_obj"].object_list] == [redeemed[0]]
    by_phone = owner_client.get(url, {"phone": "067 111 22 33"})  # any format, exact number
    assert [e.coupon for e in by_phone.context["page_obj"].object_list] == [redeemed[1]]
    part = owner_client.get(url, {"phone": "0671112"})
    assert "phone" in part.context["form"].errors
    since = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    recent = owner_client.get(url, {"date_from": since})
    assert [e.coupon for e in recent.context["page_obj"].object_list] == [redeemed[1]]


def test_redemptions_csv_export(owner_client, redeemed):
    response = owner_client.get(reverse("panel:redemption_export"), {"name": "Olena"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["time", "code", "series"]
    assert len(rows) == 2
    assert rows[1][1] == redeemed[0].code and rows[1][3] == "Olena Shevchenko"
    assert rows[1][4] == "'+380501234567" and rows[1][5] == "Khreshchatyk 1"  # text (R17)


def _redemption_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("panel:redemption_list")).status_code == 200
    return len(queries)


def test_redemption_list_queries_are_constant(owner_client, series, make_customer, pos):
    def redeem(n):
        for _ in range(n):
            customer = make_customer()
            coupon = issue_coupons(series=series, quantity=1, at=timezone.now(), customer=customer)
            redeem_coupon(coupon=coupon[0], at=timezone.now(), customer=customer, point_of_sale=pos)

    redeem(2)
    few = _redemption_queries(owner_client)
    redeem(20)
    assert _redemption_queries(owner_client) == few
