from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import TenantModel
from .tenants import Membership, PointOfSale


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted, declined nor revoked (expired ones included: they can be resent)."""
        return self.filter(accepted_at=None, declined_at=None, revoked_at=None)


class Invitation(TenantModel):
    """An offer of a role in a business, sent by e-mail; it becomes a Membership only when
    the person it was sent to accepts it (R16). The link's token is stored hashed."""

    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.ROLES)
    points_of_sale = models.ManyToManyField(PointOfSale, blank=True, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"))
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff invitation")
        ordering = ["-sent_at"]
        constraints = [
            # One open invitation per person and business: inviting again resends it.
            models.UniqueConstraint(
                fields=["business", "email"],
                condition=Q(accepted_at=None, declined_at=None, revoked_at=None),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} ({self.role})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        """The link still works: open and not expired."""
        finished = self.accepted_at or self.declined_at or self.revoked_at
        return not finished and not self.is_expired
