"""Gift certificate pages: list, form with the bundle, detail with statistics, codes."""

import base64
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import (
    CertificateCode,
    CertificateCodeJob,
    CertificateSeries,
    GiftCertificate,
)
from certificates.services import (
    activate_certificate,
    generate_certificate_codes,
    start_code_batch,
)
from core.qr import qr_svg
from coupons.services import redeem_coupon
from tests.factories import (
    CertificateSeriesFactory,
    CouponSeriesFactory,
    GiftCertificateFactory,
    ProgramFactory,
)

from .conftest import certificate_data


def _url(name, pk=None):
    return reverse(f"panel:{name}", kwargs={"pk": pk} if pk else None)


def _errors(response):
    return response.context["form"].errors


# -- list -------------------------------------------------------------------------------------


def test_list_with_counts(owner_client, certificate):
    generate_certificate_codes(certificate=certificate, count=3)
    CertificateCode.objects.filter(pk=CertificateCode.objects.first().pk).update(
        used_at=timezone.now()
    )
    page = owner_client.get(_url("certificate_list"))
    assert page.status_code == 200
    [row] = page.context["object_list"]
    assert (row.n_series, row.n_codes, row.n_codes_used) == (1, 3, 1)
    found = owner_client.get(_url("certificate_list"), {"q": "welcome 2030"})
    assert list(found.context["object_list"]) == [certificate]


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("certificate_list")).status_code == 200
    return len(queries)


def test_list_queries_are_constant(owner_client, program, series):
    def make(n):
        for _ in range(n):
            certificate = GiftCertificateFactory(program=program)
            CertificateSeriesFactory(certificate=certificate, series=series)
            generate_certificate_codes(certificate=certificate, count=2)

    make(5)
    few = _list_queries(owner_client)
    make(45)
    assert _list_queries(owner_client) == few


# -- form -------------------------------------------------------------------------------------


def test_create_certificate_with_bundle(owner_client, program, series, second_series):
    assert owner_client.get(_url("certificate_create")).status_code == 200
    response = owner_client.post(
        _url("certificate_create"),
        certificate_data(
            program,
            [(series, 2), (second_series, 1)],
            random_count="1",
            max_uses="500",
            max_uses_per_customer="1",
            min_interval_hours="24",
            all_or_nothing="on",
            valid_from="2030-03-01",
            valid_to="2030-03-31",
        ),
    )
    certificate = GiftCertificate.objects.get(key="spring-pack")
    assert response.status_code == 302
    assert response["Location"] == _url("certificate_detail", certificate.pk)
    assert certificate.public_code == "SPRING-2030" and certificate.public_code_norm == "SPRING2030"
    assert certificate.title == {"en": "Spring pack", "uk": "Весняний набір"}
    assert (certificate.random_count, certificate.max_uses) == (1, 500)
    assert (certificate.max_uses_per_customer, certificate.min_interval_hours) == (1, 24)
    assert certificate.all_or_nothing
    rows = {(r.series_id, r.count, r.business_id) for r in certificate.bundle.all()}
    assert rows == {(series.pk, 2, program.business_id), (second_series.pk, 1, program.business_id)}


def test_edit_changes_the_bundle(owner_client, certificate, series, second_series, program):
    row = certificate.bundle.get()
    data = certificate_data(
        program,
        [],
        key=certificate.key,
        name="Renamed",
        public_code=certificate.public_code,
        **{
            "bundle-TOTAL_FORMS": "2",
            "bundle-INITIAL_FORMS": "1",
            "bundle-0-id": row.pk,
            "bundle-0-certificate": certificate.pk,
            "bundle-0-series": series.pk,
            "bundle-0-count": "2",
            "bundle-0-DELETE": "on",
            "bundle-1-series": second_series.pk,
            "bundle-1-count": "3",
        },
    )
    data.pop("bundle-2-series"), data.pop("bundle-2-count")
    response = owner_client.post(_url("certificate_edit", certificate.pk), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    certificate.refresh_from_db()
    assert certificate.name == "Renamed"
    assert [(r.series_id, r.count) for r in certificate.bundle.all()] == [(second_series.pk, 3)]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"public_code": "ab"}, "public_code", "4 to 40"),
        ({"valid_from": "2030-05-10", "valid_to": "2030-05-01"}, "valid_to", "before the start"),
        ({"random_count": "3"}, "random_count", "bundle holds 2"),
        ({"random_count": "0"}, "random_count", "greater than or equal to 1"),
        ({"max_uses": "0"}, "max_uses", "greater than or equal to 1"),
        ({"key": "Bad Key"}, "key", "lower-case"),
    ],
)
def test_bad_input_names_the_field(
    owner_client, program, series, second_series, overrides, field, fragment
):
    response = owner_client.post(
        _url("certificate_create"),
        certificate_data(program, [(series, 1), (second_series, 1)], **overrides),
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert any(fragment in m for m in errors.get(field, [])), errors
    assert f'href="#id_{field}"' in response.content.decode()
    assert not GiftCertificate.objects.exists() and not CertificateSeries.objects.exists()


def test_public_code_must_be_unique_in_the_business(owner_client, program, series, certificate):
    response = owner_client.post(
        _url("certificate_create"),
        certificate_data(program, [(series, 1)], public_code="welcome-2030"),
    )
    assert "already used" in _errors(response)["public_code"][0]
    assert GiftCertificate.objects.count() == 1


def test_public_code_may_not_be_a_coupon_code(owner_client, program, series):
    from coupons.services import issue_coupons

    coupon = issue_coupons(series=series, quantity=1, at=timezone.now())[0]
    response = owner_client.post(
        _url("certificate_create"),
        certificate_data(program, [(series, 1)], public_code=coupon.code),
    )
    assert "already used" in _errors(response)["public_code"][0]


def test_series_of_another_program_is_refused(owner_client, program, series, business):
    other = CouponSeriesFactory(program=ProgramFactory(business=business))
    response = owner_client.post(
        _url("certificate_create"), certificate_data(program, [(series, 1), (other, 1)])
    )
    assert response.status_code == 200
    formset = response.context["formset"]
    assert "program" in formset.forms[1].errors["series"][0]
    assert "Row 2" in response.content.decode()
    assert not GiftCertificate.objects.exists()


def test_series_of_another_business_is_not_a_choice(owner_client, program, series):
    foreign = CouponSeriesFactory()
    response = owner_client.post(
        _url("certificate_create"), certificate_data(program, [(foreign, 1)])
    )
    assert "series" in response.context["formset"].forms[0].errors
    assert not GiftCertificate.objects.exists()


def test_an_empty_bundle_is_refused(owner_client, program):
    response = owner_client.post(_url("certificate_create"), certificate_data(program, []))
    assert "at least one" in " ".join(response.context["formset"].non_form_errors())
    assert not GiftCertificate.objects.exists()


def test_repeated_series_is_refused(owner_client, program, series):
    response = owner_client.post(
        _url("certificate_create"), certificate_data(program, [(series, 1), (series, 2)])
    )
    formset = response.context["formset"]
    assert formset.non_form_errors() or any(f.errors for f in formset.forms)
    assert not GiftCertificate.objects.exists()


def test_max_uses_not_below_activations(owner_client, certificate, make_customer, program, series):
    GiftCertificate.objects.filter(pk=certificate.pk).update(uses_count=5)
    row = certificate.bundle.get()
    data = certificate_data(
        program,
        [],
        key=certificate.key,
        name=certificate.name,
        public_code=certificate.public_code,
        max_uses="4",
        **{
            "bundle-TOTAL_FORMS": "1",
            "bundle-INITIAL_FORMS": "1",
            "bundle-0-id": row.pk,
            "bundle-0-certificate": certificate.pk,
            "bundle-0-series": series.pk,
            "bundle-0-count": "2",
        },
    )
    response = owner_client.post(_url("certificate_edit", certificate.pk), data)
    assert "5 activations" in _errors(response)["max_uses"][0]


def test_image_is_validated(owner_client, program, series):
    data = certificate_data(program, [(series, 1)])
    data["image"] = SimpleUploadedFile("a.jpg", b"plain text", content_type="image/jpeg")
    response = owner_client.post(_url("certificate_create"), data)
    assert "not an image" in _errors(response)["image"][0]
    assert not GiftCertificate.objects.exists()


# -- detail -----------------------------------------------------------------------------------


def test_detail_statistics_and_activations(owner_client, certificate, make_customer, pos):
    olena, taras = make_customer(name="Olena"), make_customer(name="Taras")
    now = timezone.now()
    first = activate_certificate(
        business=certificate.business, code="welcome2030", customer=olena, channel="terminal",
        point_of_sale=pos, at=now - timedelta(days=2),
    )  # fmt: skip
    activate_certificate(
        business=certificate.business, code="WELCOME-2030", customer=taras, channel="public",
        at=now,
    )  # fmt: skip
    redeem_coupon(coupon=first.coupons[0], at=now, customer=olena)
    page = owner_client.get(_url("certificate_detail", certificate.pk))
    assert page.status_code == 200
    stats = page.context["stats"]
    assert (stats["activations"], stats["coupons_given"], stats["redeemed"]) == (2, 4, 1)
    assert (
        len(page.context["days"]) == 30 and sum(d["activations"] for d in page.context["days"]) == 2
    )
    activations = list(page.context["page_obj"].object_list)
    assert [a.customer for a in activations] == [taras, olena]
    html = page.content.decode()
    assert "<svg" in html and "<rect" in html
    assert "Khreshchatyk 1" in html and "public page" in html and "terminal" in html
    short = owner_client.get(
        _url("certificate_detail", certificate.pk), {"from": "2030-01-01", "to": "2030-01-07"}
    )
    assert len(short.context["days"]) == 7


# -- codes ------------------------------------------------------------------------------------


def test_generate_a_batch(owner_client, certificate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
        _url("certificate_codes", certificate.pk),
            {"action": "generate", "generate-count": "12", "generate-prefix": "GP",
             "generate-length": "10", "generate-group": "5"},
        )  # fmt: skip
    assert response.status_code == 302
    codes = list(CertificateCode.objects.filter(certificate=certificate))
    assert len(codes) == 12 and all(c.code.startswith("GP-") for c in codes)
    page = owner_client.get(_url("certificate_codes", certificate.pk))
    assert page.context["page_obj"].paginator.count == 12
    # The batch ran as a job (django-q2, synchronous in the tests): the page shows it done.
    [job] = page.context["jobs"]
    assert (job.state, job.done, job.total, job.accepted) == ("done", 12, 12, 12)
    assert 'data-percent="100"' in page.content.decode()
    progress = owner_client.get(_url("certificate_code_job_progress", job.pk)).json()
    assert progress | {"id": job.pk} == progress
    assert (progress["state"], progress["done"], progress["percent"]) == ("done", 12, 100)


def test_a_batch_is_made_in_committed_steps_the_page_can_follow(
    certificate, monkeypatch, django_capture_on_commit_callbacks
):
    """100,000 codes do not fit a web request: the job commits batches and reports each."""
    from certificates import services

    monkeypatch.setattr(services, "CODES_BATCH", 4)
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_code_batch(certificate=certificate, count=10)
    job.refresh_from_db()
    assert (job.state, job.done) == ("done", 10)
    monkeypatch.setattr(CertificateCodeJob, "report", lambda self, **f: seen.append(f.get("done")))
    services.generate_certificate_codes(certificate=certificate, count=10, job=job)
    assert seen == [0, 4, 8, 10]  # reset, then one report a committed batch


def test_another_business_cannot_follow_the_job(owner_client, certificate):
    other = GiftCertificateFactory()
    job = start_code_batch(certificate=other, count=2)
    response = owner_client.get(_url("certificate_code_job_progress", job.pk))
    assert response.status_code == 404


def test_generate_refuses_a_weak_format(owner_client, certificate):
    response = owner_client.post(
        _url("certificate_codes", certificate.pk),
        {"action": "generate", "generate-count": "5", "generate-length": "6",
         "generate-group": "3"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "bits of entropy" in response.context["generate"].errors["length"][0]
    assert not CertificateCode.objects.exists()


def test_import_codes_reports_and_offers_rejected_lines(owner_client, certificate):
    upload = SimpleUploadedFile(
        "codes.csv", b"code\nPAPER-0001\nPAPER-0002\npaper 0001\n??\nWELCOME2030\n"
    )
    response = owner_client.post(
        _url("certificate_codes", certificate.pk),
        {"action": "import", "import-files": [upload]},
    )
    assert response.status_code == 200
    [(name, report)] = response.context["reports"]
    assert name == "codes.csv" and report.accepted == 2
    assert report.rejected_by_reason == {
        "bad_format": 1, "duplicate_in_file": 1, "already_present": 1,
    }  # fmt: skip
    assert set(CertificateCode.objects.values_list("code_norm", flat=True)) == {
        "PAPER0001",
        "PAPER0002",
    }
    link = response.context["rejected_link"]
    text = base64.b64decode(link.split(",", 1)[1]).decode("utf-8-sig")
    assert text.splitlines()[0] == "file,line,code,reason"
    assert len(text.splitlines()) == 4


def test_import_refuses_a_binary_file(owner_client, certificate):
    upload = SimpleUploadedFile("codes.csv", b"\x00\x00binary")
    response = owner_client.post(
        _url("certificate_codes", certificate.pk), {"action": "import", "import-files": [upload]}
    )
    assert "not a text file" in response.context["upload"].errors["files"][0]
    assert not CertificateCode.objects.exists()


def test_code_search(owner_client, certificate):
    made = generate_certificate_codes(certificate=certificate, count=5)
    target = made[2]
    page = owner_client.get(
        _url("certificate_codes", certificate.pk), {"q": target.code.lower().replace("-", "")}
    )
    assert list(page.context["page_obj"].object_list) == [target]


def test_printable_sheet(owner_client, certificate):
    made = generate_certificate_codes(certificate=certificate, count=7)
    CertificateCode.objects.filter(pk=made[0].pk).update(used_at=timezone.now())
    page = owner_client.get(_url("certificate_codes_print", certificate.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert len(page.context["cells"]) == 6  # the used one is left out
    assert html.count('class="sheet__cell"') == 6 and html.count("<svg") == 6
    for code in made[1:]:
        assert code.code in html
    with_used = owner_client.get(_url("certificate_codes_print", certificate.pk), {"used": "1"})
    assert len(with_used.context["cells"]) == 7
    cell = with_used.context["cells"][0]
    ET.fromstring(cell["svg"])
    # the QR holds the code's public link (journey.md "Links in every QR")
    assert cell["svg"] == qr_svg(f"http://testserver/g/{cell['code'].code}")


def test_cashier_cannot_open_certificates(cashier_client, certificate):
    assert cashier_client.get(_url("certificate_list")).status_code == 403
    assert cashier_client.get(_url("certificate_detail", certificate.pk)).status_code == 403
