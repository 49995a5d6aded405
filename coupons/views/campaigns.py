"""Panel pages for campaigns (journey.md, Hear): compose with a count before sending, send
now or at a time, progress, stop, results."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ValidationFailed
from core.tenancy import get_scoped, scoped
from customers.models import Campaign, CustomerCategory
from customers.notify import texts
from loyalty.models import Tier

from .. import campaigns
from ..models import CouponSeries
from .common import coupon_panel_view

SEGMENT_CHOICES = [
    ("all", gettext_lazy("Everyone who accepts messages")),
    ("not_seen", gettext_lazy("Not seen for N days")),
    ("birthday", gettext_lazy("Birthday in the next N days")),
    ("category", gettext_lazy("A customer category")),
    ("tier", gettext_lazy("A tier")),
    ("holds_series", gettext_lazy("Holds a coupon of a series")),
    ("spent", gettext_lazy("Spent more than an amount in the last N days")),
    (campaigns.MATCH, gettext_lazy("The customers the customer list's filters chose")),
]


class TierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # a business with several programs may have a tier of the same name in each
        return f"{obj.category.name} ({obj.policy.program.name})"


class CampaignForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    segment = forms.ChoiceField(
        label=gettext_lazy("Who"), choices=SEGMENT_CHOICES, widget=forms.RadioSelect
    )
    days = forms.IntegerField(label=gettext_lazy("N days"), required=False, min_value=1)
    category = forms.ModelChoiceField(
        label=gettext_lazy("Customer category"),
        queryset=CustomerCategory.objects.none(),
        required=False,
    )
    tier = TierChoiceField(label=gettext_lazy("Tier"), queryset=Tier.objects.none(), required=False)
    holds_series = forms.ModelChoiceField(
        label=gettext_lazy("Coupon series held"),
        queryset=CouponSeries.objects.none(),
        required=False,
    )
    amount = forms.DecimalField(
        label=gettext_lazy("Amount spent over"), required=False, min_value=0, decimal_places=2
    )
    series = forms.ModelChoiceField(
        label=gettext_lazy("Coupon issued with each message"),
        queryset=CouponSeries.objects.none(),
        required=False,
        help_text=gettext_lazy("Its code and link go into {code} and {link}."),
    )
    # The customer list's filters as segments (JSON), with segment "match" (issue 21).
    parts = forms.CharField(required=False, widget=forms.HiddenInput)
    send_at = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=gettext_lazy("Empty: now. In the business's time zone."),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["category"].queryset = scoped(CustomerCategory, business)
        self.fields["tier"].queryset = scoped(Tier, business).select_related(
            "category", "policy__program"
        )
        series = scoped(CouponSeries, business).filter(is_archived=False)
        self.fields["holds_series"].queryset = series
        self.fields["series"].queryset = series
        names = dict(settings.LANGUAGES)
        for language in texts.LANGUAGES:
            self.fields[f"text_{language}"] = forms.CharField(
                label=_("Text (%(language)s)") % {"language": names[language]},
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3, "lang": language}),  # read as its language
                initial=texts.default_text("campaign", language),
            )

    def segment_value(self) -> dict:
        data = self.cleaned_data
        if data.get("segment") == campaigns.MATCH:
            try:
                parts = json.loads(data.get("parts") or "[]")
            except ValueError:
                parts = None
            return {"kind": campaigns.MATCH, "parts": parts}
        return {
            "kind": data.get("segment"),
            "days": data.get("days"),
            "category": getattr(data.get("category"), "pk", None),
            "tier": getattr(data.get("tier"), "pk", None),
            "series": getattr(data.get("holds_series"), "pk", None),
            "amount": data.get("amount"),
        }


@coupon_panel_view
def campaign_list(request):
    rows = scoped(Campaign, request.business).order_by("-created_at")[:100]
    return render(
        request, "coupons/campaign_list.html", {"title": _("Campaigns"), "campaigns": rows}
    )


@coupon_panel_view
def campaign_create(request):
    business = request.business
    # "Send a campaign to these customers" on the customer list opens the form with its
    # filters as the segment: ?segment=match&parts=<JSON>.
    initial = {k: request.GET[k] for k in ("segment", "parts") if k in request.GET}
    form = CampaignForm(request.POST or None, business=business, initial=initial)
    audience = None
    if request.method == "GET" and initial.get("segment") == campaigns.MATCH:
        try:
            audience = campaigns.count(
                business, {"kind": campaigns.MATCH, "parts": json.loads(initial.get("parts", ""))}
            )
        except (ValueError, ValidationFailed):
            audience = None
    if request.method == "POST" and form.is_valid():
        try:
            if "count" in request.POST:
                audience = campaigns.count(business, form.segment_value())
            else:
                campaign = campaigns.create_campaign(
                    business=business,
                    name=form.cleaned_data["name"],
                    segment=form.segment_value(),
                    texts_by_language={
                        lang: form.cleaned_data[f"text_{lang}"] for lang in texts.LANGUAGES
                    },
                    series=form.cleaned_data["series"],
                    send_at=form.cleaned_data["send_at"],
                    created_by=request.user,
                )
                messages.success(request, _("The campaign is on its way."))
                return redirect("panel:campaign_detail", pk=campaign.pk)
        except ValidationFailed as error:
            field = error.field if error.field in form.fields else None
            if field is None and error.field == "text":
                field = f"text_{texts.LANGUAGES[0]}"
            form.add_error(field, error.message)
    return render(
        request,
        "coupons/campaign_form.html",
        {"title": _("New campaign"), "form": form, "audience": audience},
    )


def _status(campaign) -> dict:
    percent = int(campaign.done * 100 / campaign.total) if campaign.total else 100
    finished = campaign.state in (Campaign.State.DONE, Campaign.State.STOPPED)
    return {
        "done": campaign.done,
        "total": campaign.total,
        "percent": min(percent, 100),
        "state": campaign.state,
        "state_label": str(campaign.get_state_display()),
        "finished": finished,
    }


@coupon_panel_view
def campaign_detail(request, pk):
    campaign = get_scoped(Campaign, request.business, pk=pk)
    return render(
        request,
        "coupons/campaign_detail.html",
        {
            "title": campaign.name,
            "campaign": campaign,
            "status": _status(campaign),
            "results": campaigns.results(campaign),
        },
    )


@coupon_panel_view
def campaign_progress(request, pk):
    response = JsonResponse(_status(get_scoped(Campaign, request.business, pk=pk)))
    response["Cache-Control"] = "no-store"
    return response


@coupon_panel_view
@require_POST
def campaign_stop(request, pk):
    campaign = get_scoped(Campaign, request.business, pk=pk)
    if campaigns.stop_campaign(campaign=campaign):
        messages.success(request, _("The campaign is stopped; what was sent stays recorded."))
    return redirect("panel:campaign_detail", pk=campaign.pk)
