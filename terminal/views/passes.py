"""The card as an Apple Wallet pass: the download from the signed-in wallet
(`/w/<business>/card.pkpass`) and Apple's pass web service under the pass's
`webServiceURL` (`/passes/`), authenticated by `Authorization: ApplePass <token>`.

A pass is only ever the signed-in customer's own card of the wallet's business; the web
service finds a pass by its serial and answers 401 unless the token is that pass's.
"""

import hmac
import json

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import pkpass
from customers.models import WalletPass
from customers.passes import (
    build_pass,
    pass_for,
    register_device,
    unregister_device,
    update_tag,
    updated_serials,
)
from loyalty.models import Business

from .public_auth import signed_in_customer

CONTENT_TYPE = "application/vnd.apple.pkpass"
MAX_BODY = 4096


def web_service_url(request) -> str:
    return request.build_absolute_uri(reverse("passes:root"))


def _pass_response(request, wallet_pass, *, attachment: bool) -> HttpResponse:
    body = build_pass(
        wallet_pass, web_service_url=web_service_url(request), language=request.LANGUAGE_CODE
    )
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    if attachment:
        response["Content-Disposition"] = 'attachment; filename="card.pkpass"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def card_pkpass(request, business):
    """The signed-in customer's card of this business, as a pass; a customer signed in for
    another business has no card here (back to the sign-in)."""
    business = get_object_or_404(Business, slug=business)
    if not pkpass.configured():
        raise Http404
    customer = signed_in_customer(request, business)
    if customer is None:
        return redirect("public:wallet", business=business.slug)
    return _pass_response(request, pass_for(customer), attachment=True)


def _authenticated_pass(request, pass_type, serial) -> WalletPass | None:
    """The pass `serial` when the request carries its token, else None (answer 401)."""
    if not pkpass.configured() or pass_type != pkpass.pass_type_id():
        return None
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme != "ApplePass" or not token:
        return None
    wallet_pass = WalletPass.objects.select_related("customer__business").filter(serial=serial)
    wallet_pass = wallet_pass.first()
    if wallet_pass is None or not hmac.compare_digest(
        wallet_pass.auth_token.encode(), token.strip().encode()
    ):
        return None
    return wallet_pass


def _unauthorized():
    return HttpResponse(status=401)


@csrf_exempt
@require_http_methods(["POST", "DELETE"])
def registration(request, device, pass_type, serial):
    wallet_pass = _authenticated_pass(request, pass_type, serial)
    if wallet_pass is None:
        return _unauthorized()
    if request.method == "DELETE":
        unregister_device(wallet_pass=wallet_pass, device_library_id=device)
        return HttpResponse(status=200)
    try:
        body = json.loads(request.body[:MAX_BODY] or b"{}")
        push_token = str(body["pushToken"])[:256]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "pushToken is required"}, status=400)
    created = register_device(
        wallet_pass=wallet_pass, device_library_id=device, push_token=push_token
    )
    return HttpResponse(status=201 if created else 200)


@require_GET
def serials(request, device, pass_type):
    if not pkpass.configured() or pass_type != pkpass.pass_type_id():
        raise Http404
    try:
        since = int(request.GET.get("passesUpdatedSince") or 0)
    except ValueError:
        since = 0
    found, newest = updated_serials(device_library_id=device, since=since)
    if not found:
        return HttpResponse(status=204)
    return JsonResponse({"lastUpdated": str(newest), "serialNumbers": found})


@require_GET
def latest_pass(request, pass_type, serial):
    wallet_pass = _authenticated_pass(request, pass_type, serial)
    if wallet_pass is None:
        return _unauthorized()
    # The tag is an entry id, not a time: Last-Modified carries it as seconds so that
    # If-Modified-Since answers 304 while nothing changed.
    tag = update_tag(wallet_pass)
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and since >= tag:
        return HttpResponse(status=304)
    response = _pass_response(request, wallet_pass, attachment=False)
    response["Last-Modified"] = http_date(tag)
    return response


@csrf_exempt
@require_POST
def log(request):
    """Wallet's error reports: accepted and dropped (nothing here acts on them)."""
    return HttpResponse(status=200)


def root(request):
    raise Http404
