"""What the "points expiring" job has told (docs/messages.md, "Senders"): one row per lot,
so a lot is announced once whatever the number of runs, even concurrent ones."""

from django.db import models

from loyalty.models.base import TenantModel


class PointsExpiryNotice(TenantModel):
    # unique: concurrent runs INSERT ... ON CONFLICT DO NOTHING, only one claims the lot
    lot = models.OneToOneField("customers.Lot", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
