"""The wallet page's "get messages in Telegram / Viber" (journey.md, Hear): a POST makes a
one-time token for the signed-in customer and sends the phone on to the bot's deep link."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from customers.notify import binding
from loyalty.models import Business

from .public_auth import signed_in_customer


class BotRedirect(HttpResponseRedirect):
    # Viber's deep link has its own scheme, which the plain redirect refuses.
    allowed_schemes = ["https", "viber"]


LABELS = {"telegram": _("Get messages in Telegram"), "viber": _("Get messages in Viber")}


def choices(customer) -> list[dict]:
    """The bots the page offers, and whether the customer is bound to each already."""
    return [
        {
            "channel": channel,
            "label": LABELS[channel],
            "bound": bool(getattr(customer, binding.CHANNEL_FIELD[channel])),
        }
        for channel in binding.available_bots()
    ]


@require_POST
def bot_link(request, business, channel):
    business = get_object_or_404(Business, slug=business)
    if channel not in binding.available_bots():
        raise Http404
    customer = signed_in_customer(request, business)
    if customer is None:
        return redirect("public:wallet", business=business.slug)
    token = binding.new_token(customer)
    return BotRedirect(binding.deep_link(channel, token))
