from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel
from .catalogue import Goods
from .tenants import PointOfSale


class PosFavourite(TenantModel):
    """A goods item on a point of sale's "Favourites" tab of the till, in `position` order."""

    point_of_sale = models.ForeignKey(
        PointOfSale, on_delete=models.CASCADE, related_name="favourites"
    )
    goods = models.ForeignKey(Goods, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("favourite goods item")
        verbose_name_plural = _("favourite goods")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["point_of_sale", "goods"], name="posfavourite_unique_goods"
            )
        ]

    def __str__(self):
        return f"{self.point_of_sale_id}: {self.goods_id}"
