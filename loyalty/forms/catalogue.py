from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BusinessModelForm
from loyalty.models import Goods, GoodsCategory


class GoodsCategoryForm(BusinessModelForm):
    class Meta:
        model = GoodsCategory
        fields = ["name", "code"]
        help_texts = {
            "code": _("The category code the point-of-sale software sends with each position."),
        }


class GoodsForm(BusinessModelForm):
    class Meta:
        model = Goods
        fields = ["title", "code", "category", "price", "is_active"]
        help_texts = {
            "code": _("The SKU the point-of-sale software sends; rules match on it."),
            "price": _("The usual unit price, for reference; checks carry their own prices."),
            "is_active": _("Inactive goods are hidden from the rule pickers."),
        }


class GoodsImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 CSV with the header code,title,category,price (comma or semicolon). "
            "Existing codes are updated. Nothing is saved if any line is wrong."
        ),
    )
