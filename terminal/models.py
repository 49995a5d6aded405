from django.db import models
from django.utils.translation import gettext_lazy as _

from loyalty.models.base import TenantModel


class Device(TenantModel):
    """A terminal or kiosk bound to one point of sale; its key is stored hashed."""

    TERMINAL, KIOSK = "terminal", "kiosk"
    KINDS = [(TERMINAL, _("Terminal")), (KIOSK, _("Kiosk"))]

    point_of_sale = models.ForeignKey(
        "loyalty.PointOfSale", on_delete=models.CASCADE, related_name="devices"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=KINDS, default=TERMINAL)
    name = models.CharField(_("name"), max_length=120)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("device")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.kind})"


class IdempotencyRecord(TenantModel):
    """A confirm's answer, kept per device and key so a retry gets the same answer."""

    # indexed by idempotency_unique (device, key)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    # The answer is the confirmed sale's stored result, kept once: copying the ~9 KB answer
    # here too cost a second compression and write at every confirm (docs/benchmarks.md).
    # No index: sales are not deleted one by one.
    sale = models.ForeignKey(
        "loyalty.Sale", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        db_index=False,
    )  # fmt: skip
    # Answers of records written before the sale link; empty for new records.
    body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "key"], name="idempotency_unique")]

    @property
    def answer(self) -> str:
        """The stored answer's JSON text."""
        if self.sale_id:
            return self.sale.answer
        from loyalty.checks.results import encode  # loyalty.checks imports this module

        return encode(self.body)


class CustomerSession(TenantModel):
    """A kiosk's short-lived customer token (hashed)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    identified_by = models.CharField(max_length=8)  # phone|card
    otp_verified = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
