"""The referral programme (journey.md "Share"): each member of a program with a referral
reward has an invitation link /r/<token>; a customer new to the program who joins through it
is recorded as the referrer's friend, and the friend's first confirmed sale rewards both
(points and/or a coupon each, set on the program).

One reward per new customer: one `Referral` row per friend and program (a unique
constraint), taken for the reward by one conditional UPDATE, so concurrent first sales
reward it once. Self-referral (the link's own phone or card) is refused before anything is
written.
"""

import contextlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from coupons.models import Coupon
from coupons.services import issue_coupons
from customers import ledger
from customers.models import Customer, Referral, ReferralLink


def referral_link(*, customer, program) -> ReferralLink | None:
    """The customer's own invitation link for `program` (made on first ask); None when the
    program gives no referral reward or the customer is not its member."""
    if not program.referral_on:
        return None
    link, _created = ReferralLink.objects.get_or_create(
        business_id=customer.business_id, customer=customer, program=program
    )
    return link


def find_link(token: str) -> ReferralLink | None:
    """The link of `token` whose program still gives a referral reward, else None."""
    link = (
        ReferralLink.objects.select_related("customer", "program", "program__business")
        .filter(token=token)
        .first()
    )
    if link is None or not link.program.referral_on:
        return None
    return link


def refuse_self_referral(link: ReferralLink, *, phone: str = "", card: str = "", customer=None):
    """ValidationFailed when the referrer is the one joining: same customer, phone or card."""
    referrer = link.customer
    same = (
        (customer is not None and customer.pk == referrer.pk)
        or (phone and phone == referrer.phone)
        or (card and card == referrer.card_code)
    )
    if same:
        raise ValidationFailed(
            _("This is your own invitation link: share it with a friend instead."),
            field="phone",
        )


def record_referral(*, link: ReferralLink, friend: Customer) -> Referral | None:
    """Remember that `friend`, new to the link's program, joined through `link`. Call it
    inside the join's transaction, only for a customer who was new to the program."""
    refuse_self_referral(link, phone=friend.phone, card=friend.card_code, customer=friend)
    referral, _created = Referral.objects.get_or_create(
        friend=friend,
        program_id=link.program_id,
        defaults={"business_id": friend.business_id, "referrer_id": link.customer_id},
    )
    return referral


@dataclass
class Rewarded:
    referral: Referral
    coupons: list[Coupon] = field(default_factory=list)


def reward_first_sale(*, sale_id: int, customer, program, at=None) -> Rewarded | None:
    """Reward the referral of `customer` in `program`, once, on their first confirmed sale.

    Called by the confirm path inside the sale's transaction; a program without a referral
    reward costs no query. The conditional UPDATE takes the referral: of concurrent first
    sales exactly one gets a row back (the others wait for its commit and then find it
    rewarded)."""
    if customer is None or not program.referral_on:
        return None
    at = at or timezone.now()
    with transaction.atomic():
        taken = Referral.objects.filter(
            friend_id=customer.pk, program_id=program.pk, rewarded_at__isnull=True
        ).update(rewarded_at=at, rewarded_sale_id=sale_id)
        if not taken:
            return None
        referral = Referral.objects.select_related("referrer", "friend").get(
            friend_id=customer.pk, program_id=program.pk
        )
        done = Rewarded(referral=referral)
        _give(
            done,
            referral.referrer,
            program,
            program.referral_referrer_points,
            program.referral_referrer_series,
            at,
        )
        _give(
            done,
            referral.friend,
            program,
            program.referral_friend_points,
            program.referral_friend_series,
            at,
        )
    return done


def _give(done: Rewarded, customer, program, points, series, at) -> None:
    if points and points > 0:
        account = ledger.get_account(customer=customer, program=program)
        ledger.credit(account=account, amount=points, at=at, reason="referral")
    if series is not None and series.program_id == program.pk:
        # a used-up or archived series must not refuse the friend's sale
        with contextlib.suppress(DomainError):
            done.coupons += issue_coupons(
                series=series,
                quantity=1,
                at=at,
                customer=customer,
                actor_kind="customer",
                actor="referral",
                notify=True,
            )
