"""The reports page's table filters (issue 21): program, point of sale, cashier, as GET
parameters; an unknown or foreign id is an error naming the field, never another business's
row."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.tenancy import scoped
from loyalty.models import Membership, PointOfSale, Program
from loyalty.selectors.kpis import TILL


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), required=False,
        empty_label=_("All programs"),
    )  # fmt: skip
    pos = forms.ModelChoiceField(
        label=_("Point of sale"), queryset=PointOfSale.objects.none(), required=False,
        empty_label=_("All points of sale"),
    )  # fmt: skip
    cashier = forms.ChoiceField(label=_("Cashier"), required=False)

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["program"].queryset = scoped(Program, business).order_by("name", "pk")
        self.fields["pos"].queryset = scoped(PointOfSale, business).order_by("name", "pk")
        # Every login that ever worked for the business: a revoked cashier's sales stay.
        users = (
            get_user_model()
            .objects.filter(pk__in=scoped(Membership, business).values("user_id"))
            .order_by("email", "pk")
        )
        self.users = {str(u.pk): u for u in users}
        self.fields["cashier"].choices = [
            ("", _("All cashiers")),
            (TILL, _("A connected till")),
            *((pk, u.email or u.get_username()) for pk, u in self.users.items()),
        ]

    def filters(self) -> dict:
        """Keyword arguments of `business_figures`; none when the form is not valid."""
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        cashier = data.get("cashier") or None
        return {
            "program": data.get("program"),
            "point_of_sale": data.get("pos"),
            "cashier": TILL if cashier == TILL else self.users.get(cashier or ""),
        }
