"""The audit page: recent changes to the business's programs, rules, series, certificates."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.permissions import panel_view
from loyalty.selectors.audit import TRACKED, business_history

LIMIT = 100


@panel_view()
def audit(request):
    kind = request.GET.get("kind", "")
    if kind not in TRACKED:
        kind = ""
    return render(
        request,
        "panel/audit.html",
        {
            "title": _("Audit"),
            "changes": business_history(business=request.business, kind=kind or None, limit=LIMIT),
            "kinds": [(key, label) for key, (_m, label, _u) in TRACKED.items()],
            "kind": kind,
            "limit": LIMIT,
        },
    )
