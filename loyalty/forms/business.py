import re
import zoneinfo

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BusinessModelForm
from loyalty.models import Brand, Business

MAX_LOGO_BYTES = 2 * 1024 * 1024


def region_choices():
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    return [(code, f"{code} (+{phonenumbers.country_code_for_region(code)})") for code in regions]


class BusinessSettingsForm(forms.ModelForm):
    phone_region = forms.ChoiceField(
        label=_("default phone region"),
        choices=region_choices,
        help_text=_("Phones typed without a country code are read as numbers of this region."),
    )

    class Meta:
        model = Business
        fields = [
            "name", "currency", "timezone", "phone_region", "language", "logo",
            "cancel_needs_approval",
        ]  # fmt: skip
        help_texts = {
            "name": _("Shown to customers on receipts, coupons and public pages."),
            "currency": _("Three-letter ISO 4217 code, for example UAH, EUR, USD."),
            "timezone": _(
                "Schedules, periods and reports use this time zone, for example Europe/Kyiv."
            ),
            "language": _("The language of messages to customers who have not chosen one."),
            "logo": _("PNG or JPEG, at most 2 MB. Printed on coupons and public pages."),
            "cancel_needs_approval": _(
                "A cashier cancels a sale only with a manager's or the owner's PIN (set on "
                "their Staff page)."
            ),
        }
        widgets = {"timezone": forms.TextInput(attrs={"list": "timezones"})}

    def clean_currency(self):
        currency = self.cleaned_data["currency"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise forms.ValidationError(_("Enter a three-letter code such as UAH."), code="invalid")
        return currency

    def clean_timezone(self):
        name = self.cleaned_data["timezone"].strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(
                _("“%(value)s” is not a known time zone; use a name such as Europe/Kyiv."),
                code="invalid",
                params={"value": name},
            )
        return name

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."), code="too_large")
        return logo


class BusinessCreateForm(BusinessSettingsForm):
    class Meta(BusinessSettingsForm.Meta):
        fields = ["name", "currency", "timezone", "phone_region", "language"]


def timezone_names():
    return sorted(zoneinfo.available_timezones())


class BrandForm(BusinessModelForm):
    class Meta:
        model = Brand
        fields = ["name"]
        help_texts = {"name": _("A brand groups programs; a program may serve several brands.")}
