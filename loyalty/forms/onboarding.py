"""Forms of the sign-up and the guided set-up."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NewPasswordForm
from core.tenancy import scoped
from customers.models import CustomerCategory

from .business import BusinessCreateForm


class SignUpForm(NewPasswordForm):
    field_order = ["email", "password", "password_again"]

    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autofocus": True}))


class SetUpForm(BusinessCreateForm):
    """The business (name, currency, time zone, phone region, language) and its first
    brand, program, point of sale and terminal."""

    brand_name = forms.CharField(
        label=_("Brand"),
        max_length=200,
        required=False,
        help_text=_("The name customers see on signs and receipts; the business name if empty."),
    )
    program_name = forms.CharField(
        label=_("Loyalty program"), max_length=200, initial=_("Loyalty club")
    )
    pos_name = forms.CharField(
        label=_("Point of sale"), max_length=200, help_text=_("A shop, café or till location.")
    )
    pos_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    device_name = forms.CharField(
        label=_("Terminal name"), max_length=100, required=False, initial=_("Till 1")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"currency": "UAH", "timezone": "Europe/Kyiv", "phone_region": "UA", "language": "uk"},
        )
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Business name")


class RuleTemplateForm(forms.Form):
    template = forms.ChoiceField(label=_("Start with"), widget=forms.RadioSelect)
    percent = forms.DecimalField(
        label=_("Percent"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        decimal_places=2,
        initial=Decimal("5"),
        help_text=_(
            "The discount, cashback or coupon percent (the top tier of the tiered discount)."
        ),
    )
    goods_category = forms.CharField(
        label=_("Goods category code"),
        max_length=80,
        required=False,
        help_text=_(
            "For the cashback and the stamp card: the category code your till sends, e.g. coffee."
        ),
    )
    stamps = forms.IntegerField(
        label=_("Stamps per card"),
        min_value=2,
        max_value=50,
        initial=6,
        required=False,
        help_text=_("For the stamp card: 6 means every 6th cup is free."),
    )
    customer_category = forms.ModelChoiceField(
        label=_("Customer category"),
        queryset=CustomerCategory.objects.none(),
        required=False,
        help_text=_("For the category coupon."),
    )
    valid_days = forms.IntegerField(
        label=_("Coupon valid for, days"), min_value=1, max_value=3650, initial=30
    )

    def __init__(self, *args, program, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = list(templates.items())
        self.fields["customer_category"].queryset = scoped(
            CustomerCategory, program.business_id
        ).filter(program=program)
