"""The tiers of a program (promotions.md): one page to define them; saving replaces the
list and bumps the program's version (loyalty.signals)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.permissions import panel_view
from core.tenancy import get_scoped
from loyalty.forms.tiers import TierForm
from loyalty.models import Program, Tier, TierPolicy


def _initial(policy) -> dict:
    if policy is None:
        return {}
    initial = {"measure": policy.measure, "period": policy.period}
    for i, tier in enumerate(policy.tiers.order_by("threshold", "id")):
        initial.update(
            {f"category_{i}": tier.category_id, f"from_{i}": tier.threshold,
             f"keep_days_{i}": tier.keep_days}
        )  # fmt: skip
    return initial


@panel_view()
def tier_edit(request, program_pk):
    program = get_scoped(Program, request.business, pk=program_pk)
    policy = TierPolicy.objects.filter(program=program).first()
    form = TierForm(request.POST or None, program=program, initial=_initial(policy))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            if not data["rows"]:
                TierPolicy.objects.filter(program=program).delete()
            else:
                policy, _created = TierPolicy.objects.update_or_create(
                    program=program,
                    defaults={
                        "business": request.business,
                        "measure": data["measure"],
                        "period": data["period"],
                    },
                )
                policy.tiers.all().delete()
                Tier.objects.bulk_create(
                    Tier(business=request.business, policy=policy, category=c, threshold=t,
                         keep_days=k)
                    for c, t, k in data["rows"]
                )  # fmt: skip
            Program.bump_version(program.pk)
        messages.success(request, _("Tiers saved."))
        return redirect("panel:tier_edit", program_pk=program.pk)
    return render(
        request,
        "panel/tier_form.html",
        {
            "form": form,
            "program": program,
            "title": _("Tiers of %(program)s") % {"program": program.name},
        },
    )
