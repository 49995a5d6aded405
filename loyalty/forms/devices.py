from django import forms
from django.utils.translation import gettext_lazy as _

from core.tenancy import scoped
from loyalty.models import Device, PointOfSale


class IssueDeviceForm(forms.Form):
    point_of_sale = forms.ModelChoiceField(
        label=_("point of sale"),
        queryset=PointOfSale.objects.none(),
        help_text=_("The device works for this point of sale only."),
    )
    kind = forms.ChoiceField(
        label=_("kind"),
        choices=Device.KINDS,
        help_text=_(
            "A terminal is the till's software or cashier page; a kiosk is a customer tablet."
        ),
    )
    name = forms.CharField(
        label=_("name"),
        max_length=120,
        required=False,
        help_text=_("For example “Till 2”. Left empty, the point of sale's name is used."),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point_of_sale"].queryset = scoped(PointOfSale, business).select_related(
            "program"
        )
