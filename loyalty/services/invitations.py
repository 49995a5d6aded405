"""Staff invitations (R16): nobody is put into a business they did not accept.

Adding a person to a business's staff only records an invitation and e-mails its link;
the membership is created when the person the invitation was sent to accepts it, signed in
as that login or, for a new e-mail, by setting their own name and password on the link's
page. The link's token is shown once (in the e-mail) and stored hashed.
"""

import hashlib
import logging
import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError, Refused, ValidationFailed
from loyalty.models import Invitation, Membership

from .business import set_points_of_sale

logger = logging.getLogger(__name__)

VALID_FOR = timedelta(days=7)


class InvitationNotSent(DomainError):
    """The invitation is saved, but the mail server refused or could not be reached."""

    code, status = "invitation_not_sent", 502


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def has_login(email: str) -> bool:
    return get_user_model().objects.filter(username__iexact=normalise_email(email)).exists()


def is_addressee(invitation, user) -> bool:
    """Whether `user` is the login the invitation was sent to (logins are e-mails)."""
    return user.is_authenticated and normalise_email(user.get_username()) == invitation.email


def pending_invitation(token: str):
    """The invitation whose link this is, if it still works (not accepted, declined,
    revoked or expired); None otherwise, whatever the reason."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.open()
        .select_related("business", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_pending else None


def invite_staff(*, business, email, role, points_of_sale=(), invited_by=None, link):
    """Invite `email` to `role` in `business` and e-mail them the link.

    `link(token)` makes the absolute URL of the link's page. Answers the same whether or
    not the e-mail has a login: the login is looked at only when the link is opened. A
    current member gets no second invitation (None is returned); an open invitation to the
    same e-mail is updated and sent again with a new link (the old one stops working).
    """
    email = normalise_email(email)
    if role not in dict(Membership.ROLES):
        raise ValidationFailed(_("Choose a role."), field="role")
    if role == Membership.CASHIER and not points_of_sale:
        raise ValidationFailed(
            _("Choose at least one point of sale for a cashier."), field="points_of_sale"
        )
    try:
        with transaction.atomic():
            if Membership.objects.filter(
                business=business, user__username__iexact=email, revoked_at=None
            ).exists():
                return None
            invitation = (
                Invitation.objects.open()
                .select_for_update()
                .filter(business=business, email=email)
                .first()
            ) or Invitation(business=business, email=email)
            invitation.role = role
            invitation.invited_by = invited_by
            token = _renew(invitation)
            invitation.points_of_sale.set(points_of_sale if role == Membership.CASHIER else [])
    except IntegrityError:
        # Two owners invited the same e-mail at once: the other one's invitation stands.
        return None
    _send(invitation, token, link)
    return invitation


def _renew(invitation) -> str:
    """A new token and validity period; the invitation is saved. Returns the token."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.sent_at = now
    invitation.expires_at = now + VALID_FOR
    invitation.save()
    return token


@transaction.atomic
def _locked_open(invitation):
    """The invitation re-read under a row lock; refused when no longer open."""
    locked = Invitation.objects.select_for_update().filter(pk=invitation.pk).open().first()
    if locked is None:
        raise Refused(
            _("This invitation was already answered or revoked."), code="invitation_closed"
        )
    return locked


def resend_invitation(*, invitation, link):
    """Send the invitation again with a new link, valid for another VALID_FOR."""
    with transaction.atomic():
        invitation = _locked_open(invitation)
        token = _renew(invitation)
    _send(invitation, token, link)
    return invitation


@transaction.atomic
def revoke_invitation(*, invitation):
    """The link stops working at once. A revoked, accepted or declined one stays as it is."""
    Invitation.objects.filter(pk=invitation.pk).open().update(revoked_at=timezone.now())


def _for_addressee(invitation, user):
    invitation = _locked_open(invitation)
    if invitation.is_expired:
        raise Refused(_("This invitation has expired."), code="invitation_closed")
    if not is_addressee(invitation, user):
        raise Refused(_("This invitation is for someone else."), code="invitation_for_someone_else")
    return invitation


@transaction.atomic
def accept_invitation(*, invitation, user) -> Membership:
    """`user` (who must be the addressee) joins the business with the invited role.

    A revoked membership is restored with that role; a current one stays as it is.
    """
    invitation = _for_addressee(invitation, user)
    membership = (
        Membership.objects.select_for_update()
        .filter(business_id=invitation.business_id, user=user)
        .first()
    )
    if membership is None or membership.revoked_at is not None:
        membership = membership or Membership(business_id=invitation.business_id, user=user)
        membership.role = invitation.role
        membership.revoked_at = None
        membership.save()
        try:
            set_points_of_sale(
                membership=membership, points_of_sale=list(invitation.points_of_sale.all())
            )
        except ValidationFailed as error:
            # The invited points of sale are gone: the owner must invite again.
            raise Refused(
                _("This invitation can no longer be accepted: ask for a new one."),
                code="invitation_closed",
            ) from error
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
def decline_invitation(*, invitation, user) -> None:
    invitation = _for_addressee(invitation, user)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])


@transaction.atomic
def accept_as_new_login(*, invitation, first_name, last_name, password):
    """Create the addressee's login (their own name and password) and accept, in one step.

    Returns (user, membership). Refused if the e-mail got a login meanwhile: that login
    must sign in to accept.
    """
    User = get_user_model()
    email = invitation.email
    user = User(
        username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="password") from error
    user.set_password(password)
    taken = Refused(
        _("This e-mail already has a login: log in to accept the invitation."),
        code="login_exists",
    )
    if User.objects.filter(username__iexact=email).exists():
        raise taken
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # signed up in the same instant
        raise taken from error
    return user, accept_invitation(invitation=invitation, user=user)


def _send(invitation, token, link) -> None:
    business = invitation.business
    inviter = invitation.invited_by
    context = {
        "business": business.name,
        "inviter": (inviter.get_full_name() or inviter.email or inviter.get_username())
        if inviter
        else business.name,
        "link": link(token),
        "expires_at": invitation.expires_at,
    }
    # The invitee has no language of their own yet: the business's language and time.
    with translation.override(business.language), timezone.override(business.timezone):
        context["role"] = invitation.get_role_display()
        subject = render_to_string("panel/email/invitation_subject.txt", context)
        body = render_to_string("panel/email/invitation.txt", context)
    try:
        send_mail(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
            fail_silently=False,
        )
    except (smtplib.SMTPException, OSError) as error:
        logger.exception("invitation %s: the e-mail could not be sent", invitation.pk)
        raise InvitationNotSent(
            _("The invitation is saved, but the e-mail could not be sent: try Resend later.")
        ) from error
