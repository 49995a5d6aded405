"""JSON endpoints behind the cashier's check page (same services as the terminal API)."""

from decimal import Decimal

from django.db import transaction
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates.services import activate_certificate
from core.errors import NotFound, ValidationFailed
from core.tenancy import get_scoped
from coupons import services as coupon_services
from coupons.selectors import series_title
from customers import services as customer_services
from customers import tiers as customer_tiers
from customers.models import AccountType, Customer
from loyalty.checks import confirm_check, evaluate_check
from loyalty.checks import tiers as check_tiers
from loyalty.models import CashierConfirmToken
from loyalty.selectors.names import program_names
from terminal.api.terminal import activation_answer, customer_answer

from ..code_budget import count_lookup, count_unknown_codes, presented_codes
from .access import till_view
from .checkpad import check_input, goods_search
from .jsonio import error_response, json_endpoint, read_json


def till_json(view):
    return json_endpoint(till_view(view, json=True))


@require_GET
@till_json
def goods(request):
    return JsonResponse(
        {"items": goods_search(business=request.business, term=request.GET.get("q"))}
    )


def _category_name(customer, program) -> str:
    enrolment = customer.enrolments.filter(program=program).select_related("category").first()
    return enrolment.category.name if enrolment and enrolment.category else ""


def customer_payload(request, customer) -> dict:
    """The terminal API's customer answer, plus the panel fragment the page shows."""
    pos = request.pos
    now = timezone.now()
    answer = customer_answer(customer, point_of_sale=pos, at=now)
    wallet = coupon_services.wallet(customer=customer, point_of_sale=pos, at=now)
    language = request.LANGUAGE_CODE
    coupons = [
        {"coupon": c, "title": series_title(c.series, language), "answer": a}
        for c, a in zip(wallet, answer["coupons"], strict=False)
    ]
    balances = answer["balances"]
    accounts = spendable_accounts(pos.program, balances)
    # The tier and what is missing to the next, before the confirm (promotions.md "Tiers")
    tier = customer_tiers.customer_progress(customer=customer, program=pos.program, at=now)
    html = render_to_string(
        "terminal/_customer.html",
        {
            "customer": customer,
            "answer": answer,
            "coupons": coupons,
            "names": program_names(pos.program),
            "category": _category_name(customer, pos.program),
            "spendable_accounts": accounts,
            "tier": tier,
        },
        request=request,
    )
    points = sum(
        (Decimal(balances.get(key, {}).get("active", "0")) for key in ("bonus", "special")),
        Decimal("0.00"),
    )
    return {
        "customer": answer,
        # bonus and special points pay together (payments.md)
        "spendable": f"{max(points, Decimal('0.00')):.2f}",
        "html": html,
        "tier": tier,
        # the page offers each on the check's lines it pays for
        "units_accounts": [a for a in accounts if a["units"]],
    }


def spendable_accounts(program, balances) -> list[dict]:
    """The customer's money and units accounts holding something, with what pays: the
    check page offers each (payments.md "Prepaid units and money, end to end")."""
    kinds = (AccountType.Kind.MONEY, AccountType.Kind.GOODS)
    accounts = []
    for account_type in AccountType.objects.filter(program=program, kind__in=kinds).order_by(
        "name"
    ):
        active = Decimal(balances.get(account_type.key, {}).get("active", "0"))
        if active > 0:
            accounts.append(
                {
                    "key": account_type.key,
                    "name": account_type.name,
                    "units": account_type.kind == AccountType.Kind.GOODS,
                    "active": f"{active.normalize():f}"
                    if account_type.kind == AccountType.Kind.GOODS
                    else f"{active:.2f}",
                }
            )
            if account_type.kind == AccountType.Kind.GOODS:  # what its units pay for
                pays = account_type.pays_for or {}
                accounts[-1]["goods"] = sorted(pays.get("goods") or ())
                accounts[-1]["categories"] = sorted(pays.get("categories") or ())
    return accounts


@require_GET
@till_json
def customer_lookup(request):
    phone = request.GET.get("phone", "").strip()
    card = request.GET.get("card", "").strip()
    customer_id = request.GET.get("id", "").strip()
    if not (phone or card or customer_id):
        raise ValidationFailed(_("Enter a phone or a card."), field="phone")
    if phone or card:
        count_lookup(request)
    customer = customer_services.find_customer(
        business=request.business,
        phone=phone or None,
        card=card or None,
        customer_id=customer_id or None,
    )
    if customer is None:
        raise NotFound(_("No such customer."), field="card" if card else "phone")
    return JsonResponse(customer_payload(request, customer))


@require_POST
@till_json
def customer_register(request):
    data = read_json(request)
    phone = str(data.get("phone") or "").strip()
    if not phone:
        raise ValidationFailed(_("Enter a phone."), field="phone")
    business, program = request.business, request.pos.program
    existing = customer_services.find_customer(business=business, phone=phone)
    if existing is not None:
        count_lookup(request)  # the answer tells the phone is registered (R13)
        customer_services.enrol(customer=existing, program=program)
        return JsonResponse(customer_payload(request, existing))
    customer = customer_services.register_customer(
        business=business, program=program, phone=phone, name=str(data.get("name") or "")
    )
    return JsonResponse(customer_payload(request, customer), status=201)


def _tier_preview(request, result) -> dict | None:
    """The identified customer's tier progress and the tier this check would reach; the
    program's tiers come from the per-version cache, so without tiers it costs no query."""
    customer_id = (result.get("customer") or {}).get("id")
    policy = check_tiers.policy_of(request.pos.program) if customer_id else None
    if policy is None:
        return None
    return customer_tiers.check_preview(
        policy=policy,
        program=request.pos.program,
        customer_id=customer_id,
        amount_to_pay=Decimal(result["amount_to_pay"]),
        at=timezone.now(),
    )


def _result_html(request, result, lines, tier=None):
    rows = [
        {"line": line, "result": position}
        for line, position in zip(lines, result.get("positions", []), strict=False)
    ]
    return render_to_string(
        "terminal/_result.html",
        {
            "result": result,
            "rows": rows,
            "currency": request.business.currency,
            "names": program_names(request.pos.program),
            "tier": tier,
        },
        request=request,
    )


@require_POST
@till_json
def evaluate(request):
    check, lines = check_input(business=request.business, data=read_json(request))
    with presented_codes(request, codes=check.coupons + check.gift_card_codes):
        result = evaluate_check(point_of_sale=request.pos, data=check)
    count_unknown_codes(request, result)
    tier = _tier_preview(request, result)
    html = _result_html(request, result, lines, tier)
    return JsonResponse({"result": result, "html": html, "tier": tier})


@require_POST
@till_json
def certificate(request):
    data = read_json(request)
    code = str(data.get("code") or "").strip()
    if not code:
        raise ValidationFailed(_("Enter the certificate's code."), field="code")
    if not data.get("customer_id"):
        raise ValidationFailed(_("Identify the customer first."), field="customer_id")
    customer = get_scoped(Customer, request.business, pk=data["customer_id"])
    count_lookup(request)
    result = activate_certificate(
        business=request.business,
        code=code,
        customer=customer,
        channel="terminal",
        point_of_sale=request.pos,
        at=timezone.now(),
    )
    payload = customer_payload(request, customer)
    payload["activation"] = activation_answer(result)
    return JsonResponse(payload)


@require_POST
@till_json
def confirm(request):
    """Confirm the check; `token` (one per check on the page) makes a double tap harmless:
    the second request gets the first one's receipt instead of a second sale."""
    data = read_json(request)
    check, _lines = check_input(business=request.business, data=data)
    token = str(data.get("token") or "")[:64]
    with (
        presented_codes(request, codes=check.coupons + check.gift_card_codes),
        transaction.atomic(),
    ):
        guard = None
        if token:
            # A concurrent request with this token waits here on the unique index until the
            # first one commits (then finds its sale) or rolls back (then confirms itself).
            guard, created = CashierConfirmToken.objects.get_or_create(
                staff=request.user, token=token, defaults={"business": request.business}
            )
            if not created:
                if guard.business_id != request.business.pk or guard.sale_id is None:
                    return error_response(
                        "in_progress", _("This check is being confirmed already."), status=409
                    )
                return _confirmed(guard.sale_id)
        body = confirm_check(
            point_of_sale=request.pos, data=check, staff=request.user, device=None
        ).body
        sale_id = body["sale"]["id"]
        if guard is not None:
            guard.sale_id = sale_id
            guard.save(update_fields=["sale"])
    return _confirmed(sale_id, status=201)


def _confirmed(sale_id, status=200):
    return JsonResponse(
        {"sale": sale_id, "receipt_url": reverse("cashier:receipt", args=[sale_id])},
        status=status,
    )
