"""The evaluation result as the terminal API answers it (terminal-api.md "Result")."""

import json
from decimal import Decimal

from django.utils.translation import gettext as _

from core.errors import Refused
from customers.phones import mask_phone

COUPON_MESSAGES = {
    "coupon_not_found": _("No such coupon."),
    "coupon_expired": _("The coupon has expired."),
    "coupon_not_yet_valid": _("The coupon is not valid yet."),
    "coupon_already_redeemed": _("The coupon has already been redeemed."),
    "coupon_not_applicable": _("The coupon cannot be used on this check."),
    "min_spend_not_reached": _("The check does not reach the coupon's minimum spend."),
    "customer_required": _("An identified customer is required."),
}


def encode(body: dict) -> str:
    """The answer's JSON text, compact as the API renders it (the body holds only JSON
    types: amounts are strings already)."""
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def money(value) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):f}"


def quantity(value) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text


def iso(value):
    return value.isoformat() if value is not None else None


def customer_brief(customer, *, new_phone="", category=None):
    if customer is None and not new_phone:
        return None
    if customer is None:
        return {
            "id": None,
            "name": "",
            "phone": mask_phone(new_phone),
            "category": category,
            "new": True,
        }
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": mask_phone(customer.phone),
        "category": category,
        "new": False,
    }


def build_result(ctx, result, *, top_ups=()) -> dict:
    """`result` is the engine's EvaluationResult; `top_ups` are (coupon, account, amount)."""
    credits = [
        {
            "account": c.account,
            "amount": money(c.amount),
            "activates_at": iso(c.activates_at),
            "expires_at": iso(c.expires_at),
            "rule": c.rule_key,
        }
        for c in result.credits
    ]
    for coupon, account, amount in top_ups:
        credits.append(
            {
                "account": account,
                "amount": money(amount),
                "activates_at": None,
                "expires_at": None,
                "rule": None,
                "coupon": coupon.code,
            }
        )
    not_applied = [
        {
            "kind": "coupon",
            "ref": p.ref,
            "code": p.refusal,
            "message": str(COUPON_MESSAGES.get(p.refusal, p.refusal)),
        }
        for p in ctx.coupons
        if p.refusal
    ]
    manual_ids = set(ctx.engine_check.manual_rule_ids)
    not_applied += [
        {
            "kind": n.kind,
            "ref": n.ref,
            "code": n.code,
            "message": n.message,
            "_manual": n.kind == "rule" and (n.rule_id in manual_ids or n.code == "rule_not_found"),
        }
        for n in result.not_applied
    ]
    body = {
        "amount": money(result.amount),
        "discount": money(result.discount),
        "amount_to_pay": money(result.amount_to_pay),
        "points_paid": money(result.points_paid),
        "money_to_pay": money(result.money_to_pay),
        "customer": customer_brief(
            ctx.customer, new_phone=ctx.new_phone, category=ctx.category_key
        ),
        "positions": [
            {
                "code": p.code,
                "quantity": quantity(p.quantity),
                "amount": money(p.amount),
                "discount": money(p.discount),
                "amount_to_pay": money(p.amount_to_pay),
            }
            for p in result.positions
        ],
        "applied_rules": [
            {
                "id": a.rule_id,
                "key": a.key,
                "explanation": a.explanation,
                "discount": money(a.discount),
                "credit": money(a.credit),
                "coupons": a.coupons,
                "coupon": a.coupon_ref,
            }
            for a in result.applied_rules
        ],
        "credits": credits,
        "coupons_issued": [
            {"series": issue.series, "code": None}
            for issue in result.coupons_issued
            for _ in range(issue.quantity)
        ],
        "not_applied": not_applied,
        "sale": None,
    }
    from . import payments  # noqa: PLC0415 (payments imports this module)

    payments.add_to_body(ctx, result, body)
    return body


def public(body: dict) -> dict:
    """The body without the private markers used to decide refusals."""
    for item in body["not_applied"]:
        item.pop("_manual", None)
    return body


def refusal_for_confirm(body: dict):
    """Confirm refuses what evaluate only reports: a presented coupon or a selected manual
    rule that does not apply (terminal-api.md "Confirm semantics").

    The refusal carries how many presented codes do not exist (`unknown_codes`): the code
    throttle counts them, whatever the refusal (quality.md R13)."""
    try:
        _refuse(body)
    except Refused as refusal:
        refusal.unknown_codes = sum(
            1
            for item in body["not_applied"]
            if item["kind"] == "coupon" and item["code"] == "coupon_not_found"
        )
        raise


def _refuse(body: dict):
    for item in body["not_applied"]:
        if item["kind"] == "coupon":
            code = item["code"]
            if code in (
                "not_combinable",
                "min_quantity",
                "no_threshold",
                "no_matching_goods",
                "no_effect",
                "point_of_sale",
                "outside_schedule",
                "customer_identity",
                "customer_category",
                "applies_to_sales",
                "quantity_limit",
                "birthday",
            ):
                code = "coupon_not_applicable"
            raise Refused(item["message"], code=code, field="coupons", extra={"ref": item["ref"]})
        if item["kind"] == "rule" and item.get("_manual"):
            code = item["code"]
            if code == "rule_not_found":
                raise Refused(
                    item["message"],
                    code="not_found",
                    field="manual_rules",
                    status=422,
                    extra={"ref": item["ref"]},
                )
            if code != "customer_required":
                code = "rule_not_applicable"
            raise Refused(
                item["message"], code=code, field="manual_rules", extra={"ref": item["ref"]}
            )
