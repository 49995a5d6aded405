"""The guided set-up's stamp card template (promotions.md "Templates"): "every Nth coffee
free" saved in one form as a working card: the card, its reward coupon series and the
reward rule that makes the coupon a free item of the category."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ValidationFailed
from coupons.models import CouponSeries
from loyalty.models import Program, Rule, StampCard

from .onboarding import _key, _rule
from .stamp_cards import stamp_card_problems

STAMP_TEMPLATES = {
    "stamp_card": gettext_lazy("Stamp card: every Nth coffee free (a stamp per cup)"),
}


@transaction.atomic
def apply_stamp_card_template(
    *, program, goods_category: str, stamps: int | None, valid_days: int = 30
) -> StampCard:
    """A card of `stamps` stamps, one per unit of `goods_category`; a full card gives a
    coupon for one item of that category free (100% off one unit)."""
    if not goods_category:
        raise ValidationFailed(_("Enter the code of a goods category."), field="goods_category")
    if stamps is None:
        raise ValidationFailed(_("Enter how many stamps fill a card."), field="stamps")
    key = _key(goods_category, "goods")
    name = _("%(category)s stamp card: %(n)d stamps, one free") % {
        "n": stamps,
        "category": goods_category,
    }
    name = name[:1].upper() + name[1:]
    reward_name = _("Free %(category)s") % {"category": goods_category}
    taken = (
        StampCard.objects.filter(program=program, key=f"{key}-{stamps}").exists()
        or CouponSeries.objects.filter(program=program, key=f"free-{key}").exists()
    )
    if taken:
        raise ValidationFailed(
            _("The program already has this stamp card; edit it on the stamp cards page."),
            field="goods_category",
        )
    reward_rule = _rule(
        program,
        {
            "key": f"free-{key}-reward",
            "name": reward_name,
            "mode": Rule.Mode.COUPON,
            "action": Rule.Action.DISCOUNT_GOODS_PERCENT,
            "value": 100,
            "include_categories": [goods_category],
            "max_quantity": 1,
        },
    )
    series = CouponSeries(
        business=program.business,
        program=program,
        key=f"free-{key}",
        name=reward_name,
        title={program.business.language: reward_name},
        reward_rule=reward_rule,
        validity_type=CouponSeries.Validity.RELATIVE,
        valid_days=valid_days,
    )
    series.full_clean()
    series.save()
    card = StampCard(
        business=program.business,
        program=program,
        key=f"{key}-{stamps}",
        name=name,
        stamps=stamps,
        counts=StampCard.Counts.UNITS,
        include_categories=[goods_category],
        reward=series,
    )
    problems = stamp_card_problems(program=program, data=card.__dict__ | {"reward": series})
    if problems:
        field, message = problems[0]
        raise ValidationFailed(message, field=field)
    card.save()
    Program.bump_version(program.pk)
    return card
