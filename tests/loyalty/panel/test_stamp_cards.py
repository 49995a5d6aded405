"""The panel's stamp cards (promotions.md): list, create, edit in the program's menu; bad
input named on its field; one business never sees another's cards."""

import pytest
from django.urls import reverse

from loyalty.models import Program, StampCard
from tests.factories import CouponSeriesFactory, ProgramFactory, StampCardFactory

pytestmark = pytest.mark.django_db


def form(series, **changes):
    data = {
        "name": "Sixth coffee free",
        "key": "coffee6",
        "stamps": "6",
        "counts": "units",
        "include_categories": "coffee",
        "include_goods": "",
        "exclude_categories": "",
        "exclude_goods": "",
        "min_amount": "",
        "reward": str(series.pk),
        "expires_in_days": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def errors(response):
    return {name: list(e) for name, e in response.context["form"].errors.items()}


def test_owner_creates_lists_and_edits_a_card(owner_client, program):
    series = CouponSeriesFactory(program=program, name="Free coffee")
    version = program.version
    url = reverse("panel:stamp_card_create", kwargs={"program_pk": program.pk})
    assert owner_client.get(url).status_code == 200
    response = owner_client.post(url, form(series))
    assert response.status_code == 302, errors(response)
    card = StampCard.objects.get()
    assert (card.stamps, card.counts, card.include_categories, card.reward) == (
        6,
        "units",
        ["coffee"],
        series,
    )
    assert Program.objects.get(pk=program.pk).version > version  # confirms see it at once

    page = owner_client.get(reverse("panel:stamp_card_list", kwargs={"program_pk": program.pk}))
    assert "Sixth coffee free" in page.content.decode()
    assert "Free coffee" in page.content.decode()
    edit = reverse("panel:stamp_card_edit", kwargs={"pk": card.pk})
    response = owner_client.post(edit, form(series, stamps="10", min_amount="50.00"))
    assert response.status_code == 302, errors(response)
    card.refresh_from_db()
    assert (card.stamps, str(card.min_amount)) == (10, "50.00")
    # The program's menu leads there.
    programs = owner_client.get(reverse("panel:program_list")).content.decode()
    assert reverse("panel:stamp_card_list", kwargs={"program_pk": program.pk}) in programs
    assert owner_client.get(reverse("panel:stamp_card_index")).status_code == 302


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"stamps": "1"}, "stamps"),
        ({"stamps": "51"}, "stamps"),
        ({"reward": ""}, "reward"),
        ({"min_amount": "0"}, "min_amount"),
        ({"expires_in_days": "0"}, "expires_in_days"),
        ({"counts": "visits"}, "counts"),
    ],
)
def test_bad_input_is_named_on_its_field_and_writes_nothing(owner_client, program, changes, field):
    series = CouponSeriesFactory(program=program)
    url = reverse("panel:stamp_card_create", kwargs={"program_pk": program.pk})
    response = owner_client.post(url, form(series, **changes))
    assert response.status_code == 200
    assert field in errors(response)
    assert not StampCard.objects.exists()


def test_the_reward_must_be_a_series_of_the_program(owner_client, program, business):
    other_program = ProgramFactory(business=business, key="other")
    foreign = CouponSeriesFactory(program=other_program)
    url = reverse("panel:stamp_card_create", kwargs={"program_pk": program.pk})
    response = owner_client.post(url, form(foreign))
    assert "reward" in errors(response)
    assert not StampCard.objects.exists()


def test_another_business_cards_are_not_found(owner_client, program):
    card = StampCardFactory()  # another business
    edit = reverse("panel:stamp_card_edit", kwargs={"pk": card.pk})
    assert owner_client.get(edit).status_code == 404
    other_list = reverse("panel:stamp_card_list", kwargs={"program_pk": card.program_id})
    assert owner_client.get(other_list).status_code == 404


def test_the_key_is_unique_in_the_program(owner_client, program):
    series = CouponSeriesFactory(program=program)
    StampCardFactory(program=program, key="coffee6", reward=series)
    url = reverse("panel:stamp_card_create", kwargs={"program_pk": program.pk})
    response = owner_client.post(url, form(series))
    assert "key" in errors(response)
