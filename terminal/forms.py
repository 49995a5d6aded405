"""Forms of the public customer pages (the cashier page sends JSON, see views/checkpad.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "+380 50 123 4567"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("One-time code"),
        regex=r"^\s*\d{4,8}\s*$",
        error_messages={"invalid": _("Enter the digits of the code we sent.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 8}
        ),
    )


class JoinForm(forms.Form):
    """What joining asks beside the phone (journey.md "Join")."""

    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    consent = forms.BooleanField(
        label=_("Send me news and offers"),
        required=False,
        help_text=_("You can change your mind at any time."),
    )
