"""Any change to a program's rules bumps its version, so compiled rule sets refresh."""

from django.contrib.auth.signals import user_logged_in
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from coupons.models import CouponSeries

from .middleware import SESSION_KEY, active_memberships, choose_membership
from .models import Program, Rule, StampCard, Tier, TierPolicy


@receiver(post_save, sender=Rule)
@receiver(post_delete, sender=Rule)
def _rule_changed(sender, instance, **kwargs):
    Program.bump_version(instance.program_id)


@receiver(post_save, sender=StampCard)
@receiver(post_delete, sender=StampCard)
def _stamp_card_changed(sender, instance, **kwargs):
    # Cards are cached per program version too (loyalty/checks/stamps.py).
    Program.bump_version(instance.program_id)


@receiver(post_save, sender=TierPolicy)
@receiver(post_delete, sender=TierPolicy)
def _tier_policy_changed(sender, instance, **kwargs):
    Program.bump_version(instance.program_id)


@receiver(post_save, sender=Tier)
@receiver(post_delete, sender=Tier)
def _tier_changed(sender, instance, **kwargs):
    program_id = TierPolicy.objects.filter(pk=instance.policy_id).values("program_id")
    Program.objects.filter(pk__in=program_id).update(version=models.F("version") + 1)


@receiver(post_save, sender=CouponSeries)
def _series_changed(sender, instance, **kwargs):
    # Compiled rule sets carry the settings of the series their rules issue.
    Program.bump_version(instance.program_id)


@receiver(m2m_changed, sender=Rule.customer_categories.through)
@receiver(m2m_changed, sender=Rule.points_of_sale.through)
def _rule_links_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Rule):
        Program.bump_version(instance.program_id)


@receiver(user_logged_in)
def _choose_business_at_sign_in(sender, request, user, **kwargs):
    """A session starts in one business, chosen at sign-in and kept in the session, so
    that only the person's own actions change it (R16; loyalty/middleware.py)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    membership = choose_membership(active_memberships(user))
    if membership is not None:
        session[SESSION_KEY] = membership.business_id
