from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NewPasswordForm
from core.tenancy import scoped
from loyalty.models import Membership, PointOfSale

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
        label=_("e-mail"),
        help_text=_(
            "We e-mail this address a link to accept; the person logs in with it. "
            "Nothing changes for them until they accept."
        ),
    )
    # The least-privileged role unless the owner chooses otherwise.
    role = forms.ChoiceField(
        label=_("role"), choices=Membership.ROLES, initial=Membership.CASHIER, help_text=ROLE_HELP
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
        only = list(self.fields["points_of_sale"].queryset[:2])
        if len(only) == 1:  # one shop: the cashier works there
            self.fields["points_of_sale"].initial = [only[0].pk]


class AcceptInvitationForm(NewPasswordForm):
    """A new person's own name and password, set on the invitation's page."""

    field_order = ["first_name", "last_name", "password", "password_again"]

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)


class MembershipForm(_PointsOfSaleMixin, forms.ModelForm):
    points_of_sale = forms.ModelMultipleChoiceField(
        label=_("points of sale"),
        queryset=PointOfSale.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=POS_HELP,
    )

    approval_pin = forms.RegexField(
        label=_("approval PIN"),
        regex=r"^\d{4,8}$",
        required=False,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
        help_text=_(
            "Managers and owners: 4 to 8 digits typed at the till to approve a cashier's "
            "cancellation, where the business asks for it. Empty keeps the current PIN."
        ),
        error_messages={"invalid": _("A PIN is 4 to 8 digits.")},
    )

    class Meta:
        model = Membership
        fields = ["role", "points_of_sale"]
        help_texts = {"role": ROLE_HELP}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self._scope_points_of_sale(business)
