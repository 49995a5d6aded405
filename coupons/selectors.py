"""Reads over coupons: look-ups, why a coupon cannot be used, answers, wallets, statistics.

``coupons.services`` re-exports the look-ups the sales and API code call from there.
"""

from datetime import timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from core.tenancy import scoped
from loyalty.models import Sale

from .codes import normalize_code
from .models import Coupon, CouponEvent, CouponSeries
from .validity import business_tz, day_start, window_state

S = Coupon.State
USABLE_STATES = (S.FREE, S.IN_WALLET)

# Coupon events a cancelled sale undid, which figures and records leave out (the event rows
# stay: history is append-only): its redemptions (the coupons went back), and the arrival in
# a wallet of coupons it issued that were cancelled with it.
UNDONE_BY_CANCEL = Q(to_state=S.REDEEMED, sale__status=Sale.CANCELLED) | Q(
    to_state=S.IN_WALLET, coupon__state=S.CANCELLED, coupon__issued_by_sale__status=Sale.CANCELLED
)


def localized(texts, language: str = "", fallback: str = "") -> str:
    """One text of a ``{"en": ..., "uk": ...}`` field: the language asked, English, any."""
    if isinstance(texts, str):
        return texts or fallback
    texts = texts or {}
    for lang in (language, (language or "").split("-")[0]):
        if lang and texts.get(lang):
            return texts[lang]
    # The forms promise "Empty: the name is shown"; another language only without a name.
    if fallback:
        return fallback
    return texts.get("en") or next((t for t in texts.values() if t), fallback)


def series_title(series, language: str = "") -> str:
    return localized(series.title, language, series.name)


def find_coupon(*, business, code: str) -> Coupon | None:
    """An issued coupon of ``business`` by its code in any spelling; stock codes are hidden."""
    norm = normalize_code(code)
    if not norm:
        return None
    return (
        scoped(Coupon, business)
        .filter(code_norm=norm, is_stock=False)
        .select_related("series", "series__business", "customer")
        .first()
    )


def find_coupons(*, business, codes) -> dict[str, Coupon]:
    """Issued coupons by normalised code, in one query."""
    norms = {normalize_code(c) for c in codes} - {""}
    if not norms:
        return {}
    qs = scoped(Coupon, business).filter(code_norm__in=norms, is_stock=False)
    return {c.code_norm: c for c in qs.select_related("series", "series__business")}


def coupon_refusal(*, coupon, customer, point_of_sale, at, check_amount=None) -> str | None:
    """Why ``coupon`` cannot be redeemed now at ``point_of_sale`` by ``customer``, or None.

    Makes no query when ``coupon.series`` is loaded (checks call it once per coupon).
    The reward rule's own filters (its points of sale, schedule, ...) are the engine's.
    """
    series = coupon.series
    if coupon.is_stock:
        return "coupon_not_found"  # not issued yet: it does not exist for anybody
    # What no cashier can change comes before what the cashier can (terminal-api.md): the
    # program, a final state, the window, and only then who holds the coupon.
    if point_of_sale is not None and series.program_id != point_of_sale.program_id:
        return "coupon_not_applicable"
    if customer is not None and coupon.business_id != customer.business_id:
        return "coupon_not_applicable"
    if coupon.state in (S.REDEEMED, S.CANCELLED):
        return "coupon_already_redeemed"
    if coupon.state == S.EXPIRED:
        return "coupon_expired"
    state = window_state(coupon.valid_from, coupon.valid_to, at)
    if state == "over":
        return "coupon_expired"
    if state == "not_yet":
        return "coupon_not_yet_valid"
    if coupon.state == S.IN_WALLET:
        if customer is None:
            return "customer_required"  # a wallet coupon is used by its holder only
        if coupon.customer_id != customer.pk:
            return "coupon_not_applicable"
    elif series.is_archived:
        # Archiving withdraws the series: only coupons already in wallets stay valid.
        return "coupon_not_applicable"
    if (
        check_amount is not None
        and series.min_spend is not None
        and check_amount < series.min_spend
    ):
        return "min_spend_not_reached"
    return None


def reward_excludes_pos(series, point_of_sale) -> bool:
    """True when the series' reward rule is limited to other points of sale (one query)."""
    if point_of_sale is None or series.reward_rule_id is None:
        return False
    pos_ids = set(series.reward_rule.points_of_sale.values_list("pk", flat=True))
    return bool(pos_ids) and point_of_sale.pk not in pos_ids


def _iso(value, tz):
    return value.astimezone(tz).isoformat() if value is not None else None


def coupon_answer(coupon, *, customer=None, point_of_sale=None, at=None) -> dict:
    """The terminal API's view of a coupon (terminal-api.md ``GET coupons/{code}``)."""
    at = at or timezone.now()
    reason = coupon_refusal(coupon=coupon, customer=customer, point_of_sale=point_of_sale, at=at)
    if reason is None and reward_excludes_pos(coupon.series, point_of_sale):
        reason = "coupon_not_applicable"
    tz = business_tz(coupon.series.business)  # times as the business's customers read them
    return {
        "code": coupon.code,
        "series": coupon.series.key,
        "state": coupon.state,
        "valid_from": _iso(coupon.valid_from, tz),
        "valid_to": _iso(coupon.valid_to, tz),
        "usable_here": reason is None,
        "reason": reason,
    }


def wallet(*, customer, point_of_sale, at, include_upcoming=False) -> list[Coupon]:
    """The customer's wallet coupons usable at ``point_of_sale`` at ``at``, soonest to expire
    first; ``include_upcoming`` adds those whose window has not started yet."""
    qs = (
        Coupon.objects.filter(
            business_id=customer.business_id,
            customer=customer,
            state=S.IN_WALLET,
            series__program_id=point_of_sale.program_id,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .select_related("series", "series__business")
        .prefetch_related("series__reward_rule__points_of_sale")
        .order_by("valid_to", "id")
    )
    if not include_upcoming:
        qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=at))
    result = []
    for coupon in qs:
        rule = coupon.series.reward_rule
        if rule is not None:
            pos_ids = {p.pk for p in rule.points_of_sale.all()}
            if pos_ids and point_of_sale.pk not in pos_ids:
                continue
        result.append(coupon)
    return result


def stock_count(series) -> int:
    return Coupon.objects.filter(series=series, is_stock=True).count()


def codes_to_pregenerate(series) -> int:
    """How many codes a pregenerated series still needs to cover its inventory."""
    if series.code_mode != CouponSeries.CodeMode.PREGENERATED or series.inventory is None:
        return 0
    have = Coupon.objects.filter(series=series).count()
    return max(series.inventory - have, 0)


def series_stats(series, *, date_from=None, date_to=None) -> dict:
    """Issued, claimed, redeemed, expired; and claimed/redeemed per day (business days).

    The chart covers ``date_from``..``date_to`` (default: the last 7 days).
    """
    tz = business_tz(series.business)
    today = timezone.now().astimezone(tz).date()
    date_to = date_to or today
    date_from = date_from or date_to - timedelta(days=6)
    # One pass over the series' coupons for every figure, stock included.
    issued = Q(is_stock=False)
    counts = Coupon.objects.filter(series=series).aggregate(
        issued=Count("id", filter=issued),
        claimed=Count("id", filter=issued & Q(claimed_at__isnull=False)),
        redeemed=Count("id", filter=issued & Q(state=S.REDEEMED)),
        expired=Count("id", filter=issued & Q(state=S.EXPIRED)),
        in_wallet=Count("id", filter=issued & Q(state=S.IN_WALLET)),
        free=Count("id", filter=issued & Q(state=S.FREE)),
        stock=Count("id", filter=Q(is_stock=True)),
    )
    rows = (
        CouponEvent.objects.filter(
            series_id=series.pk,
            to_state__in=[S.IN_WALLET, S.REDEEMED],
            at__gte=day_start(date_from, tz),
            at__lt=day_start(date_to + timedelta(days=1), tz),
        )
        # transfers and coupons put back by a cancelled sale did not newly reach a wallet
        .exclude(from_state__in=[S.IN_WALLET, S.REDEEMED], to_state=S.IN_WALLET)
        .exclude(UNDONE_BY_CANCEL)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "to_state")
        .annotate(n=Count("id"))
    )
    per_day = {}
    for row in rows:
        per_day.setdefault(row["day"], {})[row["to_state"]] = row["n"]
    days = []
    day = date_from
    while day <= date_to:
        found = per_day.get(day, {})
        days.append(
            {
                "date": day.isoformat(),
                "claimed": found.get(S.IN_WALLET, 0),
                "redeemed": found.get(S.REDEEMED, 0),
            }
        )
        day += timedelta(days=1)
    return {**counts, "days": days}


def redemptions(*, business, date_from=None, date_to=None, customer_name="", phone=""):
    """Redemption records (newest first): time range, customer name (contains), or phone
    (exact, E.164 as stored). Redemptions of a cancelled sale are not listed."""
    qs = (
        scoped(CouponEvent, business)
        .filter(to_state=S.REDEEMED)
        .exclude(UNDONE_BY_CANCEL)
        .select_related("coupon", "coupon__series", "customer", "point_of_sale")
        .order_by("-at", "-id")
    )
    if date_from is not None:
        qs = qs.filter(at__gte=date_from)
    if date_to is not None:
        qs = qs.filter(at__lte=date_to)
    if customer_name:
        qs = qs.filter(customer__name__icontains=customer_name)
    if phone:
        qs = qs.filter(customer__phone=phone)
    return qs
