"""Stamps as ledger entries (promotions.md "Stamp cards"): one account per customer and
card, append-only entries, `balance` == sum of entries (check_ledger verifies it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from loyalty.models.base import TenantModel


class StampAccount(TenantModel):
    """A customer's stamps on one card. The balance may go below zero: a cancelled sale
    whose reward coupon was used leaves the card owing those stamps."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="stamp_accounts"
    )
    card = models.ForeignKey("loyalty.StampCard", on_delete=models.CASCADE, related_name="+")
    balance = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "card"], name="stampaccount_unique")
        ]


class StampEntry(TenantModel):
    """Append-only: never updated nor deleted; a cancel adds reversing entries."""

    class Kind(models.TextChoices):
        STAMP = "stamp", _("Stamps earned")
        REWARD = "reward", _("Card filled: reward issued")
        REVERSAL = "reversal", _("Reversal")
        EXPIRY = "expiry", _("Expiry")

    account = models.ForeignKey(StampAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.IntegerField()  # stamps: + earned, - a filled card or a reversal
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rewards = models.PositiveSmallIntegerField(default=0)  # reward coupons of a REWARD entry
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    created_at = models.DateTimeField()
