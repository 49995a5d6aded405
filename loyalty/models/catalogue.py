from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel


class GoodsCategory(TenantModel):
    code = models.CharField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("goods category")
        verbose_name_plural = _("goods categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["business", "code"], name="goodscategory_unique_code")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Goods(TenantModel):
    code = models.CharField(_("code (SKU)"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey(
        GoodsCategory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="goods",
        verbose_name=_("category"),
    )
    price = models.DecimalField(
        _("price"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("goods item")
        verbose_name_plural = _("goods")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["business", "code"], name="goods_unique_code")
        ]

    def __str__(self):
        return f"{self.title} ({self.code})"
