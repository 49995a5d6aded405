"""The panel's tiers of a program (promotions.md "Tiers"): one measure and period, up to
five levels whose thresholds rise."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import CustomerCategory
from loyalty.models import TierPolicy

LEVELS = 5


class TierForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=TierPolicy.Measure.choices)
    period = forms.ChoiceField(label=_("Over"), choices=TierPolicy.Period.choices)

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        categories = CustomerCategory.objects.filter(program=program).order_by("name")
        self.levels = []
        for i in range(LEVELS):
            names = (f"category_{i}", f"from_{i}", f"keep_days_{i}")
            self.fields[names[0]] = forms.ModelChoiceField(
                label=_("Tier %(n)d: category") % {"n": i + 1},
                queryset=categories,
                required=False,
                help_text=_("Customers reach this category at the threshold."),
            )
            self.fields[names[1]] = forms.DecimalField(
                label=_("Tier %(n)d: from") % {"n": i + 1},
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                help_text=_("Spend in money, or number of visits."),
            )
            self.fields[names[2]] = forms.IntegerField(
                label=_("Tier %(n)d: keep for days") % {"n": i + 1},
                required=False,
                min_value=1,
                max_value=36500,
                help_text=_("Optional: once reached, kept at least this long."),
            )
            self.levels.append(names)

    def clean(self):
        data = super().clean()
        previous, seen, rows = None, set(), []
        for category_name, from_name, keep_name in self.levels:
            category, threshold = data.get(category_name), data.get(from_name)
            if category is None and threshold is None:
                continue
            if category is None:
                self.add_error(category_name, _("Choose the tier's category."))
                continue
            if threshold is None:
                self.add_error(from_name, _("Enter the tier's threshold."))
                continue
            if previous is not None and threshold <= previous:
                self.add_error(from_name, _("Each tier's threshold must be above the one before."))
            if category.pk in seen:
                self.add_error(category_name, _("A category may be one tier only."))
            seen.add(category.pk)
            previous = threshold
            rows.append((category, threshold, data.get(keep_name)))
        data["rows"] = rows
        return data
