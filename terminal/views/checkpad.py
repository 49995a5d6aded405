"""The cashier's check as the page sends it, turned into the services' CheckInput.

The page sends goods codes and quantities only: prices, titles and categories come from the
business's catalogue, so a cashier cannot change a price by editing the request. Every other
field (customer, manual rules, coupons, points) is read by the API's own serializer, so its
limits and messages are the API's.
"""

from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.tenancy import scoped
from loyalty.checks import CheckInput, PositionInput
from loyalty.checks.inputs import MAX_POSITIONS
from loyalty.checks.ruleset import load_program_rules
from loyalty.models import Goods

from ..api.serializers import CashierCheckSerializer
from ..errors import first_error

MAX_QUANTITY = Decimal("99999")
SEARCH_LIMIT = 20


def goods_search(*, business, term: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Active goods whose code or title contains `term`; an exact code match first."""
    term = (term or "").strip()
    if not term:
        return []
    qs = (
        scoped(Goods, business)
        .filter(is_active=True)
        .filter(Q(code__icontains=term) | Q(title__icontains=term))
        .select_related("category")
        .order_by("title", "pk")[:limit]
    )
    items = [goods_item(g) for g in qs]
    items.sort(key=lambda item: item["code"].lower() != term.lower())
    return items


def goods_item(goods) -> dict:
    return {
        "code": goods.code,
        "title": goods.title,
        "category": goods.category.code if goods.category else "",
        "price": f"{goods.price:.2f}",
    }


def manual_rules(point_of_sale) -> list:
    """The program's manual rules a cashier may select at `point_of_sale`, in rule order."""
    compiled = load_program_rules(point_of_sale.program)
    return sorted(
        (
            r
            for r in compiled.rules_by_id.values()
            if r.mode == "manual"
            and (not r.points_of_sale or point_of_sale.key in r.points_of_sale)
        ),
        key=lambda r: (r.priority, r.order),
    )


def _decimal(value, field, *, places):
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(_("Enter a number."), field=field) from exc
    if not number.is_finite() or number.as_tuple().exponent < -places:
        raise ValidationFailed(
            _("Use at most %(places)d decimal places.") % {"places": places}, field=field
        )
    return number


def check_input(*, business, data: dict) -> tuple[CheckInput, list[dict]]:
    """(CheckInput, lines with titles for display) from the page's JSON; ValidationFailed
    names the field of the first problem."""
    lines = data.get("lines") or []
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(_("Add at least one item."), field="lines")
    if len(lines) > MAX_POSITIONS:
        raise ValidationFailed(
            _("A check holds at most %(n)d lines.") % {"n": MAX_POSITIONS}, field="lines"
        )
    codes = {str(line.get("code", "")) for line in lines if isinstance(line, dict)}
    catalogue = {
        g.code: g
        for g in scoped(Goods, business)
        .filter(code__in=codes, is_active=True)
        .select_related("category")
    }
    positions, shown = [], []
    for i, line in enumerate(lines):
        if not isinstance(line, dict):
            raise ValidationFailed(_("Expected an object."), field=f"lines[{i}]")
        goods = catalogue.get(str(line.get("code", "")))
        if goods is None:
            raise ValidationFailed(_("No such item in the catalogue."), field=f"lines[{i}].code")
        quantity = _decimal(line.get("quantity", "1"), f"lines[{i}].quantity", places=3)
        if not Decimal("0") < quantity <= MAX_QUANTITY:
            raise ValidationFailed(
                _("The quantity must be more than 0 and at most 99999."),
                field=f"lines[{i}].quantity",
            )
        item = goods_item(goods)
        positions.append(
            PositionInput(
                code=goods.code,
                title=goods.title,
                category=item["category"],
                price=goods.price,
                quantity=quantity,
            )
        )
        shown.append({**item, "quantity": f"{quantity.normalize():f}"})
    serializer = CashierCheckSerializer(data=_shared_fields(data))
    if not serializer.is_valid():
        field, message = first_error(serializer.errors)
        if field and field.startswith("customer"):
            field = "customer_id"  # the page names its customer by id only
        raise ValidationFailed(message, field=field)
    return serializer.to_check(positions=tuple(positions)), shown


def _shared_fields(data: dict) -> dict:
    """The page's fields as the API names them. The page sends the customer's id alone,
    blank coupon inputs, and points as typed (a decimal comma, or nothing)."""
    customer_id = data.get("customer_id")
    coupons = data.get("coupons") or []
    if isinstance(coupons, list):
        coupons = [c for c in coupons if not (isinstance(c, str) and not c.strip())]
    points = data.get("pay_with_points") or "0"
    return {
        "customer": None if customer_id in (None, "") else {"id": customer_id},
        "manual_rules": data.get("manual_rules") or [],
        "coupons": coupons,
        "pay_with_points": points.replace(",", ".") if isinstance(points, str) else points,
        # payments.md: as the API names them
        **{name: data[name] for name in ("payments", "gift_cards_sold") if data.get(name)},
    }
