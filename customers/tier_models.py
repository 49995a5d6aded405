"""A customer's tier state and the record of every move (promotions.md "Tiers")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from loyalty.models.base import TenantModel


class TierState(TenantModel):
    """Per enrolment: since when the customer is in their tier (for `keep_days`), and
    whether their category was set by hand with "keep" (tiers never change it then)."""

    enrolment = models.OneToOneField(
        "customers.Enrolment", on_delete=models.CASCADE, related_name="tier_state"
    )
    reached_at = models.DateTimeField(null=True, blank=True)
    kept = models.BooleanField(_("keep this category"), default=False)


class TierMove(TenantModel):
    class Why(models.TextChoices):
        UP = "up", _("Reached the threshold")
        DOWN = "down", _("Fell below the threshold")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="tier_moves"
    )
    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+")
    from_category = models.ForeignKey(
        "customers.CustomerCategory", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_category = models.ForeignKey(
        "customers.CustomerCategory", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    why = models.CharField(max_length=4, choices=Why.choices)
    measure = models.DecimalField(max_digits=14, decimal_places=2)
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
