from django import forms
from django.utils.translation import gettext_lazy as _

from loyalty.models import Membership, PointOfSale
from loyalty.tenancy import scoped

ROLE_HELP = _(
    "Owner: everything. Manager: everything but staff and business settings. "
    "Cashier: only the cashier pages at the chosen points of sale."
)
POS_HELP = _("Cashiers work only at these points of sale.")


class _PointsOfSaleMixin:
    def _scope_points_of_sale(self, business):
        self.fields["points_of_sale"].queryset = scoped(PointOfSale, business)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Membership.CASHIER and not cleaned.get("points_of_sale"):
            self.add_error("points_of_sale", _("Choose at least one point of sale for a cashier."))
        return cleaned


class InviteStaffForm(_PointsOfSaleMixin, forms.Form):
    email = forms.EmailField(
        label=_("e-mail"), help_text=_("The person logs in with this e-mail address.")
    )
    role = forms.ChoiceField(label=_("role"), choices=Membership.ROLES, help_text=ROLE_HELP)
    password = forms.CharField(
        label=_("password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Needed only for a person without a login yet; tell it to them in person. "
            "At least 8 characters."
        ),
    )
    points_of_sale = forms.ModelMultipleChoiceField(
        label=_("points of sale"),
        queryset=PointOfSale.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=POS_HELP,
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_points_of_sale(business)


class MembershipForm(_PointsOfSaleMixin, forms.ModelForm):
    points_of_sale = forms.ModelMultipleChoiceField(
        label=_("points of sale"),
        queryset=PointOfSale.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=POS_HELP,
    )

    class Meta:
        model = Membership
        fields = ["role", "points_of_sale"]
        help_texts = {"role": ROLE_HELP}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_points_of_sale(business)
