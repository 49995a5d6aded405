"""Gift cards (payments.md "Gift cards"): bearer cards with a money balance.

A card's balance is a ledger of its own: `GiftCard.balance` always equals the sum of its
`GiftCardEntry` rows (append-only; `check_ledger` verifies it). A card has one validity for
its whole balance, so it needs no lots.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from loyalty.models.base import TenantModel
from loyalty.models.tenants import key_validator

MONEY = {"max_digits": 14, "decimal_places": 2}


class GiftCardSeries(TenantModel):
    program = models.ForeignKey(
        "loyalty.Program", on_delete=models.CASCADE, related_name="gift_card_series"
    )
    key = models.CharField(_("key"), max_length=80, validators=[key_validator])
    name = models.CharField(_("name"), max_length=200)
    code_prefix = models.CharField(_("code prefix"), max_length=12, blank=True, default="GC")
    code_length = models.PositiveSmallIntegerField(_("random characters"), default=8)
    code_group = models.PositiveSmallIntegerField(_("characters per group"), default=4)
    # Validity: `valid_months` from the sale, or the date range.
    valid_months = models.PositiveSmallIntegerField(_("valid for months"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # Allowed values: a list such as [500, 1000], or any amount between min and max.
    amounts = models.JSONField(_("allowed amounts"), default=list, blank=True)
    min_amount = models.DecimalField(_("minimum amount"), **MONEY, null=True, blank=True)
    max_amount = models.DecimalField(_("maximum amount"), **MONEY, null=True, blank=True)
    reloadable = models.BooleanField(_("reloadable"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift-card series")
        verbose_name_plural = _("gift-card series")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "key"], name="giftcardseries_unique_key")
        ]

    def __str__(self):
        return self.name

    def allows(self, amount: Decimal) -> bool:
        if self.amounts:
            return any(Decimal(str(a)) == amount for a in self.amounts)
        if self.min_amount is not None and amount < self.min_amount:
            return False
        return not (self.max_amount is not None and amount > self.max_amount)


class GiftCard(TenantModel):
    class State(models.TextChoices):
        STOCK = "stock", _("Not sold yet")
        ACTIVE = "active", _("Active")
        BLOCKED = "blocked", _("Blocked")
        VOID = "void", _("Void")

    series = models.ForeignKey(GiftCardSeries, on_delete=models.PROTECT, related_name="cards")
    program = models.ForeignKey("loyalty.Program", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=80)
    code_norm = models.CharField(max_length=80)
    state = models.CharField(_("state"), max_length=8, choices=State.choices)
    balance = models.DecimalField(_("balance"), **MONEY, default=Decimal("0.00"))
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    sold_at = models.DateTimeField(null=True, blank=True)
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    blocked_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift card")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["business", "code_norm"], name="giftcard_unique_code"),
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="giftcard_balance_not_negative"
            ),
        ]

    def __str__(self):
        return self.code


class GiftCardEntry(TenantModel):
    """Append-only: never updated nor deleted; a correction is a new entry."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Sold")
        RELOAD = "reload", _("Reloaded")
        PAYMENT = "payment", _("Payment")
        REVERSAL = "reversal", _("Cancelled sale")
        VOID = "void", _("Voided")
        BLOCK = "block", _("Blocked")
        UNBLOCK = "unblock", _("Unblocked")
        EXPIRY = "expiry", _("Expired")

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="entries")
    amount = models.DecimalField(**MONEY)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["card", "created_at"], name="gcentry_card_time")]
