"""The panel's join settings of a program and its printable poster and table tent."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from loyalty.models import Program
from tests.coupons.panel.fixtures import image_bytes
from tests.factories import CouponSeriesFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def test_poster_holds_the_join_qr_the_program_and_the_logo(owner_client, business, program):
    business.logo.save("logo.png", ContentFile(image_bytes((200, 100))))
    page = owner_client.get(reverse("panel:program_poster", args=[program.pk]))
    text = page.content.decode()
    link = f"http://testserver/j/{business.slug}/{program.key}/"
    assert page.status_code == 200
    assert link in text and "<svg" in text and program.name in text
    assert business.logo.url in text
    assert text.count('data-testid="poster-face"') == 1
    assert "<script>" not in text and "style=" not in text  # CSP: no inline code


def test_table_tent_has_two_faces(owner_client, program):
    text = owner_client.get(
        reverse("panel:program_poster", args=[program.pk]) + "?kind=tent"
    ).content.decode()
    assert text.count('data-testid="poster-face"') == 2 and "poster--flipped" in text


def test_program_list_links_the_poster(owner_client, program):
    text = owner_client.get(reverse("panel:program_list")).content.decode()
    assert reverse("panel:program_poster", args=[program.pk]) in text


def test_welcome_settings_are_saved(owner_client, business, program):
    series = CouponSeriesFactory(program=program, business=business)
    data = {
        "name": program.name, "key": program.key, "max_points_share": "100",
        "join_open": "on", "welcome_points": "30", "welcome_series": series.pk,
    }  # fmt: skip
    response = owner_client.post(reverse("panel:program_edit", args=[program.pk]), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.join_open, program.welcome_points, program.welcome_series) == (
        True,
        Decimal("30"),
        series,
    )


def test_a_series_of_another_program_and_negative_points_are_refused(
    owner_client, business, program
):
    foreign = CouponSeriesFactory(program=ProgramFactory(business=business))
    data = {
        "name": program.name, "key": program.key, "max_points_share": "100",
        "welcome_points": "-5", "welcome_series": foreign.pk,
    }  # fmt: skip
    response = owner_client.post(reverse("panel:program_edit", args=[program.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "welcome_series" in errors and "welcome_points" in errors
    assert Program.objects.get(pk=program.pk).welcome_series is None
