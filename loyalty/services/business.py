"""Writes of the panel that are more than one ModelForm save: businesses, staff, rules.

New staff join through an invitation they accept: loyalty/services/invitations.py."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import Refused, ValidationFailed
from loyalty.models import Business, Membership


def _unique_slug(name):
    base = slugify(name)[:60] or "business"
    slug, n = base, 1
    while Business.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_business(*, owner, name, **settings) -> Business:
    """A new business with `owner` as its owner; `settings` are Business fields."""
    business = Business(name=name, slug=_unique_slug(name), **settings)
    business.full_clean()
    business.save()
    Membership.objects.create(business=business, user=owner, role=Membership.OWNER)
    return business


def set_points_of_sale(*, membership, points_of_sale):
    """Cashiers work at the listed points of sale; other roles at all of them."""
    if membership.role == Membership.CASHIER:
        if not points_of_sale:
            raise ValidationFailed(
                _("Choose at least one point of sale for a cashier."), field="points_of_sale"
            )
        membership.points_of_sale.set(points_of_sale)
    else:
        membership.points_of_sale.clear()


@transaction.atomic
def change_role(*, membership, role, points_of_sale=()) -> Membership:
    # The stored role counts: a bound form may already have changed the instance.
    stored = Membership.objects.select_for_update().get(pk=membership.pk)
    if stored.role == Membership.OWNER and role != Membership.OWNER:
        _refuse_if_last_owner(stored)
    membership.role = role
    membership.save(update_fields=["role"])
    set_points_of_sale(membership=membership, points_of_sale=points_of_sale)
    return membership


def _refuse_if_last_owner(membership):
    owners = (
        Membership.objects.select_for_update()
        .filter(business_id=membership.business_id, role=Membership.OWNER, revoked_at=None)
        .exclude(pk=membership.pk)
    )
    if not owners.exists():
        raise Refused(
            _("A business needs at least one owner: make someone else owner first."),
            code="last_owner",
            field="role",
        )


@transaction.atomic
def revoke_membership(*, membership) -> Membership:
    """The person loses access at once; the row stays for the history of their actions."""
    if membership.revoked_at is None:
        if membership.role == Membership.OWNER:
            _refuse_if_last_owner(membership)
        membership.revoked_at = timezone.now()
        membership.save(update_fields=["revoked_at"])
    return membership
