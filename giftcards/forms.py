from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from coupons.codes import check_format
from loyalty.models import Program

from .models import GiftCardSeries


class SeriesForm(forms.ModelForm):
    """A gift-card series (payments.md "Gift cards"); `amounts` typed as "500, 1000"."""

    amounts_text = forms.CharField(
        label=_("Allowed values"),
        required=False,
        help_text=_("A list such as 500, 1000, 2000; empty: any amount between min and max."),
    )

    class Meta:
        model = GiftCardSeries
        fields = [
            "program",
            "key",
            "name",
            "code_prefix",
            "code_length",
            "code_group",
            "min_amount",
            "max_amount",
            "valid_months",
            "valid_from",
            "valid_to",
            "reloadable",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["program"].queryset = Program.objects.filter(business=business)

    def clean_amounts_text(self):
        from decimal import Decimal, InvalidOperation

        text = self.cleaned_data.get("amounts_text") or ""
        values = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                value = Decimal(part.replace(" ", ""))
            except InvalidOperation as exc:
                raise ValidationError(_("Enter amounts separated by commas.")) from exc
            if value <= 0:
                raise ValidationError(_("Amounts must be greater than zero."))
            values.append(f"{value.quantize(Decimal('0.01')):f}")
        return values

    def clean(self):
        data = super().clean()
        try:
            check_format(
                prefix=data.get("code_prefix"),
                length=data.get("code_length") or 0,
                group=data.get("code_group") or 0,
            )
        except ValidationFailed as exc:
            self.add_error("code_length", exc.message)
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error("max_amount", _("The maximum must not be below the minimum."))
        if (
            data.get("program")
            and data.get("key")
            and GiftCardSeries.objects.filter(program=data["program"], key=data["key"])
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error("key", _("The program has a gift-card series with this key."))
        return data

    def save(self, commit=True):
        self.instance.business = self.business
        self.instance.amounts = self.cleaned_data.get("amounts_text") or []
        return super().save(commit)


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
