"""The panel's "Gift cards" section (payments.md): series, cards with search, a card's
balance and history, block and unblock with a reason, export, figures."""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.tabular import csv_response
from core.tenancy import get_scoped, scoped
from coupons.codes import normalize_code
from coupons.views.common import coupon_panel_view, paginate, posted

from . import selectors, services
from .forms import BlockForm, SeriesForm
from .models import GiftCard, GiftCardSeries

CARDS_PAGE = 50


def _cards(request):
    cards = scoped(GiftCard, request.business).select_related("series", "program")
    term = (request.GET.get("q") or "").strip()
    if term:
        cards = cards.filter(Q(code_norm__contains=normalize_code(term)))
    state = request.GET.get("state") or ""
    if state in GiftCard.State.values:
        cards = cards.filter(state=state)
    return cards.order_by("-created_at", "-id"), term, state


@coupon_panel_view
def index(request):
    business = request.business
    data, _files = posted(request)
    form = SeriesForm(data, business=business)
    if request.method == "POST" and form.is_valid():
        series = form.save()
        messages.success(request, _("Gift-card series “%(name)s” saved.") % {"name": series})
        return redirect("panel:gift_card_index")
    cards, term, state = _cards(request)
    series = scoped(GiftCardSeries, business).select_related("program").order_by("name")
    programs = {s.program_id: s.program for s in series}
    return render(
        request,
        "giftcards/index.html",
        {
            "title": _("Gift cards"),
            "form": form,
            "series_list": series,
            "figures": [
                (program, selectors.figures(program_id=program.pk)) for program in programs.values()
            ],
            "page": paginate(request, cards, CARDS_PAGE),
            "term": term,
            "state": state,
            "states": GiftCard.State.choices,
        },
    )


@coupon_panel_view
def card_detail(request, pk):
    card = get_scoped(GiftCard.objects.select_related("series", "program"), request.business, pk=pk)
    data, _files = posted(request)
    form = BlockForm(data)
    if request.method == "POST" and form.is_valid():
        block = request.POST.get("action") == "block"
        try:
            services.set_blocked(
                card=card, blocked=block, reason=form.cleaned_data["reason"], staff=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The gift card is blocked.") if block else _("The gift card is unblocked."),
            )
        return redirect("panel:gift_card_detail", pk=card.pk)
    return render(
        request,
        "giftcards/card.html",
        {
            "title": card.code,
            "card": card,
            "answer": selectors.card_answer(card, program_id=card.program_id),
            "history": selectors.history(card),
            "form": form,
        },
    )


@coupon_panel_view
def export(request):
    cards, _term, _state = _cards(request)
    rows = (
        (c.code, c.series.key, c.state, c.balance, c.valid_to, c.sold_at, c.blocked_reason)
        for c in cards.iterator(chunk_size=2000)
    )
    columns = ("code", "series", "state", "balance", "valid_to", "sold_at", "blocked_reason")
    return csv_response(columns, rows, filename="gift-cards.csv")


@coupon_panel_view
def series_edit(request, pk):
    series = get_scoped(GiftCardSeries, request.business, pk=pk)
    data, _files = posted(request)
    form = SeriesForm(
        data,
        instance=series,
        business=request.business,
        initial={"amounts_text": ", ".join(series.amounts or ())},
    )
    form.fields["program"].disabled = True  # its cards belong to the program
    form.fields["key"].disabled = True  # documents and tills name the series by key
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Gift-card series “%(name)s” saved.") % {"name": series})
        return redirect("panel:gift_card_index")
    return render(
        request,
        "panel/form_page.html",
        {"form": form, "title": series.name, "cancel_url": reverse("panel:gift_card_index")},
    )
