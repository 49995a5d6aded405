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


class CancelSaleForm(forms.Form):
    """The cashier's reason for cancelling, and a manager's PIN where the business asks."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("For example: wrong item rung up, the customer changed their mind."),
    )
    pin = forms.RegexField(
        label=_("Manager's PIN"),
        regex=r"^\s*\d{4,8}\s*$",
        required=False,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": _("A PIN is 4 to 8 digits.")},
    )

    def __init__(self, *args, needs_pin=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_pin = needs_pin
        if needs_pin:
            self.fields["pin"].required = True
        else:
            del self.fields["pin"]
