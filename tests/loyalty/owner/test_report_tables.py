"""Issue 21: the reports page's tables sort by a click on a column head, filter by program,
point of sale and cashier (GET parameters), and download as CSV with the same filters."""

import pytest
from django.urls import reverse

from loyalty.models import PointOfSale
from tests.factories import BusinessFactory, PointOfSaleFactory, ProgramFactory

from .test_report_figures import MARCH, shop_month

pytestmark = pytest.mark.django_db


def table(body, testid):
    part = body.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    rows = part.split("<tbody>")[1].split("<tr>")[1:]
    return [r.split("<td>")[1].split("</td>")[0] for r in rows]


def csv_text(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_column_head_sorts_the_table_both_ways(owner_client, business):
    shop_month(ProgramFactory(business=business))
    url = reverse("panel:report_index")
    body = owner_client.get(url, MARCH).content.decode()
    assert table(body, "by-pos") == ["Center", "Mall"]  # by money taken, most first
    assert "sort_pos=name" in body  # the head links to its sort
    body = owner_client.get(url, {**MARCH, "sort_pos": "-name"}).content.decode()
    assert table(body, "by-pos") == ["Mall", "Center"]
    assert 'aria-sort="descending"' in body
    body = owner_client.get(url, {**MARCH, "sort_pos": "sales"}).content.decode()
    assert table(body, "by-pos") == ["Mall", "Center"]
    # an unknown column falls back to the default order
    body = owner_client.get(url, {**MARCH, "sort_pos": "nope"}).content.decode()
    assert table(body, "by-pos") == ["Center", "Mall"]


def test_filters_narrow_the_figures_and_the_csv_follows(owner_client, business):
    program = ProgramFactory(business=business)
    shop_month(program)
    mall = PointOfSale.objects.get(business=business, name="Mall")
    url = reverse("panel:report_index")
    body = owner_client.get(url, {**MARCH, "pos": mall.pk}).content.decode()
    assert table(body, "by-pos") == ["Mall"]
    assert table(body, "by-cashier") == ["a connected till"]
    assert 'data-testid="average-check">30.00<' in body
    body = owner_client.get(url, {**MARCH, "cashier": "till"}).content.decode()
    assert table(body, "by-cashier") == ["a connected till"]

    response = owner_client.get(
        reverse("panel:report_table"), {**MARCH, "table": "pos", "pos": mall.pk}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = csv_text(response).splitlines()
    assert lines == ["Point of sale,Sales,Taken,Average check", "Mall,1,30.00,30.00"]
    response = owner_client.get(
        reverse("panel:report_table"), {**MARCH, "table": "pos", "sort_pos": "name"}
    )
    assert [line.split(",")[0] for line in csv_text(response).splitlines()[1:]] == [
        "Center", "Mall",
    ]  # fmt: skip
    series = csv_text(
        owner_client.get(reverse("panel:report_table"), {**MARCH, "table": "series"})
    ).splitlines()
    assert series == ['Series,Issued,Redeemed,"Rate, %"', "Welcome,4,1,25.0"]


def test_another_business_row_is_refused_naming_the_field(owner_client, business):
    shop_month(ProgramFactory(business=business))
    foreign = PointOfSaleFactory(program=ProgramFactory(business=BusinessFactory()))
    body = owner_client.get(
        reverse("panel:report_index"), {**MARCH, "pos": foreign.pk}
    ).content.decode()
    assert "Point of sale:" in body and "alert--error" in body
    # nothing narrowed to the foreign row: the business's own figures
    assert table(body, "by-pos") == ["Center", "Mall"]
    response = owner_client.get(reverse("panel:report_table"), {**MARCH, "table": "nope"})
    assert response.status_code == 404


def test_the_filters_and_heads_are_in_ukrainian(owner_client, business):
    shop_month(ProgramFactory(business=business))
    owner_client.cookies["django_language"] = "uk"
    body = owner_client.get(reverse("panel:report_index"), MARCH).content.decode()
    for word in ("Усі точки продажу", "Усі касири", "Завантажити CSV", "Фільтрувати"):
        assert word in body
