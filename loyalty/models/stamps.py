"""Stamp cards (promotions.md "Stamp cards"): a program's definition; the stamps themselves
are ledger entries of their own account (customers.models.StampAccount)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel
from .tenants import key_validator

MIN_STAMPS, MAX_STAMPS = 2, 50


class StampCard(TenantModel):
    class Counts(models.TextChoices):
        SALES = "sales", _("one stamp per qualifying sale")
        UNITS = "units", _("one stamp per matching whole unit")

    program = models.ForeignKey(
        "loyalty.Program", on_delete=models.CASCADE, related_name="stamp_cards"
    )
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    stamps = models.PositiveSmallIntegerField(
        _("stamps per card"),
        validators=[MinValueValidator(MIN_STAMPS), MaxValueValidator(MAX_STAMPS)],
        help_text=_("How many stamps fill a card: 2 to 50."),
    )
    counts = models.CharField(
        _("stamps count"), max_length=5, choices=Counts.choices, default=Counts.SALES
    )
    include_categories = models.JSONField(_("include categories"), default=list, blank=True)
    include_goods = models.JSONField(_("include goods"), default=list, blank=True)
    exclude_categories = models.JSONField(_("exclude categories"), default=list, blank=True)
    exclude_goods = models.JSONField(_("exclude goods"), default=list, blank=True)
    min_amount = models.DecimalField(
        _("minimum amount to pay"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    reward = models.ForeignKey(
        "coupons.CouponSeries",
        on_delete=models.PROTECT,
        related_name="stamp_cards",
        verbose_name=_("reward coupon series"),
    )
    expires_in_days = models.PositiveIntegerField(_("stamps expire in days"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="stampcard_program_key"),
            models.CheckConstraint(
                condition=models.Q(stamps__gte=MIN_STAMPS) & models.Q(stamps__lte=MAX_STAMPS),
                name="stampcard_stamps_range",
            ),
        ]
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name
