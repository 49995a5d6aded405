"""The guided set-up's promotion templates: one short form each (promotions.md "Templates").
The forms only read the input; loyalty.services.promotion_templates checks and saves it."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.models import TierPolicy
from loyalty.services.promotion_templates import (
    BIRTHDAY_GIFTS,
    MAX_TIERS,
    TIER_BENEFITS,
    Component,
    TierLevel,
)


def _percent_field(label, initial, help_text, required=True):
    return forms.DecimalField(
        label=label,
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=initial,
        required=required,
        help_text=help_text,
    )


class CashbackEveryCheckForm(forms.Form):
    percent = _percent_field(
        _("Percent back in points"),
        Decimal("5"),
        _("5 means a check of 200.00 earns 10 points. Every check counts, whatever is bought."),
    )

    def apply_kwargs(self) -> dict:
        return {"percent": self.cleaned_data["percent"]}


class NthFreeForm(forms.Form):
    goods_category = forms.CharField(
        label=_("Goods category code"),
        max_length=80,
        initial="coffee",
        help_text=_("The category code your till sends, e.g. coffee."),
    )
    every = forms.IntegerField(
        label=_("Every how many items one is free (N)"),
        min_value=2,
        max_value=50,
        initial=3,
        help_text=_("3 means every third one is free: the cheapest of each three on the check."),
    )

    def apply_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"goods_category": data["goods_category"], "every": data["every"]}


KINDS = [("category", _("goods category")), ("goods", _("goods item"))]
COMPONENTS = 3


class MealDealForm(forms.Form):
    price = forms.DecimalField(
        label=_("Price of the deal"),
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("What the items cost together, e.g. 70.00."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        examples = ["coffee", "bakery", ""]
        for i in range(1, COMPONENTS + 1):
            optional = _(" (optional)") if i > 2 else ""
            self.fields[f"component_{i}"] = forms.CharField(
                label=_("Item %(n)d%(optional)s") % {"n": i, "optional": optional},
                max_length=400,
                required=False,
                initial=examples[i - 1],
                help_text=_("A code, or several separated by commas: any of them fits."),
            )
            self.fields[f"component_{i}_kind"] = forms.ChoiceField(
                label=_("Item %(n)d is a") % {"n": i},
                choices=KINDS,
                initial="category",
                required=False,
            )
            self.fields[f"component_{i}_quantity"] = forms.IntegerField(
                label=_("Item %(n)d: how many") % {"n": i},
                min_value=1,
                max_value=99,
                initial=1,
                required=False,
            )
        self.order_fields([*[n for n in self.fields if n != "price"], "price"])

    def apply_kwargs(self) -> dict:
        data = self.cleaned_data
        components = [
            Component(
                kind=data[f"component_{i}_kind"] or "category",
                codes=data[f"component_{i}"],
                quantity=data[f"component_{i}_quantity"] or 1,
            )
            for i in range(1, COMPONENTS + 1)
        ]
        return {"components": components, "price": data["price"]}


class BirthdayGiftForm(forms.Form):
    gift = forms.ChoiceField(
        label=_("The gift"), choices=list(BIRTHDAY_GIFTS.items()), initial="discount"
    )
    value = forms.DecimalField(
        label=_("How much"),
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        initial=Decimal("10"),
        help_text=_("The percent off (discount, coupon) or the number of points."),
    )
    days_before = forms.IntegerField(
        label=_("Days before the birthday"), min_value=0, max_value=31, initial=3
    )
    days_after = forms.IntegerField(
        label=_("Days after the birthday"),
        min_value=0,
        max_value=31,
        initial=3,
        help_text=_("Customers get the gift on their checks in this window (31 days at most)."),
    )
    valid_days = forms.IntegerField(
        label=_("Coupon valid for, days"), min_value=1, max_value=3650, initial=30, required=False
    )

    def apply_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "gift": data["gift"],
            "value": data["value"],
            "days_before": data["days_before"],
            "days_after": data["days_after"],
            "valid_days": data["valid_days"] or 30,
        }


class TiersForm(forms.Form):
    measure = forms.ChoiceField(
        label=_("Customers move up by"),
        choices=TierPolicy.Measure.choices,
        initial=TierPolicy.Measure.SPEND,
    )
    period = forms.ChoiceField(
        label=_("Counted over"),
        choices=TierPolicy.Period.choices,
        initial=TierPolicy.Period.LAST_365_DAYS,
    )
    benefit = forms.ChoiceField(
        label=_("Each tier gives"), choices=list(TIER_BENEFITS.items()), initial="discount"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # promotions.md's example 6, in the owner's language
        examples = [(_("Silver"), "1000", "3"), (_("Gold"), "5000", "5"), ("", None, None)]
        for i in range(1, MAX_TIERS + 1):
            name, threshold, percent = examples[i - 1]
            optional = _(" (optional)") if i > 2 else ""
            self.fields[f"tier_{i}_name"] = forms.CharField(
                label=_("Tier %(n)d: name%(optional)s") % {"n": i, "optional": optional},
                max_length=200,
                required=False,
                initial=name,
            )
            self.fields[f"tier_{i}_from"] = forms.DecimalField(
                label=_("Tier %(n)d: from") % {"n": i},
                min_value=Decimal("0.01"),
                max_digits=14,
                decimal_places=2,
                required=False,
                initial=threshold,
                help_text=_("Spend in money, or number of visits."),
            )
            self.fields[f"tier_{i}_percent"] = forms.DecimalField(
                label=_("Tier %(n)d: percent") % {"n": i},
                min_value=Decimal("0.01"),
                max_value=Decimal("100"),
                decimal_places=2,
                required=False,
                initial=percent,
                help_text=_("Optional: the tier's discount or points back, %."),
            )

    def apply_kwargs(self) -> dict:
        data = self.cleaned_data
        levels = [
            TierLevel(
                name=data[f"tier_{i}_name"],
                threshold=data[f"tier_{i}_from"],
                percent=data[f"tier_{i}_percent"],
            )
            for i in range(1, MAX_TIERS + 1)
        ]
        return {
            "measure": data["measure"],
            "period": data["period"],
            "benefit": data["benefit"],
            "levels": levels,
        }
