"""Customers from CSV: all or nothing, every rejected line reported (quality.md R10)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import Customer, Enrolment
from customers.services import import_customers_csv
from tests.factories import CustomerCategoryFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def upload(text, encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile("customers.csv", data, content_type="text/csv")


def run(business, program, text, encoding="utf-8"):
    return import_customers_csv(business=business, program=program, file=upload(text, encoding))


def rejected(report):
    return [(r.line, r.field) for r in report.rejected]


GOOD = (
    "phone,name,email,birthday,category,card\n"
    "050 111 22 33,Олена,olena@example.com,1990-05-01,vip,\n"
    "+380502223344,Taras,,01.02.1985,,card-0001\n"
    ",Card only,,,Regular,CARD0002\n"
)


def test_a_good_file_registers_everyone(business, program, regular):
    vip = CustomerCategoryFactory(program=program, key="vip", name="VIP")
    report = run(business, program, GOOD)
    assert report.ok and (report.rows, report.created) == (3, 3)
    olena = Customer.objects.get(phone="+380501112233")
    assert (olena.name, olena.email, str(olena.birthday)) == (
        "Олена",
        "olena@example.com",
        "1990-05-01",
    )
    assert Enrolment.objects.get(customer=olena).category == vip
    taras = Customer.objects.get(phone="+380502223344")
    assert taras.card_code == "CARD0001" and str(taras.birthday) == "1985-02-01"
    assert Enrolment.objects.get(customer=taras).category == regular  # the default
    card_only = Customer.objects.get(card_code="CARD0002")
    assert Enrolment.objects.get(customer=card_only).category == regular  # by name
    assert card_only.channel == "none"


def test_any_bad_line_writes_nothing_and_every_bad_line_is_reported(business, program):
    CustomerFactory(business=business, phone="+380509990000")
    text = (
        "phone,name,email,birthday,category\n"
        "0501112233,Good,,,\n"
        "garbage,Bad phone,,,\n"
        "0502223344,Bad mail,not-mail,,\n"
        "0503334455,Bad date,,31.02.1990,\n"
        "0504445566,Bad category,,,gold\n"
        ",No phone,,,\n"
        "0501112233,Duplicate,,,\n"
        "0509990000,Registered,,,\n"
        "0505556677,Future,,2999-01-01,\n"
    )
    report = run(business, program, text)
    assert not report.ok and report.created == 0
    assert rejected(report) == [
        (3, "phone"),
        (4, "email"),
        (5, "birthday"),
        (6, "category"),
        (7, "phone"),
        (8, "phone"),
        (10, "birthday"),
    ]
    assert "line 2" in report.rejected[5].message  # the duplicate names its first line
    assert Customer.objects.count() == 1


def test_already_registered_lines_are_reported(business, program):
    CustomerFactory(business=business, phone="+380509990000", card_code="TAKEN1")
    report = run(business, program, "phone,card\n0509990000,\n0501112233,taken1\n")
    assert rejected(report) == [(2, "phone"), (3, "card")]
    assert Customer.objects.count() == 1


def test_windows_1251_and_semicolons(business, program):
    report = run(business, program, "phone;name\n0501112233;Петро Іваненко\n", encoding="cp1251")
    assert report.ok, report.rejected
    assert Customer.objects.get().name == "Петро Іваненко"


def test_utf8_with_bom_and_utf16(business, program):
    assert run(business, program, "\ufeffphone,name\n0501112233,Ю\n").ok
    assert run(business, program, "phone,name\n0502223344,Я\n", encoding="utf-16").ok
    assert Customer.objects.count() == 2


def test_quoted_fields_with_delimiters_and_line_breaks(business, program):
    report = run(business, program, 'phone,name\n0501112233,"Doe, John\nJr."\n0502223344,X\n')
    assert report.ok and report.created == 2
    assert Customer.objects.get(phone="+380501112233").name == "Doe, John\nJr."


def test_broken_csv_is_reported_with_its_line(business, program):
    report = run(business, program, 'phone,name\n0501112233,ok\n0502223344,"broken"x\n')
    assert rejected(report) == [(3, "file")]
    assert "Broken CSV" in report.rejected[0].message
    assert not Customer.objects.exists()


def test_binary_file(business, program):
    report = run(business, program, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert rejected(report) == [(0, "file")]


def test_too_big_a_file(business, program, settings):
    settings.PERKLINE_MAX_UPLOAD_BYTES = 100
    report = run(business, program, "phone\n" + "0501112233\n" * 20)
    assert rejected(report) == [(0, "file")]
    assert "larger" in report.rejected[0].message
    # A plain file object without a size is cut at the limit as well.
    plain = io.BytesIO(("phone\n" + "0501112233\n" * 20).encode())
    assert not import_customers_csv(business=business, program=program, file=plain).ok


def test_unknown_columns_and_missing_identity(business, program):
    assert rejected(run(business, program, "phone,nickname\n0501112233,x\n")) == [(1, "nickname")]
    assert rejected(run(business, program, "name,email\nX,x@y.z\n")) == [(1, "phone")]


def test_too_many_values(business, program):
    assert rejected(run(business, program, "phone\n0501112233,extra\n")) == [(2, "file")]


def test_empty_file_and_header_only(business, program):
    assert rejected(run(business, program, "")) == [(1, "file")]
    report = run(business, program, "phone,name\n\n")
    assert report.ok and report.created == 0


def test_a_program_of_another_business(business, program):
    from tests.factories import ProgramFactory

    report = run(business, ProgramFactory(), GOOD)
    assert rejected(report) == [(0, "program")]


def test_str_of_a_rejected_line(business, program):
    report = run(business, program, "phone\ngarbage\n")
    assert str(report.rejected[0]).startswith("line 2, phone: ")


def test_an_unterminated_quote(business, program):
    report = run(business, program, 'phone,name\n0501112233,"open\n0502223344,x\n')
    assert [field for _, field in rejected(report)] == ["file"]
    assert not Customer.objects.exists()
