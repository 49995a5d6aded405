"""Another business's rows never reach these pages through query strings or posted choices
(the route walk in tests/loyalty/panel covers the ids in the paths)."""

from django.urls import reverse
from django.utils import timezone

from coupons.models import CodeJob, Coupon, CouponSeries
from coupons.services import issue_coupons, redeem_coupon
from tests.factories import (
    CouponSeriesFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    ProgramFactory,
    RuleFactory,
)

from .fixtures import series_data


def test_foreign_program_and_rule_are_not_choices(owner_client, program):
    foreign_program = ProgramFactory()
    foreign_rule = RuleFactory(program=foreign_program, mode="coupon")
    response = owner_client.post(
        reverse("panel:series_create"),
        series_data(program, foreign_rule) | {"program": foreign_program.pk},
    )
    errors = response.context["form"].errors
    assert "program" in errors and "reward_rule" in errors
    assert not CouponSeries.objects.exists()


def test_foreign_category_cannot_be_issued_to(owner_client, series):
    foreign = CustomerCategoryFactory()
    response = owner_client.post(
        reverse("panel:series_issue", kwargs={"pk": series.pk}),
        {"action": "category", "category-category": foreign.pk, "category-quantity": "1"},
    )
    assert "category" in response.context["many"].errors
    assert not CodeJob.objects.exists()


def test_foreign_customer_phone_is_unknown(owner_client, series):
    CustomerFactory(phone="+380509998877")  # of another business
    response = owner_client.post(
        reverse("panel:series_issue", kwargs={"pk": series.pk}),
        {"action": "one", "one-phone": "+380509998877", "one-quantity": "1"},
    )
    assert "phone" in response.context["one"].errors
    assert not Coupon.objects.exists()


def test_redemptions_show_only_this_business(owner_client, series):
    other_series = CouponSeriesFactory()
    stranger = CustomerFactory(business=other_series.business, name="Stranger")
    coupon = issue_coupons(series=other_series, quantity=1, at=timezone.now(), customer=stranger)[0]
    redeem_coupon(coupon=coupon, at=timezone.now(), customer=stranger)
    page = owner_client.get(reverse("panel:redemption_list"))
    assert page.context["page_obj"].paginator.count == 0
    filtered = owner_client.get(reverse("panel:redemption_list"), {"series": other_series.pk})
    assert "series" in filtered.context["form"].errors
    export = owner_client.get(reverse("panel:redemption_export"), {"name": "Stranger"})
    assert "Stranger" not in b"".join(export.streaming_content).decode()


def test_series_list_ignores_foreign_program_filter(owner_client, series):
    foreign = CouponSeriesFactory()
    page = owner_client.get(reverse("panel:series_list"), {"program": foreign.program_id})
    assert list(page.context["object_list"]) == []
