"""A customer joining a program on their own, by its link /j/<business>/<program>/
(journey.md "Join").

The phone is proven by the page (a one-time code) before this is called. A customer new to
the program gets the program's welcome (`welcome_points` to the bonus account, one coupon of
`welcome_series`) exactly once, whatever the number of concurrent joins: a new customer is
made by one `INSERT ... ON CONFLICT DO NOTHING` (one winner), an existing one is enrolled
under its row lock. An existing member joining again just signs in.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotFound, ValidationFailed
from coupons.models import Coupon
from coupons.services import issue_coupons
from customers import ledger
from customers import services as customer_services
from customers.models import Customer, Enrolment
from customers.notify.welcome import queue_welcome
from customers.phones import normalize_phone

from . import referral as referral_services

NAME_MAX = 200


@dataclass
class Joined:
    customer: Customer
    welcomed: bool  # new to the program: the welcome was given now
    points: Decimal | None = None
    coupon: Coupon | None = None
    coupon_refused: str = ""  # why the welcome coupon could not be given
    referred: object = None  # the Referral recorded when joined through a friend's link


def join_program(
    *,
    program,
    phone: str,
    name: str = "",
    consent: bool = False,
    language: str = "",
    at=None,
    referral=None,
) -> Joined:
    """The customer of `phone` in `program`, created and welcomed when new to it.

    Refused with NotFound when the program does not take joins by link; a bad phone or a
    too long name with ValidationFailed naming the field, nothing written."""
    if not program.join_open:
        raise NotFound(_("This program does not take new members by link."))
    business = program.business
    phone = normalize_phone(phone, business.phone_region)
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        raise ValidationFailed(_("The name is too long (200 at most)."), field="name")
    if referral is not None:  # the link's own phone: refused before anything is written
        referral_services.refuse_self_referral(referral, phone=phone)
    at = at or timezone.now()
    with transaction.atomic():
        customer = customer_services.find_customer(business=business, phone=phone)
        if customer is None:
            customer, new_to_program = customer_services.get_or_register_by_phone(
                business=business, program=program, phone=phone, welcome=False
            )
        else:
            # The row lock makes "not enrolled yet" and the enrolment one step.
            Customer.objects.select_for_update().filter(pk=customer.pk).first()
            new_to_program = not Enrolment.objects.filter(
                customer=customer, program=program
            ).exists()
            customer_services.enrol(customer=customer, program=program)
        _remember(customer, name=name, consent=consent, language=language)
        joined = Joined(customer=customer, welcomed=new_to_program)
        if new_to_program:
            _welcome(joined, program, at)
            # after the name, language and welcome points are known; once per customer
            queue_welcome(customer, program)
            if referral is not None and referral.program_id == program.pk:
                joined.referred = referral_services.record_referral(link=referral, friend=customer)
    return joined


def _remember(customer, *, name: str, consent: bool, language: str) -> None:
    """What the join form adds: a name where none is known, a consent given, the language."""
    changed = []
    if name and not customer.name:
        customer.name = name
        changed.append("name")
    if consent and not customer.consent:
        customer.consent = True
        changed.append("consent")
    if language and not customer.language:
        customer.language = language
        changed.append("language")
    if changed:
        customer.save(update_fields=changed)


def _welcome(joined: Joined, program, at) -> None:
    customer = joined.customer
    if program.welcome_points and program.welcome_points > 0:
        account = ledger.get_account(customer=customer, program=program)
        ledger.credit(account=account, amount=program.welcome_points, at=at, reason="welcome")
        joined.points = program.welcome_points
    series = program.welcome_series
    if series is not None and series.program_id == program.pk:
        try:  # a used-up or archived series must not undo the join itself
            (joined.coupon,) = issue_coupons(
                series=series,
                quantity=1,
                at=at,
                customer=customer,
                actor_kind="customer",
                actor="welcome",
                notify=True,
            )
        except DomainError as exc:
            joined.coupon_refused = exc.message
