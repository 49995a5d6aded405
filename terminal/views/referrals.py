"""A customer's invitation link /r/<token> (journey.md "Share", the referral programme).

The link remembers the invitation in the session and opens the program's join page; the
join records the friend (`loyalty.services.referral`) when they are new to the program.
The referrer opening their own link is told to share it instead.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loyalty.services.referral import find_link

from .public_auth import signed_in_customer

SESSION_KEY = "public_referral"


def referral_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("public:referral", args=[token]))


def session_link(request, program):
    """The invitation remembered for `program` in this session, or None."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    link = find_link(token)
    return link if link is not None and link.program_id == program.pk else None


@require_GET
def referral(request, token):
    link = find_link(token)
    if link is None or not link.program.join_open:
        raise Http404
    program = link.program
    business = program.business
    customer = signed_in_customer(request, business)
    if customer is not None and customer.pk == link.customer_id:
        messages.error(
            request, _("This is your own invitation link: share it with a friend instead.")
        )
        return redirect("public:wallet", business=business.slug)
    request.session[SESSION_KEY] = link.token
    messages.info(
        request,
        _("A friend invited you to %(program)s: join, and your first purchase rewards you both.")
        % {"program": program.name},
    )
    return redirect("public:join", business=business.slug, program=program.key)
