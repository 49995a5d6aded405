"""Series list, form, archive and detail pages, through the Django test client."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon, CouponSeries
from coupons.services import issue_coupons
from tests.factories import AccountTypeFactory, CouponSeriesFactory, ProgramFactory, RuleFactory

from .fixtures import image_bytes, series_data


def test_list_shows_counts_and_filters(owner_client, series, top_up_series, make_customer):
    customer = make_customer(name="Olena")
    issue_coupons(series=series, quantity=2, at=timezone.now(), customer=customer)
    issue_coupons(series=series, quantity=1, at=timezone.now())
    CouponSeries.objects.filter(pk=top_up_series.pk).update(is_archived=True)

    page = owner_client.get(reverse("panel:series_list"))
    assert page.status_code == 200
    rows = {s.key: s for s in page.context["object_list"]}
    assert set(rows) == {"spring"}  # archived series are hidden by default
    assert (rows["spring"].n_issued, rows["spring"].n_claimed, rows["spring"].n_redeemed) == (
        3,
        2,
        0,
    )

    archived = owner_client.get(reverse("panel:series_list"), {"state": "archived"})
    assert [s.key for s in archived.context["object_list"]] == ["gift-100"]
    every = owner_client.get(reverse("panel:series_list"), {"state": "all", "q": "GIFT"})
    assert [s.key for s in every.context["object_list"]] == ["gift-100"]
    mode = owner_client.get(reverse("panel:series_list"), {"code_mode": "imported"})
    assert list(mode.context["object_list"]) == []


def test_list_filters_by_program(owner_client, series, business):
    other = ProgramFactory(business=business, name="Bakery")
    CouponSeriesFactory(program=other, key="bread")
    page = owner_client.get(reverse("panel:series_list"), {"program": other.pk})
    assert [s.key for s in page.context["object_list"]] == ["bread"]


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("panel:series_list"), {"state": "all"}).status_code == 200
    return len(queries)


def test_list_makes_a_constant_number_of_queries(owner_client, program, coupon_rule):
    for _ in range(5):
        CouponSeriesFactory(program=program, reward_rule=coupon_rule)
    few = _list_queries(owner_client)
    for _ in range(45):
        CouponSeriesFactory(program=program, reward_rule=coupon_rule)
    many = _list_queries(owner_client)
    assert few == many


# -- the form -------------------------------------------------------------------------------


def test_create_series(owner_client, program, coupon_rule):
    assert owner_client.get(reverse("panel:series_create")).status_code == 200
    response = owner_client.post(
        reverse("panel:series_create"),
        series_data(
            program,
            coupon_rule,
            description_en="A free cup",
            min_spend="50",
            inventory="100",
            transferable="on",
            notify_giver="on",
            referral_reward="5",
            expiry_reminder_hours="24",
            kiosk_price="30",
            self_service="on",
        ),
    )
    series = CouponSeries.objects.get(key="summer")
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:series_detail", kwargs={"pk": series.pk})
    assert series.business_id == program.business_id
    assert series.title == {"en": "Summer coffee", "uk": "Літня кава"}
    assert series.description == {"en": "A free cup"}
    assert series.reward_rule == coupon_rule and series.top_up_amount is None
    assert (series.min_spend, series.inventory, series.valid_days) == (Decimal("50"), 100, 30)
    assert series.transferable and series.notify_giver and series.self_service
    assert (series.referral_reward, series.expiry_reminder_hours, series.kiosk_price) == (
        Decimal("5"),
        24,
        Decimal("30"),
    )
    assert (series.code_prefix, series.code_length, series.code_group) == ("SU", 10, 4)


def test_create_top_up_series(owner_client, program):
    AccountTypeFactory(program=program, key="wallet")
    response = owner_client.post(
        reverse("panel:series_create"),
        series_data(program, reward_kind="top_up", top_up_amount="100", top_up_account="wallet"),
    )
    assert response.status_code == 302
    series = CouponSeries.objects.get(key="summer")
    assert series.is_top_up and series.top_up_amount == Decimal("100")
    assert series.top_up_account == "wallet" and series.reward_rule is None


def _errors(response):
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"code_length": "8"}, "code_length", "bits of entropy"),
        ({"code_prefix": "C#"}, "code_prefix", "letters and digits"),
        ({"code_group": "11"}, "code_group", "between 0"),
        ({"validity_type": "hours", "valid_hours": "24"}, "valid_hours", "1 and 23"),
        ({"validity_type": "relative", "valid_days": ""}, "valid_days", "how many days"),
        (
            {"validity_type": "range", "valid_from": "2030-05-10", "valid_to": "2030-05-01"},
            "valid_to",
            "before the start",
        ),
        ({"reward_rule": ""}, "reward_rule", "coupon rule"),
        ({"reward_kind": "top_up", "top_up_amount": ""}, "top_up_amount", "amount"),
        ({"reward_kind": "top_up", "top_up_amount": "-5"}, "top_up_amount", "greater than zero"),
        ({"key": "Not A Key"}, "key", "lower-case"),
        ({"inventory": "0"}, "inventory", "greater than or equal to 1"),
        ({"notify_giver": "on"}, "notify_giver", "transferable"),
        ({"code_mode": "pregenerated", "inventory": ""}, "inventory", "needs an inventory"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(
    owner_client, program, coupon_rule, overrides, field, fragment
):
    response = owner_client.post(
        reverse("panel:series_create"), series_data(program, coupon_rule, **overrides)
    )
    assert response.status_code == 200
    errors = _errors(response)
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]
    assert not CouponSeries.objects.exists()
    # the summary at the top links each message to its field
    assert f'href="#id_{field}"' in response.content.decode()


def test_rule_of_another_program_is_refused(owner_client, program, business):
    other_rule = RuleFactory(program=ProgramFactory(business=business), mode="coupon")
    response = owner_client.post(reverse("panel:series_create"), series_data(program, other_rule))
    assert "reward_rule" in _errors(response)
    assert not CouponSeries.objects.exists()


def test_duplicate_key_names_the_key(owner_client, program, coupon_rule, series):
    response = owner_client.post(
        reverse("panel:series_create"), series_data(program, coupon_rule, key=series.key)
    )
    assert "already used" in " ".join(_errors(response)["key"])


def test_image_is_resized_and_re_encoded(owner_client, program, coupon_rule):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    upload = SimpleUploadedFile("big.png", image_bytes((2400, 1200)), content_type="image/png")
    data = series_data(program, coupon_rule)
    data["image"] = upload
    assert owner_client.post(reverse("panel:series_create"), data).status_code == 302
    series = CouponSeries.objects.get(key="summer")
    with series.image.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (1200, 600)


def test_not_an_image_is_refused(owner_client, program, coupon_rule):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = series_data(program, coupon_rule)
    data["image"] = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = owner_client.post(reverse("panel:series_create"), data)
    assert "not an image" in " ".join(_errors(response)["image"])
    assert not CouponSeries.objects.exists()


def test_too_large_an_image_is_refused(owner_client, program, coupon_rule, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PERKLINE_MAX_UPLOAD_BYTES = 1000
    data = series_data(program, coupon_rule)
    data["image"] = SimpleUploadedFile("big.jpg", image_bytes((800, 800), "JPEG"))
    response = owner_client.post(reverse("panel:series_create"), data)
    assert "larger than" in " ".join(_errors(response)["image"])
    assert not CouponSeries.objects.exists()


def _edit_data(series, **overrides):
    data = series_data(
        series.program,
        series.reward_rule,
        key=series.key,
        name=series.name,
        code_prefix=series.code_prefix,
        inventory=series.inventory or "",
    )
    data.update(overrides)
    return data


def test_edit_before_issue_may_change_the_reward(owner_client, series, program):
    other = RuleFactory(program=program, mode="coupon", key="other")
    response = owner_client.post(
        reverse("panel:series_edit", kwargs={"pk": series.pk}),
        _edit_data(series, reward_rule=other.pk, name="Renamed"),
    )
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.reward_rule == other and series.name == "Renamed"


def test_reward_is_locked_once_a_coupon_is_issued(owner_client, series, program, coupon_rule):
    issue_coupons(series=series, quantity=1, at=timezone.now())
    page = owner_client.get(reverse("panel:series_edit", kwargs={"pk": series.pk}))
    form = page.context["form"]
    assert form.fields["reward_rule"].disabled and form.fields["top_up_amount"].disabled
    assert "disabled" in str(form["reward_rule"])

    # a browser does not post disabled fields: the rest saves, the reward stays
    data = _edit_data(series, name="Still spring", valid_days="60")
    for name in ("reward_kind", "reward_rule", "top_up_account", "top_up_amount", "program"):
        data.pop(name)
    edit = reverse("panel:series_edit", kwargs={"pk": series.pk})
    assert owner_client.post(edit, data).status_code == 302
    series.refresh_from_db()
    assert (series.name, series.valid_days, series.reward_rule) == ("Still spring", 60, coupon_rule)

    # a forged post that changes the reward is refused, naming the field
    other = RuleFactory(program=program, mode="coupon", key="other")
    forged = owner_client.post(
        reverse("panel:series_edit", kwargs={"pk": series.pk}),
        _edit_data(series, reward_rule=other.pk, name="Forged"),
    )
    assert forged.status_code == 200
    assert "cannot change" in " ".join(_errors(forged)["reward_rule"])
    series.refresh_from_db()
    assert series.reward_rule == coupon_rule and series.name == "Still spring"

    forged = owner_client.post(
        reverse("panel:series_edit", kwargs={"pk": series.pk}),
        _edit_data(series, reward_kind="top_up", top_up_amount="500"),
    )
    assert "reward_kind" in _errors(forged) or "top_up_amount" in _errors(forged)
    series.refresh_from_db()
    assert series.top_up_amount is None


def test_inventory_never_below_issued(owner_client, series):
    CouponSeries.objects.filter(pk=series.pk).update(inventory=10)
    series.refresh_from_db()
    issue_coupons(series=series, quantity=4, at=timezone.now())
    response = owner_client.post(
        reverse("panel:series_edit", kwargs={"pk": series.pk}), _edit_data(series, inventory="3")
    )
    assert response.status_code == 200
    assert "4 coupons issued" in " ".join(_errors(response)["inventory"])
    series.refresh_from_db()
    assert series.inventory == 10 and series.issued_count == 4

    ok = owner_client.post(
        reverse("panel:series_edit", kwargs={"pk": series.pk}), _edit_data(series, inventory="4")
    )
    assert ok.status_code == 302
    series.refresh_from_db()
    assert series.inventory == 4 and series.issued_count == 4


def test_edit_does_not_overwrite_the_issued_counter(owner_client, series):
    """The form's copy of issued_count is old by the time it saves: it must not be written."""
    from coupons.forms import SeriesForm

    form = SeriesForm(_edit_data(series, name="New"), instance=series, business=series.business)
    assert form.is_valid(), form.errors
    issue_coupons(series=series, quantity=3, at=timezone.now())  # meanwhile, at a till
    form.save()
    series.refresh_from_db()
    assert series.issued_count == 3 and series.name == "New"


# -- archive ----------------------------------------------------------------------------------


def test_archive_with_confirmation(owner_client, series, make_customer):
    customer = make_customer()
    held = issue_coupons(series=series, quantity=1, at=timezone.now(), customer=customer)[0]
    url = reverse("panel:series_archive", kwargs={"pk": series.pk})
    page = owner_client.get(url)
    assert page.status_code == 200 and "stay valid" in page.content.decode()
    series.refresh_from_db()
    assert not series.is_archived  # looking at the question changes nothing

    assert owner_client.post(url).status_code == 302
    series.refresh_from_db()
    assert series.is_archived
    assert CouponSeries.objects.filter(pk=series.pk).exists()  # archived, not deleted
    held.refresh_from_db()
    assert held.state == Coupon.State.IN_WALLET
    listed = owner_client.get(reverse("panel:series_list"))
    assert series not in listed.context["object_list"]


# -- detail -----------------------------------------------------------------------------------


def test_detail_shows_statistics_and_chart(owner_client, series, make_customer):
    customer = make_customer()
    now = timezone.now()
    issue_coupons(series=series, quantity=2, at=now, customer=customer)
    issue_coupons(series=series, quantity=1, at=now - timedelta(days=3), customer=customer)
    issue_coupons(series=series, quantity=1, at=now)  # free: issued but not claimed
    page = owner_client.get(reverse("panel:series_detail", kwargs={"pk": series.pk}))
    assert page.status_code == 200
    stats = page.context["stats"]
    assert (stats["issued"], stats["claimed"], stats["redeemed"], stats["expired"]) == (4, 3, 0, 0)
    assert len(stats["days"]) == 7 and sum(d["claimed"] for d in stats["days"]) == 3
    html = page.content.decode()
    assert "<svg" in html and "<polyline" in html
    assert f"/s/{series.token}" in html


def test_detail_chart_range(owner_client, series):
    url = reverse("panel:series_detail", kwargs={"pk": series.pk})
    page = owner_client.get(url, {"from": "2030-01-01", "to": "2030-01-31"})
    assert len(page.context["stats"]["days"]) == 31
    assert page.context["stats"]["days"][0]["date"] == "2030-01-01"
    wrong = owner_client.get(url, {"from": "2030-02-01", "to": "2030-01-01"})
    assert wrong.status_code == 200
    assert "date_from" in wrong.context["range_form"].errors
    assert len(wrong.context["stats"]["days"]) == 7  # falls back to the last 7 days


def test_cashier_cannot_open_series_pages(cashier_client, series):
    for name in ("panel:series_list", "panel:series_create"):
        assert cashier_client.get(reverse(name)).status_code == 403
    detail = reverse("panel:series_detail", kwargs={"pk": series.pk})
    assert cashier_client.get(detail).status_code == 403


def test_manager_can(manager_client, series):
    detail = reverse("panel:series_detail", kwargs={"pk": series.pk})
    assert manager_client.get(detail).status_code == 200


def test_detail_names_the_kiosk_price_and_the_givers_points_with_their_word(owner_client, series):
    series.kiosk_price = Decimal("50.00")
    series.transferable = True
    series.referral_reward = Decimal("1.50")
    series.save()
    url = reverse("panel:series_detail", kwargs={"pk": series.pk})
    owner_client.cookies["django_language"] = "uk"
    html = owner_client.get(url, HTTP_ACCEPT_LANGUAGE="uk").content.decode()
    # a number with decimals takes the fraction's form in uk (core.plurals), not "балів"
    assert "50,00 бала" in html and "1,50 бала дарувальнику" in html
    assert "50,00 балів" not in html
