"""Tiers (promotions.md "Tiers"): the customer's measure, the move up at confirm, the daily
move down, each move recorded and announced through the outbox.

Tiers change `Enrolment.category`. A category set by hand with "keep"
(`TierState.kept`) is never changed here. Callers of `move_up` hold the customer's row
locked (the confirm does), so one customer's tier changes in one transaction at a time.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loyalty.engine.periods import period_start
from loyalty.models import Sale, TierPolicy

from .models import CustomerCategory, Enrolment
from .notify import notify_customer
from .tier_models import TierMove, TierState

PERIODS = {"last_365_days": "last_365_days", "calendar_year": "year", "all_time": "all_time"}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Level:
    category_id: int
    name: str
    threshold: Decimal
    keep_days: int | None


@dataclass(frozen=True)
class Policy:
    program_id: int
    measure: str
    period: str
    levels: tuple[Level, ...]  # rising thresholds

    def level_for(self, value: Decimal) -> Level | None:
        """The highest level whose threshold `value` reaches."""
        reached = [level for level in self.levels if value >= level.threshold]
        return reached[-1] if reached else None

    def rank(self, category_id: int | None) -> int:
        """Position of a category among the levels; -1 when it is none of them."""
        for i, level in enumerate(self.levels):
            if level.category_id == category_id:
                return i
        return -1


def policy_of(program) -> Policy | None:
    policy = TierPolicy.objects.filter(program_id=program.pk).first()
    if policy is None:
        return None
    levels = tuple(
        Level(t.category_id, t.category.name, t.threshold, t.keep_days)
        for t in policy.tiers.select_related("category").order_by("threshold", "id")
    )
    if not levels:
        return None
    return Policy(program.pk, policy.measure, policy.period, levels)


def measure(*, policy: Policy, customer_id: int, at, timezone_name: str) -> Decimal:
    """Spend (amount to pay, completed sales) or visits (completed sales) over the
    policy's period up to `at`."""
    sales = Sale.objects.filter(
        customer_id=customer_id, program_id=policy.program_id, status=Sale.COMPLETED, time__lte=at
    )
    start = period_start(PERIODS[policy.period], at, timezone_name)
    if start is not None:
        sales = sales.filter(time__gte=start)
    if policy.measure == "visits":
        return Decimal(sales.aggregate(n=Count("id"))["n"] or 0)
    return sales.aggregate(total=Sum("amount_to_pay"))["total"] or ZERO


def progress(*, policy: Policy, customer_id: int, category_id, at, timezone_name) -> dict:
    """What the customer sees: their tier, the next one and how much is missing."""
    value = measure(policy=policy, customer_id=customer_id, at=at, timezone_name=timezone_name)
    rank = policy.rank(category_id)
    current = policy.levels[rank] if rank >= 0 else None
    nxt = policy.levels[rank + 1] if rank + 1 < len(policy.levels) else None
    return {
        "tier": current.name if current else None,
        "measure": policy.measure,
        "value": str(value),
        "next": nxt.name if nxt else None,
        "missing": str(max(nxt.threshold - value, ZERO)) if nxt else None,
    }


def _state(enrolment) -> TierState:
    state, _created = TierState.objects.get_or_create(
        enrolment=enrolment, defaults={"business_id": enrolment.business_id}
    )
    return state


def _move(enrolment, state, level_to, category_to_id, why, value, at, sale=None) -> TierMove:
    move = TierMove.objects.create(
        business_id=enrolment.business_id,
        customer_id=enrolment.customer_id,
        program_id=enrolment.program_id,
        from_category_id=enrolment.category_id,
        to_category_id=category_to_id,
        why=why,
        measure=value,
        sale=sale,
        at=at,
    )
    enrolment.category_id = category_to_id
    enrolment.save(update_fields=["category"])
    state.reached_at = at
    state.save(update_fields=["reached_at"])
    _announce(enrolment, category_to_id, why)
    return move


def _announce(enrolment, category_id, why) -> None:
    customer = enrolment.customer
    if not customer.consent or category_id is None:
        return
    category = CustomerCategory.objects.get(pk=category_id)
    language = customer.language or enrolment.program.business.language
    with translation.override(language):
        if why == TierMove.Why.UP:
            body = _("Congratulations! You are now %(tier)s.") % {"tier": category.name}
        else:
            body = _("Your level is now %(tier)s.") % {"tier": category.name}
        notify_customer(customer=customer, kind="tier_changed", subject=category.name, body=body)


def move_up(*, policy: Policy | None, program, customer, sale, at) -> TierMove | None:
    """After a confirm: the customer moves up if their measure, this sale included, passed
    a higher tier's threshold. The sale's own rules saw the old category."""
    if policy is None or customer is None:
        return None
    enrolment = (
        Enrolment.objects.select_related("customer", "program__business")
        .filter(customer=customer, program_id=program.pk)
        .first()
    )
    if enrolment is None:
        return None
    state = _state(enrolment)
    if state.kept:
        return None
    value = measure(
        policy=policy, customer_id=customer.pk, at=at, timezone_name=program.business.timezone
    )
    level = policy.level_for(value)
    if level is None or policy.rank(level.category_id) <= policy.rank(enrolment.category_id):
        return None
    return _move(enrolment, state, level, level.category_id, TierMove.Why.UP, value, at, sale)


def update_tiers(*, now=None) -> int:
    """The daily job: moves down the customers whose measure fell below their tier's
    threshold, unless the tier's `keep_days` since they reached it have not passed or their
    category is kept by hand. Below every tier they go to the program's default category.
    One transaction per customer; returns how many moved."""
    now = now or timezone.now()
    moved = 0
    for policy_row in TierPolicy.objects.select_related("program__business"):
        program = policy_row.program
        policy = policy_of(program)
        if policy is None:
            continue
        default = CustomerCategory.objects.filter(program=program, is_default=True).first()
        tier_ids = [level.category_id for level in policy.levels]
        enrolments = Enrolment.objects.filter(program=program, category_id__in=tier_ids)
        for enrolment_id in enrolments.values_list("pk", flat=True).order_by("pk"):
            with transaction.atomic():
                enrolment = (
                    Enrolment.objects.select_for_update()
                    .select_related("customer", "program__business")
                    .get(pk=enrolment_id)
                )
                if _move_down(enrolment, policy, default, now):
                    moved += 1
    return moved


def _move_down(enrolment, policy: Policy, default, now) -> bool:
    rank = policy.rank(enrolment.category_id)
    if rank < 0:
        return False
    state = _state(enrolment)
    if state.kept:
        return False
    current = policy.levels[rank]
    value = measure(
        policy=policy,
        customer_id=enrolment.customer_id,
        at=now,
        timezone_name=enrolment.program.business.timezone,
    )
    if value >= current.threshold:
        return False
    if (
        current.keep_days
        and state.reached_at
        and now - state.reached_at < timedelta(days=current.keep_days)
    ):
        return False
    level = policy.level_for(value)
    to_id = level.category_id if level else (default.pk if default else None)
    _move(enrolment, state, level, to_id, TierMove.Why.DOWN, value, now)
    return True


def customer_progress(*, customer, program, at=None) -> dict | None:
    """The wallet's, kiosk's and receipt's tier line: the customer's tier and what is
    missing to the next ("1,200.00 more to Gold"); None for a program without tiers."""
    if customer is None:
        return None
    policy = policy_of(program)
    if policy is None:
        return None
    category_id = (
        Enrolment.objects.filter(customer=customer, program_id=program.pk)
        .values_list("category_id", flat=True)
        .first()
    )
    return progress(
        policy=policy,
        customer_id=customer.pk,
        category_id=category_id,
        at=at or timezone.now(),
        timezone_name=program.business.timezone,
    )


def customers_per_tier(program) -> list[dict]:
    """The dashboard's tiers: each tier (lowest first) with how many customers are in it."""
    policy = TierPolicy.objects.filter(program_id=program.pk).first()
    if policy is None:
        return []
    tiers = list(policy.tiers.select_related("category").order_by("threshold", "id"))
    counts = dict(
        Enrolment.objects.filter(
            program_id=program.pk, category_id__in=[t.category_id for t in tiers]
        )
        .values("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    return [
        {
            "name": t.category.name,
            "threshold": t.threshold,
            "customers": counts.get(t.category_id, 0),
        }
        for t in tiers
    ]


def has_tiers(program) -> bool:
    return TierPolicy.objects.filter(program_id=program.pk).exists()


def is_kept(*, customer, program) -> bool:
    return TierState.objects.filter(
        enrolment__customer=customer, enrolment__program_id=program.pk, kept=True
    ).exists()


def set_kept(*, customer, program, kept: bool) -> None:
    """The panel's "keep": tiers leave this customer's category alone while set."""
    enrolment = Enrolment.objects.filter(customer=customer, program_id=program.pk).first()
    if enrolment is None:
        return
    state = _state(enrolment)
    if state.kept != kept:
        state.kept = kept
        state.save(update_fields=["kept"])


def check_preview(*, policy: Policy, program, customer_id: int, amount_to_pay, at) -> dict:
    """The cashier's view before the confirm: the customer's progress now, and in `after`
    the higher tier this check would take them to (as move_up would), else None."""
    enrolment = (
        Enrolment.objects.filter(customer_id=customer_id, program_id=program.pk)
        .values("category_id", "tier_state__kept")
        .first()
    ) or {"category_id": None, "tier_state__kept": False}
    category_id = enrolment["category_id"]
    answer = progress(
        policy=policy,
        customer_id=customer_id,
        category_id=category_id,
        at=at,
        timezone_name=program.business.timezone,
    )
    step = Decimal(1) if policy.measure == "visits" else Decimal(amount_to_pay)
    level = policy.level_for(Decimal(answer["value"]) + step)
    moves = (
        level is not None
        and not enrolment["tier_state__kept"]
        and policy.rank(level.category_id) > policy.rank(category_id)
    )
    answer["after"] = level.name if moves else None
    return answer
