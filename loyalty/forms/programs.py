from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import BusinessModelForm
from loyalty.models import PointOfSale, Program

KEY_HELP = _("A short identifier: lower-case letters, digits, '-' and '_'. Used in exports.")


class ProgramForm(BusinessModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "key",
            "brands",
            "max_points_share",
            "credit_on_points_payment",
            "auto_register",
            "kiosk_requires_otp",
            "join_open",
            "welcome_points",
            "welcome_series",
            "referral_referrer_points",
            "referral_referrer_series",
            "referral_friend_points",
            "referral_friend_series",
        ]
        widgets = {"brands": forms.CheckboxSelectMultiple}
        help_texts = {
            "name": _("Shown to customers and staff."),
            "key": KEY_HELP,
            "brands": _("The brands whose points of sale use this program."),
            "max_points_share": _(
                "At most this percent of the amount to pay (after discounts) may be paid "
                "with points; 100 allows paying the whole check."
            ),
            "credit_on_points_payment": _(
                "On: points are credited in full even when part of the check is paid with "
                "points. Off: credits are scaled by the share paid with money."
            ),
            "auto_register": _(
                "Register an unknown phone as a new customer when the cashier identifies it."
            ),
            "kiosk_requires_otp": _(
                "The kiosk sends a one-time code to the phone before a customer can spend."
            ),
            "join_open": _(
                "Customers may join on their own through the program's link and its QR poster."
            ),
            "welcome_points": _("Optional points given once to a customer who joins by link."),
            "welcome_series": _("Optional coupon given once to a customer who joins by link."),
            "referral_referrer_points": _(
                "Referral programme: points for the customer whose invitation link a new "
                "customer joined by, on that friend's first purchase. Set any referral reward "
                "to give members their links."
            ),
            "referral_friend_points": _(
                "Referral programme: points for the invited friend on their first purchase."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("welcome_series", "referral_referrer_series", "referral_friend_series"):
            field = self.fields[name]
            # A series of this program only; a new program has none yet.
            field.queryset = field.queryset.filter(
                program_id=self.instance.pk or 0, is_archived=False
            )
        for name in ("welcome_points", "referral_referrer_points", "referral_friend_points"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].validators.append(MinValueValidator(0))


class PointOfSaleForm(BusinessModelForm):
    class Meta:
        model = PointOfSale
        fields = ["name", "key", "program", "address"]
        help_texts = {
            "name": _("Shown to cashiers and in reports."),
            "key": KEY_HELP,
            "program": _("Sales at this point of sale are evaluated with this program's rules."),
            "address": _("Optional; shown on public pages."),
        }
