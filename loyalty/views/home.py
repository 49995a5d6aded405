"""The dashboard: a few counts and the way to every section."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from customers.models import Customer
from loyalty.models import Goods, Membership, PointOfSale, Program, Rule
from loyalty.permissions import OWNER_OR_MANAGER, forbidden, has_role
from loyalty.tenancy import scoped
from terminal.models import Device


@login_required
def home(request):
    if request.membership is None:
        return render(request, "panel/no_business.html")
    if not has_role(request, OWNER_OR_MANAGER):
        return forbidden(request)
    business = request.business
    rules = scoped(Rule, business).aggregate(
        total=Count("id"), active=Count("id", filter=Q(is_active=True))
    )
    counts = [
        ("programs", scoped(Program, business).count()),
        ("points_of_sale", scoped(PointOfSale, business).count()),
        ("customers", scoped(Customer, business).count()),
        ("goods", scoped(Goods, business).count()),
        ("rules", rules["active"]),
        ("staff", scoped(Membership, business).filter(revoked_at=None).count()),
        ("devices", scoped(Device, business).filter(revoked_at=None).count()),
    ]
    return render(
        request,
        "panel/home.html",
        {"counts": dict(counts), "rules_total": rules["total"], "title": business.name},
    )
