"""The kiosk page (/kiosk/): a full-screen tablet page that talks only to the kiosk API.

The page holds no server state: the device key is typed once and kept in the tablet's
localStorage, and every call goes to /api/v1/kiosk/... with it.
"""

from django.conf import settings
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET

IDLE_SECONDS_DEFAULT = 60


def kiosk_texts() -> dict:
    """Every text the page's script shows, in the request's language."""
    return {
        "failed": _("Something went wrong. Please try again."),
        "offline": _("No connection to the server. Please try again."),
        "badKey": _("This device key is not valid for a kiosk."),
        "enterPhoneOrCard": _("Enter your phone number or card code."),
        "points": _("Points"),
        "pending": _("pending"),
        "expiringSoon": _("expiring soon"),
        "noCoupons": _("No coupons in your wallet yet."),
        "noOffers": _("No offers right now."),
        "buy": _("Buy"),
        "bought": _("Done! The coupon is in your wallet."),
        "validUntil": _("valid until"),
        "notUsableHere": _("not usable here"),
        # the script writes the price with decimals: uk "50,00 бала" (core.plurals)
        "price": pgettext("a price written with decimals, as 50.00", "%(price)s points"),
        "hello": _("Hello, %(name)s!"),
        "helloAnon": _("Hello!"),
        "stampsOf": _("%(have)s of %(of)s"),
        "moreTo": _("%(missing)s more to %(next)s"),
        "moreVisitsTo": _("%(missing)s more visits to %(next)s"),
        "claimed": _("The coupon has been added to your wallet."),
        "codeSent": _("We sent a one-time code to your phone."),
        "codeSentTo": _("We sent a one-time code to %(phone)s."),
        "throttled": _("Too many attempts. Please try again in a few minutes."),
        "verified": _("Thank you, your phone is confirmed."),
        "useCoupon": _("Use this coupon"),
        # issue 18: camera scan and gifts
        "scanCardFirst": _("Scan your card or enter your phone first: the coupon opens then."),
        "cameraFailed": _("The camera cannot be used. Type the code or use a photo."),
        "scannerMissing": _("The scanner is not available on this kiosk. Type the code."),
        "notReadable": _("No code found in this picture. Try again closer."),
        "giftCardAtTill": _("Gift cards are used at the till: show this one to the cashier."),
        "giveCoupon": _("Give to a friend"),
        "giftLinkReady": _(
            "Your friend scans this code with their phone within 7 days. "
            "The coupon stays yours until then."
        ),
        "giftSentTo": _("Sent to %(phone)s: your friend claims it with the link in the SMS."),
        "inWallet": _("This coupon is already in your wallet."),
    }


def scanner_src() -> str | None:
    """The scanning library's URL; None where it was not fetched (the manifest storage has
    no entry for it), and the page then offers no camera scan."""
    try:
        return static("vendor/html5-qrcode/html5-qrcode.min.js")
    except ValueError:
        return None


# The scanner reads a photo through a blob: image (html5-qrcode's scanFile); only this page
# allows blob: images, made by its own script (docs/operations.md "Security headers").
KIOSK_CSP = {**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:", "blob:"]}


@require_GET
@xframe_options_deny
@csp_override(KIOSK_CSP)
def page(request):
    api = "/api/v1/kiosk/"
    return render(
        request,
        "kiosk/kiosk.html",
        {
            "config": {
                "api": {
                    "identify": reverse("terminal_api:kiosk-identify"),
                    "otp": reverse("terminal_api:kiosk-otp"),
                    "wallet": reverse("terminal_api:kiosk-wallet"),
                    "activate": reverse("terminal_api:kiosk-activate"),
                    "claim": api + "coupons/{code}/claim",
                    "redeem": api + "coupons/{code}/redeem",
                    "buy": api + "offers/{id}/buy",
                    "about": reverse("terminal_api:kiosk-about"),
                    "gift": api + "coupons/{code}/gift",
                },
                # loaded on the first scan only (scripts/fetch_assets.py puts it there)
                "scanner": scanner_src(),
                "idleSeconds": getattr(
                    settings, "PERKLINE_KIOSK_IDLE_SECONDS", IDLE_SECONDS_DEFAULT
                ),
                "texts": kiosk_texts(),
            }
        },
    )
