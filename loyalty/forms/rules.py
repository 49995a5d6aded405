"""The rule form (rules.md "Rule fields"): every field, thresholds as rows, help from the spec.

Validation lives in loyalty.rules_validation (shared with the program import); this form
turns posted text into the Rule's field values and shows each message on its field.
"""

from decimal import Decimal

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import BusinessModelForm
from core.tenancy import scoped
from coupons.models import CouponSeries
from customers.models import AccountType, CustomerCategory
from loyalty.models import PointOfSale, Rule
from loyalty.rules_validation import GOODS_LISTS, REWARD_FIELDS, rule_errors

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]
GOODS_LIST_FIELDS = ("include_categories", "include_goods", "exclude_categories", "exclude_goods")
# Fields that only mean something for some actions; the template shows them for those only.
GOODS_FIELDS = (*GOODS_LIST_FIELDS, "min_quantity", "max_quantity")
CREDIT_FIELDS = ("credit_account", "credit_expires_in_days", "credit_activates_in_days")
COUPON_FIELDS = ("coupon_series", "coupon_per", "coupon_quantity")
# promotions.md
CHEAPEST_FIELDS = ("group_size", "free_count")
CAP_FIELDS = ("max_amount",)
BIRTHDAY_FIELDS = ("birthday_days_before", "birthday_days_after")
THRESHOLD_ROWS = 3
COMPONENT_ROWS = 3

HELP = {
    "name": _("Shown only in the panel."),
    "key": _(
        "A short identifier unique in the program (letters, digits, '-', '_'); "
        "exports and coupon series refer to the rule by it."
    ),
    "explanation": _(
        "Shown at the terminal when the rule applies, returned by the API and "
        "printable on the receipt."
    ),
    "is_active": _("Inactive rules are never evaluated."),
    "mode": _(
        "Automatic: every sale. Manual: only when the cashier selects it for the check. "
        "Coupon reward: only when a coupon of a series that uses this rule is redeemed. "
        "Kiosk offer: never on sales; customers buy coupons of its series at the kiosk "
        "for points."
    ),
    "priority": _(
        "Rules apply in order of priority, smaller first; ties in creation order. "
        "Each rule sees the amounts left by the rules before it."
    ),
    "combine": _(
        "On: applies together with other rules. Off: applies only if no rule has "
        "applied before it on the check, and then nothing after it applies."
    ),
    "action": _("What the rule does: a discount, a special price, points, or coupons."),
    "value": _(
        "The action's number when there are no thresholds: percent, amount, price, "
        "points or number of coupons."
    ),
    "depends_measure": _(
        "With thresholds: measure the money amount or the number of units "
        "(of all positions for check actions, of matched goods for goods "
        "actions)."
    ),
    "depends_period": _(
        "With thresholds: this check only, or the customer's completed sales "
        "in the period (the current check never counts then)."
    ),
    "min_quantity": _("The rule applies only if the check holds at least this many matched units."),
    "max_quantity": _(
        "The benefit covers at most this many matched units, taken in position order."
    ),
    "credit_account": _(
        "Where the points go: bonus points, special (expiring) points or an "
        "account type of the program."
    ),
    "credit_expires_in_days": _("Special points only: they expire this many days after the sale."),
    "credit_activates_in_days": _(
        "Special points only: they can be spent only this many days "
        "after the sale (pending until then)."
    ),
    "coupon_series": _("The coupon series to issue; only series of this program."),
    "coupon_per": _(
        "Per check: the quantity once per sale. Per item: the quantity for every "
        "whole matched unit (goods actions)."
    ),
    "coupon_quantity": _("How many coupons, when neither thresholds nor a value are set."),
    "applies_to_sales": _(
        "First: the customer's first completed sale in this program. "
        "Repeat: second and later. Never on anonymous checks."
    ),
    "customer_identity": _(
        "Whether the check must have an identified customer, must be anonymous, or either."
    ),
    "customer_categories": _("None ticked: customers of every category."),
    "points_of_sale": _("None ticked: every point of sale of the program."),
    "include_categories": _(
        "Category codes, separated by commas. With no goods and no "
        "categories listed, all goods match."
    ),
    "include_goods": _(
        "Goods codes (SKU), separated by commas. A position matches if its "
        "category OR its code is listed."
    ),
    "exclude_categories": _("Category codes that never match, whatever the include lists say."),
    "exclude_goods": _("Goods codes that never match, whatever the include lists say."),
    "date_from": _("First day the rule works (business time zone). Empty: no limit."),
    "date_to": _("Last day the rule works, inclusive. Empty: no limit."),
    "weekdays": _("None ticked: every day."),
    "time_from": _("Time of day the rule starts working. Empty: from midnight."),
    "time_to": _("Time of day it stops working (not included). Empty: until midnight."),
    # promotions.md
    "group_size": _(
        "How many units make a group: 3 for “every third coffee”. Weighed goods never count."
    ),
    "free_count": _(
        "How many units of each group get the discount, always the cheapest ones: "
        "1 for “every third coffee free”. The value is their discount in percent (100 = free)."
    ),
    "max_amount": _("The most this rule gives on one check, in money or points. Empty: no limit."),
    "quantity_limit": _(
        "The rule applies only if the check holds at most this many matching units. "
        "Empty: no limit."
    ),
    "birthday_days_before": _(
        "Only for a customer whose birthday is this many days ahead or less. "
        "Leave both birthday fields empty for everyone."
    ),
    "birthday_days_after": _(
        "…or whose birthday was this many days ago or less (31 days in all at most)."
    ),
}


class CodeListField(forms.CharField):
    """Comma-separated codes, stored as a list; order kept, duplicates dropped."""

    def __init__(self, *, datalist=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 10_000)
        # panel.js completes the code after the last comma from this datalist.
        attrs = {"autocomplete": "off", "data-code-list": datalist or ""}
        if datalist:
            attrs["list"] = datalist
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        codes = []
        for part in text.replace(";", ",").replace("\n", ",").split(","):
            code = part.strip()
            if code and code not in codes:
                codes.append(code)
        return codes


class ThresholdForm(forms.Form):
    start = forms.DecimalField(label=_("from"), required=False, max_digits=14)
    value = forms.DecimalField(label=_("value"), required=False, max_digits=14)

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return data.get("start") is None and data.get("value") is None


ThresholdFormSet = formset_factory(ThresholdForm, extra=THRESHOLD_ROWS)


class ComponentForm(forms.Form):
    """One component of a bundle (meal deal): which goods and how many units."""

    include_categories = CodeListField(label=_("categories"), datalist="category-codes")
    include_goods = CodeListField(label=_("goods"), datalist="goods-codes")
    quantity = forms.IntegerField(label=_("units"), required=False, min_value=1, max_value=999)

    def is_blank(self):
        data = getattr(self, "cleaned_data", {})
        return not data.get("include_categories") and not data.get("include_goods")

    def component(self):
        data = self.cleaned_data
        return {
            "include_categories": data["include_categories"],
            "include_goods": data["include_goods"],
            "quantity": data.get("quantity") or 1,
        }


ComponentFormSet = formset_factory(ComponentForm, extra=0)


class RuleForm(BusinessModelForm):
    credit_account = forms.ChoiceField(label=_("credit to account"))
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    include_categories = CodeListField(label=_("include categories"), datalist="category-codes")
    include_goods = CodeListField(label=_("include goods"), datalist="goods-codes")
    exclude_categories = CodeListField(label=_("exclude categories"), datalist="category-codes")
    exclude_goods = CodeListField(label=_("exclude goods"), datalist="goods-codes")

    class Meta:
        model = Rule
        fields = [
            "name", "key", "explanation", "is_active", "mode", "priority", "combine",
            "action", "value", "depends_measure", "depends_period",
            *GOODS_LIST_FIELDS, "min_quantity", "max_quantity",
            *CREDIT_FIELDS, *COUPON_FIELDS,
            "applies_to_sales", "customer_identity", "customer_categories", "points_of_sale",
            "date_from", "date_to", "weekdays", "time_from", "time_to",
            *CHEAPEST_FIELDS, *CAP_FIELDS, "quantity_limit", *BIRTHDAY_FIELDS,
        ]  # fmt: skip
        widgets = {
            "customer_categories": forms.CheckboxSelectMultiple,
            "points_of_sale": forms.CheckboxSelectMultiple,
            "date_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "time_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "time_to": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "explanation": forms.TextInput,
        }
        help_texts = HELP

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        self.instance.program = program
        business = self.business
        self.fields["points_of_sale"].queryset = scoped(PointOfSale, business).filter(
            program=program
        )
        self.fields["customer_categories"].queryset = scoped(CustomerCategory, business).filter(
            program=program
        )
        # Any series of the business validates (so that another program's series gets the
        # rule's own message), but only this program's are offered.
        series = list(scoped(CouponSeries, business).filter(program=program, is_archived=False))
        self.fields["coupon_series"].queryset = scoped(CouponSeries, business)
        self.fields["coupon_series"].widget.choices = [("", "---------")] + [
            (s.pk, s.name) for s in series
        ]
        account_types = scoped(AccountType, business).filter(program=program)
        self.fields["credit_account"].choices = [
            ("bonus", _("Bonus points")),
            ("special", _("Special (expiring) points")),
            *((t.key, t.name) for t in account_types),
        ]
        for name, field in self.fields.items():
            if name in HELP:
                field.help_text = HELP[name]
        self.fields["depends_measure"].required = False
        self.fields["depends_period"].required = False
        initial_rows = [
            {"start": row.get("from"), "value": row.get("value")}
            for row in (self.instance.thresholds or [])
        ]
        self.thresholds = ThresholdFormSet(
            self.data if self.is_bound else None, initial=initial_rows, prefix="thresholds"
        )
        self.threshold_errors = []
        components = [
            {
                "include_categories": c.get("include_categories") or [],
                "include_goods": c.get("include_goods") or [],
                "quantity": c.get("quantity", 1),
            }
            for c in (self.instance.components or [])
        ]
        while len(components) < COMPONENT_ROWS:
            components.append({})
        # A post without the bundle rows (an older page, a script) keeps the stored ones.
        self.components_posted = self.is_bound and "components-TOTAL_FORMS" in self.data
        self.components = ComponentFormSet(
            self.data if self.components_posted else None, initial=components, prefix="components"
        )
        self.component_errors = []

    def component_rows(self):
        if not self.components_posted:
            return list(self.instance.components or [])
        return [
            row.component()
            for row in self.components.forms
            if row.is_valid() and not row.is_blank()
        ]

    def threshold_rows(self):
        rows = []
        for row_form in self.thresholds.forms:
            if row_form.is_valid() and not row_form.is_blank():
                data = row_form.cleaned_data
                rows.append({"from": data.get("start"), "value": data.get("value")})
        return rows

    def clean(self):
        cleaned = super().clean()
        if not self.thresholds.is_valid():
            for i, row_form in enumerate(self.thresholds.forms, start=1):
                for field, errors in row_form.errors.items():
                    label = row_form.fields[field].label
                    self._threshold_error(
                        _("Row %(row)d, %(field)s: %(message)s")
                        % {"row": i, "field": label, "message": " ".join(errors)}
                    )
            return cleaned
        if self.components_posted and not self.components.is_valid():
            for i, row_form in enumerate(self.components.forms, start=1):
                for field, errors in row_form.errors.items():
                    label = row_form.fields[field].label
                    self._component_error(
                        _("Component %(row)d, %(field)s: %(message)s")
                        % {"row": i, "field": label, "message": " ".join(errors)}
                    )
            return cleaned
        data = {name: cleaned.get(name) for name in self._meta.fields}
        data["thresholds"] = self.threshold_rows()
        data["components"] = self.component_rows()
        data["points_of_sale"] = list(cleaned.get("points_of_sale") or [])
        data["customer_categories"] = list(cleaned.get("customer_categories") or [])
        self._check_reward_lock(data)
        for field, message in rule_errors(program=self.program, data=data).items():
            if field == "thresholds":
                self._threshold_error(message)
            elif field == "components":
                self._component_error(message)
            elif field in self.fields and field not in self.errors:
                self.add_error(field, message)
            elif field not in self.fields:
                self.add_error(None, message)
        return cleaned

    def _check_reward_lock(self, data):
        """A coupon's reward is locked once its series has issued coupons (coupons.md)."""
        if not self.instance.pk:
            return
        locked = CouponSeries.objects.filter(
            reward_rule_id=self.instance.pk, issued_count__gt=0
        ).exists()
        if not locked:
            return

        def comparable(name, value):
            if name == "thresholds":
                return sorted(
                    (Decimal(str(t["from"])), Decimal(str(t["value"]))) for t in value or []
                )
            if name in GOODS_LISTS:
                return sorted(value or [])
            if isinstance(value, Decimal):
                return value.normalize()
            if hasattr(value, "pk"):
                return value.pk
            return value

        message = _(
            "Coupons with this rule as their reward have been issued: it can no longer change."
        )
        for name in REWARD_FIELDS:
            if name not in data:
                continue
            before = comparable(name, getattr(self.instance, name))
            after = comparable(name, data[name])
            if before != after:
                if name == "thresholds":
                    self._threshold_error(message)
                elif name == "components":
                    self._component_error(message)
                elif name in self.fields and name not in self.errors:
                    self.add_error(name, message)

    def _component_error(self, message):
        self.component_errors.append(message)
        self.add_error(None, _("Bundle: %(message)s") % {"message": message})

    def _threshold_error(self, message):
        self.threshold_errors.append(message)
        self.add_error(None, _("Thresholds: %(message)s") % {"message": message})

    def save(self, commit=True):
        rule = super().save(commit=False)
        rule.thresholds = [
            {"from": str(row["from"]), "value": str(row["value"])} for row in self.threshold_rows()
        ]
        rule.components = self.component_rows()
        if commit:
            rule.save()
            self.save_m2m()
        return rule
