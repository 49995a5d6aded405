"""A coupon series' rules are said once (coupons.series_rules): the model's clean, the panel's
form and the program importer refuse the same series on the same field in the same words,
and archiving a series moves the program's version like every other series change."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coupons.forms import SeriesForm
from coupons.models import CouponSeries
from loyalty.models import Program
from loyalty.program_io import FORMAT, ProgramImportError, import_program
from loyalty.program_io.schema import series_json_path
from tests.factories import AccountTypeFactory

from .fixtures import series_data

TOP_UP = {"reward_kind": "top_up", "top_up_amount": "10", "reward_rule": ""}

# (what is wrong, the form's overrides, the model's values, the document's series, field)
CASES = [
    (
        "a top-up into special points",
        {**TOP_UP, "top_up_account": "special"},
        {"top_up_amount": Decimal("10"), "top_up_account": "special"},
        {"reward": {"top_up": {"account": "special", "amount": "10.00"}}},
        "top_up_account",
    ),
    (
        "a top-up of zero",
        {**TOP_UP, "top_up_amount": "0"},
        {"top_up_amount": Decimal("0")},
        {"reward": {"top_up": {"amount": "0"}}},
        "top_up_amount",
    ),
    (
        "24 valid hours",
        {"validity_type": "hours", "valid_hours": "24", "valid_days": ""},
        {"validity_type": "hours", "valid_hours": 24, "valid_days": None},
        {"validity": {"type": "hours", "valid_hours": 24}},
        "valid_hours",
    ),
    (
        "a range that ends before it starts",
        {"validity_type": "range", "valid_from": "2030-05-10", "valid_to": "2030-05-01"},
        {"validity_type": "range", "valid_from": date(2030, 5, 10), "valid_to": date(2030, 5, 1)},
        {"validity": {"type": "range", "valid_from": "2030-05-10", "valid_to": "2030-05-01"}},
        "valid_to",
    ),
    (
        "a code of 8 characters",
        {"code_length": "8"},
        {"code_length": 8},
        {"code_format": {"prefix": "SU", "length": 8}},
        "code_length",
    ),
    (
        "a giver notified of a coupon nobody can give",
        {"notify_giver": "on"},
        {"notify_giver": True, "transferable": False},
        {"notify_giver": True, "transferable": False},
        "notify_giver",
    ),
    (
        "a pregenerated series without an inventory",
        {"code_mode": "pregenerated", "inventory": ""},
        {"code_mode": "pregenerated", "inventory": None},
        {"code_mode": "pregenerated", "inventory": None},
        "inventory",
    ),
]


def model_message(program, values, field):
    fields = {"top_up_amount": Decimal("10"), "valid_days": 30, "code_prefix": "SU"}
    series = CouponSeries(
        business=program.business, program=program, key="summer", name="Summer", **fields
    )
    for name, value in values.items():
        setattr(series, name, value)
    with pytest.raises(ValidationError) as refused:
        series.clean()
    return refused.value.message_dict[field][0]


def form_message(program, overrides, field):
    data = series_data(program, **{**TOP_UP, **overrides})
    form = SeriesForm(data, business=program.business)
    assert not form.is_valid()
    return form.errors[field][0]


def import_message(business, series, field):
    document = {
        "format": FORMAT,
        "program": {"key": "coffee-club", "name": "Coffee Club"},
        "coupon_series": [
            {
                "key": "summer",
                "name": "Summer",
                "reward": {"top_up": {"amount": "10.00"}},
                "validity": {"type": "relative", "valid_days": 30},
                **series,
            }
        ],
    }
    with pytest.raises(ProgramImportError) as refused:
        import_program(document, business=business)
    messages = dict(refused.value.errors)
    return messages[series_json_path("coupon_series[0]", field)]


@pytest.mark.parametrize(
    ("overrides", "values", "document", "field"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_model_form_and_importer_refuse_alike(
    business, program, overrides, values, document, field
):
    said = model_message(program, values, field)
    assert form_message(program, overrides, field) == said
    assert import_message(business, document, field) == said
    assert not CouponSeries.objects.exists()


def test_a_top_up_into_an_account_type_of_the_program_is_fine(business, program):
    AccountTypeFactory(program=program, key="wallet")
    form = SeriesForm(
        series_data(program, **TOP_UP, top_up_account="wallet"), business=program.business
    )
    assert form.is_valid(), form.errors


def test_archiving_bumps_the_program_version(owner_client, series):
    before = Program.objects.get(pk=series.program_id).version
    response = owner_client.post(reverse("panel:series_archive", kwargs={"pk": series.pk}))
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.is_archived
    assert Program.objects.get(pk=series.program_id).version == before + 1
