"""Tiers (promotions.md "Tiers"): an ordered list of customer categories with a threshold
each, on one measure over one period per program."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel


class TierPolicy(TenantModel):
    class Measure(models.TextChoices):
        SPEND = "spend", _("spend (amount to pay after discounts)")
        VISITS = "visits", _("visits (completed sales)")

    class Period(models.TextChoices):
        LAST_365_DAYS = "last_365_days", _("the last 365 days")
        CALENDAR_YEAR = "calendar_year", _("the calendar year")
        ALL_TIME = "all_time", _("all time")

    program = models.OneToOneField(
        "loyalty.Program", on_delete=models.CASCADE, related_name="tier_policy"
    )
    measure = models.CharField(_("measure"), max_length=8, choices=Measure.choices)
    period = models.CharField(_("period"), max_length=16, choices=Period.choices)


class Tier(TenantModel):
    policy = models.ForeignKey(TierPolicy, on_delete=models.CASCADE, related_name="tiers")
    category = models.ForeignKey(
        "customers.CustomerCategory", on_delete=models.PROTECT, related_name="+"
    )
    threshold = models.DecimalField(_("from"), max_digits=14, decimal_places=2)
    keep_days = models.PositiveIntegerField(_("keep for days"), null=True, blank=True)

    class Meta:
        ordering = ["threshold", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "category"], name="tier_policy_category")
        ]
