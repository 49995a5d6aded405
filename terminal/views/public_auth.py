"""Proving a phone with a one-time code on the public pages, and the customer session.

The customer session is two numbers in Django's session (customer id and business id),
never a staff login. A phone proven on any public page of a business signs the customer in
for that business, so the next claim needs no new code.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.net import client_address
from core.tenancy import scoped
from customers import otp
from customers.models import Customer
from customers.phones import MASK_PUBLIC, mask_phone, normalize_phone

from ..forms import CodeForm, PhoneForm

CUSTOMER_KEY = "public_customer"
PENDING_KEY = "public_otp"


def signed_in_customer(request, business) -> Customer | None:
    data = request.session.get(CUSTOMER_KEY) or {}
    if data.get("business") != business.pk:
        return None
    return scoped(Customer, business).filter(pk=data.get("customer")).first()


def sign_in(request, customer) -> None:
    request.session.cycle_key()  # a new session id once a phone is proven
    request.session[CUSTOMER_KEY] = {"business": customer.business_id, "customer": customer.pk}


def sign_out(request) -> None:
    request.session.pop(CUSTOMER_KEY, None)
    request.session.pop(PENDING_KEY, None)


@dataclass
class PhoneProof:
    """`phone` is set (E.164) once the one-time code was right; `context` feeds the page."""

    phone: str | None = None
    context: dict = field(default_factory=dict)


def prove_phone(request, *, business, purpose: str) -> PhoneProof:
    """Handle the `send` and `verify` steps of a POST. Raises Throttled past the send rate."""
    step = request.POST.get("step")
    if step == "restart":  # "use another phone"
        request.session.pop(PENDING_KEY, None)
        return PhoneProof(context={"phone_form": PhoneForm()})
    pending = request.session.get(PENDING_KEY) or {}
    pending_here = pending.get("business") == business.pk and pending.get("purpose") == purpose
    if step == "verify" and pending_here:
        form = CodeForm(request.POST)
        if form.is_valid() and otp.verify_code(
            business=business,
            phone=pending["phone"],
            purpose=purpose,
            code=form.cleaned_data["code"].strip(),
        ):
            request.session.pop(PENDING_KEY, None)
            return PhoneProof(phone=pending["phone"])
        if form.is_valid():
            form.add_error("code", _("The code is wrong or has expired."))
        return PhoneProof(
            context={
                "code_form": form,
                "otp_phone": mask_phone(pending["phone"], style=MASK_PUBLIC),
                "otp_sent": True,
            }
        )
    form = PhoneForm(request.POST if step == "send" else None)
    if step == "send" and form.is_valid():
        try:
            phone = normalize_phone(form.cleaned_data["phone"], business.phone_region)
        except ValidationFailed as exc:
            form.add_error("phone", exc.message)
        else:
            otp.send_code(
                business=business, phone=phone, purpose=purpose, address=client_address(request)
            )
            request.session[PENDING_KEY] = {
                "business": business.pk,
                "phone": phone,
                "purpose": purpose,
            }
            return PhoneProof(
                context={
                    "code_form": CodeForm(),
                    "otp_phone": mask_phone(phone, style=MASK_PUBLIC),
                    "otp_sent": True,
                }
            )
    if step == "verify":  # a code for another page or an expired session
        form.add_error(None, _("Ask for a new code."))
    return PhoneProof(context={"phone_form": form})


def phone_forms(request, *, business, purpose: str) -> dict:
    """The forms to show on a GET: the code form while a code for this page is pending."""
    pending = request.session.get(PENDING_KEY) or {}
    if pending.get("business") == business.pk and pending.get("purpose") == purpose:
        return {
            "code_form": CodeForm(),
            "otp_phone": mask_phone(pending["phone"], style=MASK_PUBLIC),
            "otp_sent": True,
        }
    return {"phone_form": PhoneForm()}
