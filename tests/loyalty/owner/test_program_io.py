"""Program export and import through the panel pages."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loyalty.models import Business, Program, Rule
from tests.factories import BusinessFactory, ProgramFactory
from tests.loyalty.panel.conftest import logged_in, member
from tests.loyalty.program_io.conftest import load_demo

pytestmark = pytest.mark.django_db


def upload(client, document):
    raw = json.dumps(document).encode() if isinstance(document, dict) else document
    return client.post(
        reverse("panel:program_import"),
        {"file": SimpleUploadedFile("program.json", raw, content_type="application/json")},
        follow=True,
    )


def test_round_trip_through_the_pages(owner_client, business):
    response = upload(owner_client, load_demo())
    assert response.status_code == 200
    program = Program.objects.get(business=business)
    assert f"Program “{program.key}”" in response.content.decode()

    download = owner_client.get(reverse("panel:program_export", args=[program.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{program.key}.json"'
    exported = json.loads(download.content)
    assert exported["program"]["key"] == program.key

    # The downloaded document imported into another business gives the same program.
    other = BusinessFactory()
    other_client = logged_in(member(other, "owner"))
    upload(other_client, exported)
    copy = Program.objects.get(business=other)
    again = other_client.get(reverse("panel:program_export", args=[copy.pk]))
    assert json.loads(again.content) == exported


def test_a_document_with_errors_imports_nothing_and_lists_the_paths(owner_client, business):
    document = load_demo()
    document["customer_categories"][0]["key"] = "Bad Key"
    document["points_of_sale"][0]["key"] = "Not A Key"
    response = upload(owner_client, document)

    body = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in body
    assert "customer_categories[0].key" in body
    assert "points_of_sale[0].key" in body
    assert not Program.objects.filter(business=business).exists()
    assert not Rule.objects.filter(business=business).exists()


def test_not_json_is_refused_at_the_document_root(owner_client, business):
    body = upload(owner_client, b"{not json").content.decode()
    assert "Not valid JSON" in body
    assert not Program.objects.filter(business=business).exists()


def test_another_business_program_is_404(owner_client):
    foreign = ProgramFactory(business=BusinessFactory())
    response = owner_client.get(reverse("panel:program_export", args=[foreign.pk]))
    assert response.status_code == 404


def test_cashier_cannot_import_or_export(cashier_client, program):
    assert cashier_client.get(reverse("panel:program_import")).status_code == 403
    export = cashier_client.get(reverse("panel:program_export", args=[program.pk]))
    assert export.status_code == 403


def test_manager_may_import(manager_client, business):
    upload(manager_client, load_demo())
    assert Program.objects.filter(business=business).count() == 1
    assert Business.objects.count() == 1


def test_program_list_links_to_import(owner_client, program):
    body = owner_client.get(reverse("panel:program_list")).content.decode()
    assert reverse("panel:program_import") in body
