"""Sending a certificate's link from its panel page to a phone or an e-mail address
(journey.md, Hear): one `certificate_sent` message through the outbox."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.errors import DomainError, ValidationFailed
from coupons.selectors import localized
from customers.models import Customer, Notification
from customers.notify import enqueue, texts
from customers.phones import normalize_phone

from .models import GiftCertificate


def send_certificate(*, certificate: GiftCertificate, to: str, language: str = "") -> Notification:
    """Queues the certificate's link to `to`, a phone (SMS) or an e-mail address, in
    `language` (else the known customer's, else the business's). Refused, with nothing
    queued, for anything that is neither."""
    business = certificate.business
    to = (to or "").strip()
    customer = None
    if "@" in to:
        try:
            validate_email(to)
        except ValidationError:
            raise ValidationFailed(
                _("Give a phone number or an e-mail address."), field="to"
            ) from None
        channel, recipient = "email", to.lower()
        customer = Customer.objects.filter(business=business, email__iexact=recipient).first()
    else:
        try:
            recipient = normalize_phone(to, business.phone_region)
        except DomainError:
            raise ValidationFailed(
                _("Give a phone number or an e-mail address."), field="to"
            ) from None
        channel = "sms"
        customer = Customer.objects.filter(business=business, phone=recipient).first()
    if language not in texts.LANGUAGES:
        language = texts.language_of(customer, business)
    values = {
        "code": certificate.public_code,
        "link": texts.public_url("public:certificate", certificate.public_code),
        "benefit": localized(certificate.title, language, certificate.name),
        "valid_to": texts.local_date(certificate.valid_to, business, language),
    }
    body = texts.compose(
        business=business, kind="certificate_sent", language=language, values=values
    )
    notification = enqueue(
        business=business,
        customer=customer,
        channel=channel,
        recipient=recipient,
        kind="certificate_sent",
        body=body,
        subject=texts.subject(
            business=business, kind="certificate_sent", language=language, values=values
        ),
    )
    return notification
