"""The customer's card as an Apple Wallet pass (journey.md "Carry"): what the pass shows,
its update tag, and the devices registered for its pushes.

Signing and the zip are `core.pkpass`; the web service is `terminal/views/passes.py`; pushes
are `customers.passes.push`.
"""

from io import BytesIO

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from PIL import Image

from core import pkpass

from ..models import Enrolment, LedgerEntry, PassRegistration, WalletPass
from ..selectors import balances

ICON_SIZES = {"icon.png": 29, "icon@2x.png": 58, "icon@3x.png": 87}
LOGO_BOX = {"logo.png": (160, 50), "logo@2x.png": (320, 100)}
BRAND_RGB = (31, 111, 235)


def pass_for(customer) -> WalletPass:
    wallet_pass, _created = WalletPass.objects.get_or_create(
        customer=customer, defaults={"business_id": customer.business_id}
    )
    return wallet_pass


def update_tag(wallet_pass) -> int:
    """Grows whenever the balances on the pass may have changed: the customer's newest ledger
    entry (credits, spends, reversals, expiry). Apple treats it as an opaque tag."""
    newest = LedgerEntry.objects.filter(
        business_id=wallet_pass.business_id, account__customer_id=wallet_pass.customer_id
    ).aggregate(newest=Max("pk"))["newest"]
    return newest or 0


def _png(image: Image.Image) -> bytes:
    out = BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _images(business) -> dict[str, bytes]:
    """Icons and logo: the business's logo where it has one, else a plain brand square."""
    logo = None
    if business.logo:
        try:
            with business.logo.open("rb") as f:
                logo = Image.open(f)
                logo.load()
            logo = logo.convert("RGBA")
        except (OSError, ValueError):
            logo = None  # an unreadable file must not stop the card
    source = logo or Image.new("RGBA", (160, 160), BRAND_RGB + (255,))
    images = {}
    for name, size in ICON_SIZES.items():
        icon = source.copy()
        icon.thumbnail((size, size))
        images[name] = _png(icon)
    for name, box in LOGO_BOX.items():
        image = source.copy()
        image.thumbnail(box)
        images[name] = _png(image)
    return images


def pass_json(wallet_pass, *, web_service_url: str, language: str = "") -> dict:
    customer = wallet_pass.customer
    business = customer.business
    enrolments = (
        Enrolment.objects.filter(business_id=business.pk, customer=customer)
        .select_related("program", "category")
        .order_by("program__name", "pk")
    )
    with override(language or customer.language or None):
        fields = {"primaryFields": [], "secondaryFields": [], "auxiliaryFields": []}
        now = timezone.now()
        for enrolment in enrolments:
            for key, figures in balances(
                customer=customer, program=enrolment.program, at=now
            ).items():
                place = "primaryFields" if not fields["primaryFields"] else "secondaryFields"
                fields[place].append(
                    {
                        "key": f"balance-{enrolment.program_id}-{key}",
                        "label": _("Points") if key == "bonus" else key,
                        "value": str(figures["active"]),
                        "changeMessage": _("Your balance is now %@"),
                    }
                )
            if enrolment.category is not None:
                fields["auxiliaryFields"].append(
                    {
                        "key": f"tier-{enrolment.program_id}",
                        "label": _("Tier"),
                        "value": enrolment.category.name,
                        "changeMessage": _("Your tier is now %@"),
                    }
                )
        fields["secondaryFields"] = fields["secondaryFields"][:4]
        fields["backFields"] = [
            {"key": "card", "label": _("Card"), "value": customer.card_code},
        ]
        description = _("%(business)s loyalty card") % {"business": business.name}
    barcode = {
        "format": "PKBarcodeFormatQR",
        "message": customer.card_code,  # read by the till as the card QR of the wallet page
        "messageEncoding": "iso-8859-1",
        "altText": customer.card_code,
    }
    return {
        "formatVersion": 1,
        "passTypeIdentifier": pkpass.pass_type_id(),
        "teamIdentifier": pkpass.team_id(),
        "serialNumber": wallet_pass.serial,
        "authenticationToken": wallet_pass.auth_token,
        "webServiceURL": web_service_url,
        "organizationName": business.name,
        "description": description,
        "logoText": business.name,
        "foregroundColor": "rgb(255, 255, 255)",
        "backgroundColor": "rgb({}, {}, {})".format(*BRAND_RGB),
        "labelColor": "rgb(220, 230, 255)",
        "barcodes": [barcode],
        "barcode": barcode,  # iOS before 9
        "storeCard": fields,
    }


def build_pass(wallet_pass, *, web_service_url: str, language: str = "", signer=None) -> bytes:
    content = pass_json(wallet_pass, web_service_url=web_service_url, language=language)
    return pkpass.build(content, _images(wallet_pass.customer.business), signer)


def register_device(*, wallet_pass, device_library_id: str, push_token: str) -> bool:
    """True when the device is new for this pass (201), False when it was known (200)."""
    _registration, created = PassRegistration.objects.update_or_create(
        wallet_pass=wallet_pass,
        device_library_id=device_library_id,
        defaults={"push_token": push_token, "business_id": wallet_pass.business_id},
    )
    return created


def unregister_device(*, wallet_pass, device_library_id: str) -> None:
    PassRegistration.objects.filter(
        wallet_pass=wallet_pass, device_library_id=device_library_id
    ).delete()


def updated_serials(*, device_library_id: str, since: int) -> tuple[list[str], int]:
    """Serials of the device's passes whose tag is past `since`, and the newest tag."""
    serials, newest = [], since
    registrations = PassRegistration.objects.filter(
        device_library_id=device_library_id
    ).select_related("wallet_pass")
    for registration in registrations:
        tag = update_tag(registration.wallet_pass)
        if tag > since:
            serials.append(registration.wallet_pass.serial)
            newest = max(newest, tag)
    return serials, newest
