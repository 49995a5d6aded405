"""The panel's stamp card form (promotions.md "Stamp cards")."""

from django.utils.translation import gettext_lazy as _

from core.forms import BusinessModelForm
from coupons.models import CouponSeries
from loyalty.models import StampCard
from loyalty.services.stamp_cards import stamp_card_problems

from .programs import KEY_HELP
from .rules import CodeListField


class StampCardForm(BusinessModelForm):
    include_categories = CodeListField(
        label=_("categories that earn stamps"), datalist="category-codes"
    )
    include_goods = CodeListField(label=_("goods that earn stamps"), datalist="goods-codes")
    exclude_categories = CodeListField(label=_("except categories"), datalist="category-codes")
    exclude_goods = CodeListField(label=_("except goods"), datalist="goods-codes")

    class Meta:
        model = StampCard
        fields = [
            "name",
            "key",
            "stamps",
            "counts",
            "include_categories",
            "include_goods",
            "exclude_categories",
            "exclude_goods",
            "min_amount",
            "reward",
            "expires_in_days",
            "is_active",
        ]
        help_texts = {
            "name": _("Shown to customers and cashiers, e.g. “Sixth coffee free”."),
            "key": KEY_HELP,
            "stamps": _("How many stamps fill a card: 2 to 50. A full card gives the reward."),
            "counts": _(
                "One stamp per sale that has matching goods, or one per matching unit "
                "(3 lattes: 3 stamps)."
            ),
            "min_amount": _("Optional: a sale stamps only if its amount to pay reaches this."),
            "reward": _("The coupon a full card puts into the customer's wallet."),
            "expires_in_days": _("Optional: stamps older than this drop off."),
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.program = program
        if self.instance.program_id is None:
            self.instance.program = program
        self.fields["reward"].queryset = CouponSeries.objects.filter(
            business=self.business, program=program
        ).order_by("name")
        self.fields["reward"].empty_label = _("— choose a coupon series —")
        self.fields["include_categories"].help_text = _(
            "Comma-separated category codes; leave both lists empty to count every item."
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            for field, message in stamp_card_problems(program=self.program, data=data):
                self.add_error(field if field in self.fields else None, message)
        return data

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        exclude.discard("program")  # the (program, key) constraint is checked by the form
        return exclude
