from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import TenantModel


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
        # The table keeps the name it had in the terminal app (moved in issue 16, state only).
        db_table = "terminal_device"
        verbose_name = _("device")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.kind})"
