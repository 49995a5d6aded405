"""Importing external codes and pregenerating stock codes (coupons.md "Codes")."""

import io

import pytest

from certificates.models import CertificateCode
from core.errors import ValidationFailed
from coupons.imports import MAX_IMPORT_LINES, generate_pregenerated, import_codes
from coupons.models import CodeJob, Coupon, CouponSeries
from coupons.services import issue_coupons
from tests.factories import T0, CouponSeriesFactory, GiftCertificateFactory

M = CouponSeries.CodeMode


@pytest.fixture
def imported(program):
    return CouponSeriesFactory(program=program, code_mode=M.IMPORTED, inventory=10)


def test_import_report_counts_and_rejected_csv(program, imported):
    # present in the business already: a coupon, a single-use and a public certificate code
    [existing] = issue_coupons(series=CouponSeriesFactory(program=program), quantity=1, at=T0)
    cert = GiftCertificateFactory(program=program, public_code="SUMMER-2030")
    CertificateCode.objects.create(business=program.business, certificate=cert, code="PRINT-0001")
    text = "\n".join(
        [
            "code",  # a header line is not a code
            "ext-0001",
            "EXT 0002",
            "",  # blank lines are skipped
            "ext0001",  # the same code as line 2 once normalised
            "ab",  # too short
            "TOO-LONG-" + "X" * 40,
            "bad#code",
            existing.code.lower(),
            "summer2030",
            "print-0001",
            "ext-0003",
        ]
    )
    report = import_codes(series=imported, file=text.encode())
    assert report.as_dict() == {
        "lines": 10,
        "accepted": 3,
        "rejected": 7,
        "bad_format": 3,
        "duplicate_in_file": 1,
        "already_present": 3,
    }
    assert report.rejected_csv().splitlines() == [
        "line,code,reason",
        "5,ext0001,duplicate_in_file",
        "6,ab,bad_format",
        "7,TOO-LONG-" + "X" * 40 + ",bad_format",
        "8,bad#code,bad_format",
        f"9,{existing.code.lower()},already_present",  # as written in the file
        "10,summer2030,already_present",
        "11,print-0001,already_present",
    ]
    stock = Coupon.objects.filter(series=imported).order_by("code")
    assert [(c.code, c.code_norm, c.is_stock) for c in stock] == [
        ("EXT-0001", "EXT0001", True),
        ("EXT-0003", "EXT0003", True),
        ("EXT0002", "EXT0002", True),
    ]
    imported.refresh_from_db()
    assert imported.inventory == 13  # the imported codes raise the inventory


def test_imported_codes_are_issued_and_answered_in_their_spelling(imported, customer):
    import_codes(series=imported, file=b"Ext-7001\n")
    [coupon] = issue_coupons(series=imported, quantity=1, at=T0, customer=customer)
    assert coupon.code == "EXT-7001" and coupon.state == Coupon.State.IN_WALLET


def test_csv_first_column_semicolon_and_cp1251(program):
    series = CouponSeriesFactory(program=program, code_mode=M.IMPORTED)
    text = "Код;назва\nAAAA1111;Кава\nBBBB2222;Круасан\n"
    report = import_codes(series=series, file=io.BytesIO(text.encode("cp1251")))
    assert report.accepted == 2 and report.rejected == 0
    series.refresh_from_db()
    assert series.inventory is None  # unlimited stays unlimited


def test_importing_the_same_file_twice_rejects_everything_the_second_time(imported):
    import_codes(series=imported, file=b"AAAA1111\nBBBB2222\n")
    report = import_codes(series=imported, file=b"AAAA1111\nBBBB2222\n")
    assert report.accepted == 0 and report.rejected_by_reason["already_present"] == 2


def test_a_binary_file_is_refused_and_nothing_imported(imported):
    with pytest.raises(ValidationFailed) as err:
        import_codes(series=imported, file=b"AAAA1111\n\x00\x00binary")
    assert err.value.field == "file"
    assert not Coupon.objects.exists()


def test_an_empty_file_imports_nothing(imported):
    report = import_codes(series=imported, file=b"")
    assert (report.lines, report.accepted, report.rejected) == (0, 0, 0)


def test_too_many_lines_imports_nothing(imported):
    text = "\n".join(f"CODE{i:07d}" for i in range(MAX_IMPORT_LINES + 1))
    with pytest.raises(ValidationFailed) as err:
        import_codes(series=imported, file=text)
    assert "100,000" in err.value.message
    assert not Coupon.objects.exists()


def test_too_big_a_file(imported, settings):
    settings.PERKLINE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationFailed) as err:
        import_codes(series=imported, file=b"AAAA1111\n" * 20)
    assert err.value.field == "file"


def test_only_imported_series_take_imports(series):
    with pytest.raises(ValidationFailed) as err:
        import_codes(series=series, file=b"AAAA1111\n")
    assert err.value.field == "code_mode"


def test_import_reports_progress_on_the_job(imported):
    job = CodeJob.objects.create(business=imported.business, series=imported, kind="import")
    import_codes(series=imported, file=b"AAAA1111\nAAAA1111\n", job=job)
    job.refresh_from_db()
    assert (job.total, job.done, job.accepted, job.rejected) == (2, 2, 1, 1)
    assert job.rejected_file.name.endswith(".csv")


def test_generate_pregenerated_in_batches_with_progress(program):
    series = CouponSeriesFactory(program=program, code_mode=M.PREGENERATED, code_prefix="")
    job = CodeJob.objects.create(business=series.business, series=series, kind="generate")
    assert generate_pregenerated(series=series, count=1234, job=job, batch=500) == 1234
    job.refresh_from_db()
    assert (job.total, job.done) == (1234, 1234)
    codes = list(Coupon.objects.filter(series=series).values_list("code", "code_norm"))
    assert len({norm for _code, norm in codes}) == 1234
    assert all(code.replace("-", "") == norm and len(norm) == 10 for code, norm in codes)


def test_generate_tops_up_duplicates(program, monkeypatch):
    series = CouponSeriesFactory(program=program, code_mode=M.PREGENERATED, code_prefix="")
    real = __import__("coupons.codes", fromlist=["generate_codes"]).generate_codes
    calls = []

    def with_a_repeat(s, n):
        codes = real(s, n)
        calls.append(n)
        if len(calls) == 1:
            codes[1] = codes[0]  # a repeat inside the batch
        return codes

    monkeypatch.setattr("coupons.imports.generate_codes", with_a_repeat)
    assert generate_pregenerated(series=series, count=10) == 10
    assert calls == [10, 1]
    assert Coupon.objects.filter(series=series).count() == 10


def test_generate_only_for_pregenerated_series(series):
    with pytest.raises(ValidationFailed):
        generate_pregenerated(series=series, count=10)
