from django.db import models


class TenantModel(models.Model):
    """Every row that belongs to a business carries its id, child rows included, so that
    queries scope by one column and the largest tenants can later be distributed."""

    business = models.ForeignKey("loyalty.Business", on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True
