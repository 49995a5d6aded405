"""Coupon series: list, create, edit, archive, and the detail page with statistics."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import Line, line_chart
from core.qr import SIZES
from core.tenancy import get_scoped, scoped
from core.views import PanelListView
from coupons.forms import (
    MAX_GENERATE,
    ChannelForm,
    DateRangeForm,
    InventoryBelowIssued,
    QrLogoForm,
    SeriesForm,
    pending_generation,
)
from coupons.models import CodeJob, CouponSeries
from coupons.selectors import codes_to_pregenerate, series_stats, series_title
from coupons.series_rules import has_issued
from coupons.services import archive_series
from coupons.tasks import start_job
from loyalty.models import Program

from .common import coupon_panel_view, posted, promotion_link, today

ACTIVE, ARCHIVED, ALL = "active", "archived", "all"
CLAIMED_COLOR, REDEEMED_COLOR = "#0f766e", "#d97706"


class SeriesList(PanelListView):
    """Series with their issued / claimed / redeemed counts, all in one aggregate query."""

    model = CouponSeries
    template_name = "coupons/series_list.html"
    title = gettext_lazy("Coupon series")
    search_fields = ("name", "key")
    create_url_name = "panel:series_create"
    select_related = ("program",)

    def filters(self):
        get = self.request.GET
        return {
            "program": get.get("program", ""),
            "state": get.get("state", ACTIVE) if get.get("state") in (ARCHIVED, ALL) else ACTIVE,
            "code_mode": get.get("code_mode", "")
            if get.get("code_mode") in CouponSeries.CodeMode.values
            else "",
        }

    def get_queryset(self):
        qs = super().get_queryset()
        chosen = self.filters()
        if chosen["program"].isdigit():
            qs = qs.filter(program_id=int(chosen["program"]))
        if chosen["state"] != ALL:
            qs = qs.filter(is_archived=chosen["state"] == ARCHIVED)
        if chosen["code_mode"]:
            qs = qs.filter(code_mode=chosen["code_mode"])
        issued = Q(coupons__is_stock=False)
        return qs.annotate(
            n_issued=Count("coupons", filter=issued),
            n_claimed=Count("coupons", filter=issued & Q(coupons__claimed_at__isnull=False)),
            n_redeemed=Count("coupons", filter=issued & Q(coupons__state="redeemed")),
        ).order_by("-created_at", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters(),
            programs=scoped(Program, self.request.business).order_by("name", "id"),
            code_modes=CouponSeries.CodeMode.choices,
            states=[(ACTIVE, _("Active")), (ARCHIVED, _("Archived")), (ALL, _("All"))],
            searchable=False,  # the filter form below holds the search box
        )
        return context


series_list = coupon_panel_view(SeriesList.as_view())


def _form_page(request, form, title, cancel_url, series=None):
    return render(
        request,
        "coupons/series_form.html",
        {"form": form, "title": title, "cancel_url": cancel_url, "series": series},
    )


def _after_save(request, series):
    """A pregenerated series gets the codes its inventory still lacks, as a job."""
    missing = 0
    if series.code_mode == CouponSeries.CodeMode.PREGENERATED:
        missing = codes_to_pregenerate(series) - pending_generation(series)
    if missing > 0:
        job = start_job(
            series=series,
            kind=CodeJob.Kind.GENERATE,
            params={"count": missing},
            created_by=request.user,
        )
        messages.success(
            request, _("Saved. Generating %(n)s codes for the inventory.") % {"n": missing}
        )
        return redirect("panel:code_job", pk=job.pk)
    messages.success(request, _("Coupon series “%(name)s” saved.") % {"name": series.name})
    return redirect("panel:series_detail", pk=series.pk)


def _check_pregenerated(form):
    """A pregenerated series makes the codes of its whole inventory at once, in jobs of at
    most MAX_GENERATE (that it has an inventory is the series' own rule)."""
    data = form.cleaned_data
    if data.get("code_mode") != CouponSeries.CodeMode.PREGENERATED:
        return True
    inventory = data["inventory"]
    have = 0
    if form.instance.pk:
        have = form.instance.coupons.count() + pending_generation(form.instance)
    if inventory - have > MAX_GENERATE:
        form.add_error(
            "inventory",
            _("At most %(n)s new codes at once: raise the inventory in steps.")
            % {"n": f"{MAX_GENERATE:,}"},
        )
        return False
    return True


@coupon_panel_view
def series_create(request):
    form = SeriesForm(*posted(request), business=request.business)
    if request.method == "POST" and form.is_valid() and _check_pregenerated(form):
        with transaction.atomic():
            series = form.save()
            response = _after_save(request, series)
        return response
    return _form_page(request, form, _("New coupon series"), reverse("panel:series_list"))


@coupon_panel_view
def series_edit(request, pk):
    series = get_scoped(CouponSeries, request.business, pk=pk)
    form = SeriesForm(*posted(request), instance=series, business=request.business)
    if request.method == "POST" and form.is_valid() and _check_pregenerated(form):
        try:
            with transaction.atomic():
                form.save()
                response = _after_save(request, series)
            return response
        except InventoryBelowIssued:
            pass  # the form carries the message now
    return _form_page(
        request,
        form,
        _("Edit coupon series “%(name)s”") % {"name": series.name},
        reverse("panel:series_detail", kwargs={"pk": series.pk}),
        series,
    )


@coupon_panel_view
def series_archive(request, pk):
    """Archiving replaces deleting: nothing new is issued; wallets keep their coupons."""
    series = get_scoped(CouponSeries, request.business, pk=pk)
    if request.method == "POST":
        archive_series(series=series)
        messages.success(
            request,
            _(
                "“%(name)s” is archived: nothing new is issued; coupons already in wallets "
                "stay valid until they expire."
            )
            % {"name": series.name},
        )
        return redirect("panel:series_list")
    return render(
        request,
        "coupons/series_archive.html",
        {
            "series": series,
            "title": _("Archive “%(name)s”?") % {"name": series.name},
            "cancel_url": reverse("panel:series_detail", kwargs={"pk": series.pk}),
        },
    )


@coupon_panel_view
def series_detail(request, pk):
    business = request.business
    series = get_scoped(
        CouponSeries.objects.select_related("program", "reward_rule", "business"),
        business,
        pk=pk,
    )
    range_form = DateRangeForm(request.GET or None, today=today(business))
    date_from, date_to = range_form.range()
    stats = series_stats(series, date_from=date_from, date_to=date_to)
    chart = line_chart(
        stats["days"],
        [
            Line("claimed", _("Claimed"), CLAIMED_COLOR),
            Line("redeemed", _("Redeemed"), REDEEMED_COLOR),
        ],
        aria_label=_("Coupons claimed and redeemed per day"),
    )
    channels = [
        {"channel": channel, "link": promotion_link(request, series, channel.name)}
        for channel in series.channels.order_by("name", "id")
    ]
    return render(
        request,
        "coupons/series_detail.html",
        {
            "series": series,
            "title": series.name,
            "public_title": series_title(series, request.LANGUAGE_CODE),
            "stats": stats,
            "chart": chart,
            "range_form": range_form,
            "date_from": date_from,
            "date_to": date_to,
            "channels": channels,
            "plain_link": promotion_link(request, series),
            "channel_form": ChannelForm(business=business, series=series),
            "logo_form": QrLogoForm(business=business),
            "sizes": SIZES,
            "jobs": list(series.jobs.order_by("-created_at", "-id")[:5]),
            "reward_locked": has_issued(series),
        },
    )
