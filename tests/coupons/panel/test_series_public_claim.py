"""The series form's `public_claim` switch and the warning on the series page."""

import pytest
from django.urls import reverse

from coupons.models import CouponSeries

from .fixtures import series_data

pytestmark = pytest.mark.django_db


def test_the_panel_form_shows_and_saves_the_switch(owner_client, program, coupon_rule):
    page = owner_client.get(reverse("panel:series_create")).content.decode()
    assert 'name="public_claim"' in page and "checked" in page.split('name="public_claim"')[1][:80]
    owner_client.post(reverse("panel:series_create"), series_data(program, coupon_rule))
    series = CouponSeries.objects.get(key="summer")
    assert series.public_claim is False  # an unticked box
    detail = owner_client.get(reverse("panel:series_detail", args=[series.pk])).content.decode()
    assert "data-public-claim-off" in detail
    owner_client.post(
        reverse("panel:series_create"),
        series_data(program, coupon_rule, key="winter", public_claim="on"),
    )
    assert CouponSeries.objects.get(key="winter").public_claim is True
