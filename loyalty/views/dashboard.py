"""The panel home: counts of everything, then one program's figures by day with charts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.charts import Line, bar_chart, line_chart
from core.permissions import OWNER_OR_MANAGER, forbidden, has_role
from core.tenancy import scoped
from coupons.forms import DateRangeForm
from coupons.views.common import today
from customers.tiers import customers_per_tier
from loyalty.models import Program
from loyalty.selectors.dashboard import panel_counts, program_dashboard

DEFAULT_DAYS = 30
BLUE, GREEN, ORANGE, RED, PURPLE, TEAL = (
    "#2f6fde",
    "#2e9d5b",
    "#e08a1e",
    "#d2453b",
    "#7b4fd6",
    "#1a9aa0",
)


def _as_float(days, keys):
    # The chart helper does float arithmetic; the figures table keeps the Decimals.
    return [{"date": d["date"], **{k: float(d[k]) for k in keys}} for d in days]


def _charts(days):
    money = _as_float(days, ("amount", "discount", "credited", "spent", "expired"))
    counts = _as_float(
        days, ("sales", "coupons_issued", "coupons_redeemed", "activations", "new_customers")
    )
    return [
        (
            _("Sales"),
            bar_chart(counts, Line("sales", _("Sales"), BLUE), aria_label=_("Sales per day")),
        ),
        (
            _("Sales amount and discounts"),
            line_chart(
                money,
                [Line("amount", _("Amount"), BLUE), Line("discount", _("Discounts"), ORANGE)],
                aria_label=_("Sales amount and discounts per day"),
            ),
        ),
        (
            _("Points"),
            line_chart(
                money,
                [
                    Line("credited", _("Credited"), GREEN),
                    Line("spent", _("Spent"), PURPLE),
                    Line("expired", _("Expired"), RED),
                ],
                aria_label=_("Points credited, spent and expired per day"),
            ),
        ),
        (
            _("Coupons, certificates and new customers"),
            line_chart(
                counts,
                [
                    Line("coupons_issued", _("Coupons issued"), TEAL),
                    Line("coupons_redeemed", _("Coupons redeemed"), ORANGE),
                    Line("activations", _("Certificate activations"), PURPLE),
                    Line("new_customers", _("New customers"), GREEN),
                ],
                aria_label=_("Coupons, certificate activations and new customers per day"),
            ),
        ),
    ]


@login_required
def home(request):
    if request.membership is None:
        return render(request, "panel/no_business.html")
    if not has_role(request, OWNER_OR_MANAGER):
        return forbidden(request)
    business = request.business
    counts = panel_counts(business)
    context = {"counts": counts, "rules_total": counts["rules_total"], "title": business.name}

    programs = list(scoped(Program, business).order_by("name", "pk"))
    if programs:
        # An unknown or foreign id silently falls back to the first program.
        wanted = request.GET.get("program")
        program = next((p for p in programs if str(p.pk) == wanted), programs[0])
        range_form = DateRangeForm(
            request.GET or None, today=today(business), default_days=DEFAULT_DAYS
        )
        date_from, date_to = range_form.range()
        figures = program_dashboard(
            business=business, program=program, date_from=date_from, date_to=date_to
        )
        context.update(
            programs=programs,
            program=program,
            range_form=range_form,
            date_from=date_from,
            date_to=date_to,
            figures=figures,
            charts=_charts(figures.days),
            tiers=customers_per_tier(program),
        )
    return render(request, "panel/dashboard.html", context)
