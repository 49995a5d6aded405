"""Bot webhooks (journey.md, Hear): Telegram and Viber send their updates here.

Each is accepted only with the channel's proof (Telegram: the secret header; Viber: the
HMAC of the body) and answers 200 to anything it does not use, so the platform does not
retry it. A `/start <token>` (Telegram) or a conversation or message carrying the token
(Viber) binds the chat to the customer whose wallet made the link.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from customers.notify import binding
from loyalty.models import Business

MAX_BODY = 64 * 1024


def _json(request):
    if len(request.body) > MAX_BODY:
        return None
    try:
        data = json.loads(request.body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _reply(customer) -> str:
    if customer is None:
        return _("This link does not work any more: open it again from your wallet page.")
    business = Business.objects.get(pk=customer.business_id)
    with translation.override(customer.language or business.language):
        return _("Done! Messages from %(business)s will come here.") % {"business": business.name}


@csrf_exempt
@require_POST
def telegram(request):
    secret = settings.PERKLINE_TELEGRAM_WEBHOOK_SECRET
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponse(status=403)
    update = _json(request)
    if update is None:
        return HttpResponse(status=400)
    message = update.get("message") or {}
    text = str(message.get("text") or "")
    chat = (message.get("chat") or {}).get("id")
    if chat is None or not (text == "/start" or text.startswith("/start ")):
        return HttpResponse(status=200)
    token = text[len("/start") :].strip()
    customer = binding.bind(channel="telegram", token=token, address=str(chat)) if token else None
    # Telegram runs a method returned in the webhook's answer: the reply costs no call.
    return JsonResponse({"method": "sendMessage", "chat_id": chat, "text": _reply(customer)})


@csrf_exempt
@require_POST
def viber(request):
    token = settings.PERKLINE_VIBER_AUTH_TOKEN
    given = request.headers.get("X-Viber-Content-Signature", "")
    expected = hmac.new(token.encode(), request.body, hashlib.sha256).hexdigest()
    if not token or not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse(status=403)
    data = _json(request)
    if data is None:
        return HttpResponse(status=400)
    event = data.get("event")
    if event == "delivered":
        binding.mark_delivered(channel="viber", external_id=str(data.get("message_token", "")))
        return HttpResponse(status=200)
    if event == "conversation_started":
        context, user = data.get("context"), (data.get("user") or {}).get("id")
    elif event == "message":
        context = (data.get("message") or {}).get("text")
        user = (data.get("sender") or {}).get("id")
    else:
        return HttpResponse(status=200)
    if not context or not user:
        return HttpResponse(status=200)
    customer = binding.bind(channel="viber", token=str(context), address=str(user))
    if event == "conversation_started":
        # Viber shows a welcome message returned in the answer to this event.
        return JsonResponse(
            {
                "sender": {"name": settings.PERKLINE_VIBER_SENDER_NAME[:28]},
                "type": "text",
                "text": _reply(customer),
            }
        )
    return HttpResponse(status=200)
