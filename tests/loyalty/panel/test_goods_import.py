"""Goods CSV import: all-or-nothing, every rejected line with its number and field."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import ValidationFailed
from loyalty.models import Goods, GoodsCategory
from loyalty.services.catalogue import import_goods_csv
from tests.factories import GoodsCategoryFactory, GoodsFactory

pytestmark = pytest.mark.django_db


def upload(text, name="goods.csv", encoding="utf-8"):
    data = text.encode(encoding) if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_creates_and_updates(business):
    GoodsFactory(business=business, code="LATTE", title="Old", price=Decimal("1"))
    GoodsCategoryFactory(business=business, code="coffee")
    report = import_goods_csv(
        business=business,
        file=upload(
            "\ufeffcode,title,category,price\n"
            "LATTE,Latte,coffee,60.00\n"
            "CROISSANT,Croissant,bakery,45\n"
            "\n"
            "WATER,Water,,\n"
        ),
    )
    assert report.ok
    assert (report.created, report.updated, report.categories_created) == (2, 1, 1)
    latte = Goods.objects.get(business=business, code="LATTE")
    assert (latte.title, latte.price, latte.category.code) == ("Latte", Decimal("60.00"), "coffee")
    assert Goods.objects.get(code="CROISSANT").category.code == "bakery"
    assert Goods.objects.get(code="WATER").category is None


def test_semicolons_and_comma_decimals(business):
    report = import_goods_csv(
        business=business, file=upload("code;title;category;price\nTEA;Tea;;12,50\n")
    )
    assert report.ok
    assert Goods.objects.get(code="TEA").price == Decimal("12.50")


def test_every_bad_line_is_reported_and_nothing_written(business):
    text = (
        "code,title,category,price\n"
        "OK1,Fine,cat,1.00\n"
        ",No code,cat,1\n"  # line 3
        "NEG,Negative,cat,-5\n"  # line 4
        "TXT,Text price,cat,abc\n"  # line 5
        "OK1,Duplicate,cat,2\n"  # line 6
        "LONG," + "x" * 201 + ",cat,1\n"  # line 7
        "MANY,Decimals,cat,1.001\n"  # line 8
        "SHORT,Short\n"  # line 9
    )
    report = import_goods_csv(business=business, file=upload(text))
    got = [(r.line, r.field) for r in report.rejected]
    assert got == [
        (3, "code"), (4, "price"), (5, "price"), (6, "code"), (7, "title"), (8, "price"),
        (9, ""),
    ]  # fmt: skip
    assert "line 2" in report.rejected[3].message
    assert not Goods.objects.exists() and not GoodsCategory.objects.exists()


@pytest.mark.parametrize(
    "data, text",
    [
        ("code,title,category,price\nTEA,Чай,,1\n".encode("cp1251"), "UTF-8"),
        (b"", "empty"),
        (b"sku,name\nA,B\n", "missing: code, title, category, price"),
        (b'code,title,category,price\nA,"unclosed,x,1\n', "not a valid CSV"),
        (b"code,title,category,price\nA,\x00B,,1\n", "not a CSV"),
        (b"code,title,category,price\n", "no goods lines"),
    ],
)
def test_broken_files_are_refused_with_a_message(business, data, text):
    with pytest.raises(ValidationFailed) as error:
        import_goods_csv(business=business, file=upload(data))
    assert text in error.value.message
    assert error.value.field == "file"
    assert not Goods.objects.exists()


def test_too_large_file(business, settings):
    settings.PERKLINE_MAX_UPLOAD_BYTES = 100
    text = "code,title,category,price\n" + "".join(f"C{i},T,,1\n" for i in range(50))
    with pytest.raises(ValidationFailed, match="too large"):
        import_goods_csv(business=business, file=upload(text))
    assert not Goods.objects.exists()


def test_import_page_shows_rejected_lines(owner_client, business):
    response = owner_client.post(
        reverse("panel:goods_import"),
        {"file": upload("code,title,category,price\nA,Fine,,1\nB,Bad,,-1\n")},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in html
    assert '<td class="num">3</td>' in html and "must not be negative" in html
    assert not Goods.objects.exists()


def test_import_page_wrong_encoding_message(owner_client):
    response = owner_client.post(
        reverse("panel:goods_import"), {"file": upload("code,title\nЧай,x".encode("cp1251"))}
    )
    assert "UTF-8" in " ".join(response.context["form"].errors["file"])


def test_import_page_success_redirects(owner_client, business):
    response = owner_client.post(
        reverse("panel:goods_import"), {"file": upload("code,title,category,price\nA,Tea,,1\n")}
    )
    assert response.status_code == 302
    assert Goods.objects.filter(business=business, code="A").exists()


def test_import_does_not_touch_another_business(business):
    other = GoodsFactory(code="A", title="Theirs")
    import_goods_csv(business=business, file=upload("code,title,category,price\nA,Mine,,1\n"))
    other.refresh_from_db()
    assert other.title == "Theirs"
    assert Goods.objects.filter(code="A").count() == 2
