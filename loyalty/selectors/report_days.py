"""The report pages' figures per business day: read from ReportDay for the days folded
(loyalty.services.report_days.fold) and counted from the sales, ledger and coupon tables
for the rest (usually today alone). Both ways give the same DayFigures, so a page reads the
same numbers before and after a fold (tests/loyalty/owner/test_report_days.py).

What a day holds, per program (the dashboard's and the reports page's readings,
docs/panel-reports.md; a cancelled sale counts nowhere, on any day):
- sales per (program, point of sale, cashier): count, amount, money taken, discount;
- points credited, spent, expired; coupons that reached a wallet and were redeemed;
  certificate activations; new customers (first completed sale in the program);
- per rule: discount, points credited, sales.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate

from certificates.models import Activation
from core.tenancy import scoped
from coupons.models import Coupon, CouponEvent
from coupons.validity import business_tz, day_start
from customers.models import LedgerEntry, LotUse
from loyalty.models import ReportDay, ReportState, Sale, SaleRule

ZERO = Decimal("0.00")
COUPON = Coupon.State
KIND = LedgerEntry.Kind
LEDGER_KEYS = {KIND.CREDIT: "credited", KIND.DEBIT: "spent", KIND.EXPIRY: "expired"}


@dataclass
class ProgramDay:
    """One program's counts of one day (everything but the sales and the rules)."""

    credited: Decimal = ZERO
    spent: Decimal = ZERO
    expired: Decimal = ZERO
    coupons_issued: int = 0
    coupons_redeemed: int = 0
    activations: int = 0
    new_customers: int = 0

    NUMBERS = ("coupons_issued", "coupons_redeemed", "activations", "new_customers")
    AMOUNTS = ("credited", "spent", "expired")


@dataclass
class DayFigures:
    # (program, point of sale, cashier or None) -> [sales, amount, money taken, discount]
    sales: dict = field(default_factory=dict)
    programs: dict = field(default_factory=lambda: defaultdict(ProgramDay))
    # (program, rule key, rule id or None) -> [discount, credit, sales]
    rules: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "sales": [
                [*key, n, str(a), str(m), str(d)] for key, (n, a, m, d) in self.sales.items()
            ],
            "programs": {
                str(program): {
                    **{k: getattr(day, k) for k in ProgramDay.NUMBERS},
                    **{k: str(getattr(day, k)) for k in ProgramDay.AMOUNTS},
                }
                for program, day in self.programs.items()
            },
            "rules": [[*key, str(d), str(c), n] for key, (d, c, n) in self.rules.items()],
        }

    @classmethod
    def from_json(cls, data: dict) -> "DayFigures":
        figures = cls()
        for program, pos, staff, n, amount, money, discount in data.get("sales", []):
            figures.sales[(program, pos, staff)] = [
                n,
                Decimal(amount),
                Decimal(money),
                Decimal(discount),
            ]
        for program, values in data.get("programs", {}).items():
            day = figures.programs[int(program)]
            for key in ProgramDay.NUMBERS:
                setattr(day, key, values.get(key, 0))
            for key in ProgramDay.AMOUNTS:
                setattr(day, key, Decimal(values.get(key, "0.00")))
        for program, key, rule_id, discount, credit, n in data.get("rules", []):
            figures.rules[(program, key, rule_id)] = [Decimal(discount), Decimal(credit), n]
        return figures


def period_days(*, business, date_from: date, date_to: date) -> dict[date, DayFigures]:
    """The days of [date_from, date_to] that have figures: folded days from ReportDay, the
    others counted now. A fixed number of queries whatever the range and the data size."""
    tz = business_tz(business)
    state = (
        ReportState.objects.filter(business=business)
        .values_list("settled_until", "timezone")
        .first()
    )
    settled = state[0] if state and state[0] and state[1] == business.timezone else None
    after_to = date_to + timedelta(days=1)
    stored_end = min(after_to, settled) if settled else date_from
    days: dict[date, DayFigures] = {}
    # Both always asked (an empty window answers at once): a page's query count is constant.
    rows = ReportDay.objects.filter(business=business, day__gte=date_from, day__lt=stored_end)
    for day, data in rows.values_list("day", "figures"):
        days[day] = DayFigures.from_json(data)
    live_from = max(date_from, stored_end)
    days.update(
        live_days(
            business=business,
            start=day_start(min(live_from, after_to), tz),
            end=day_start(after_to, tz),
        )
    )
    return days


def live_days(*, business, start, end) -> dict[date, DayFigures]:
    """Every program's DayFigures of the business's days in [start, end), counted from the
    sales, ledger and coupon tables: six aggregate queries."""
    tz = business_tz(business)
    days: dict[date, DayFigures] = defaultdict(DayFigures)
    sales = scoped(Sale, business).filter(status=Sale.COMPLETED)
    in_range = sales.filter(time__gte=start, time__lt=end)
    for row in (
        in_range.annotate(day=TruncDate("time", tzinfo=tz))
        .values("day", "program_id", "point_of_sale_id", "staff_id")
        .annotate(
            n=Count("id"), amount=Sum("amount"), money=Sum("money_to_pay"), discount=Sum("discount")
        )
        .order_by()
    ):
        key = (row["program_id"], row["point_of_sale_id"], row["staff_id"])
        days[row["day"]].sales[key] = [
            row["n"],
            row["amount"] or ZERO,
            row["money"] or ZERO,
            row["discount"] or ZERO,
        ]

    # A cancelled sale counts nowhere: not its credits and debits, nor the expiry of points
    # it credited (the reversal took back only what had not expired), nor the reversals.
    expired_credit_of_cancelled_sale = LotUse.objects.filter(
        entry=OuterRef("pk"), lot__entry__sale__status=Sale.CANCELLED
    )
    # Cancelled sales by their small partial index, not a join to every sale's row.
    cancelled = Sale.objects.filter(business=business, status=Sale.CANCELLED).values("pk")
    for row in (
        scoped(LedgerEntry, business)
        .filter(kind__in=LEDGER_KEYS, created_at__gte=start, created_at__lt=end)
        .exclude(sale_id__in=cancelled)
        .exclude(Q(kind=KIND.EXPIRY) & Exists(expired_credit_of_cancelled_sale))
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day", "kind", "account__program_id")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        program = days[row["day"]].programs[row["account__program_id"]]
        # Debits and expiries are stored negative; the pages show sizes.
        setattr(program, LEDGER_KEYS[row["kind"]], abs(row["total"] or ZERO))

    for row in (
        scoped(CouponEvent, business)
        .filter(at__gte=start, at__lt=end, to_state__in=[COUPON.IN_WALLET, COUPON.REDEEMED])
        # the same reading as the series page: transfers and coupons put back by a
        # cancelled sale did not newly reach a wallet
        .exclude(from_state__in=[COUPON.IN_WALLET, COUPON.REDEEMED], to_state=COUPON.IN_WALLET)
        .exclude(_undone_by_cancel(business, cancelled))
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "to_state", "series__program_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        program = days[row["day"]].programs[row["series__program_id"]]
        if row["to_state"] == COUPON.REDEEMED:
            program.coupons_redeemed += row["n"]
        else:
            program.coupons_issued += row["n"]

    for row in (
        scoped(Activation, business)
        .filter(at__gte=start, at__lt=end)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "certificate__program_id")
        .annotate(n=Count("id"))
        .order_by()
    ):
        days[row["day"]].programs[row["certificate__program_id"]].activations += row["n"]

    for program_id, first in _first_sales(sales, start, end):
        days[first.astimezone(tz).date()].programs[program_id].new_customers += 1

    for row in (
        scoped(SaleRule, business)
        .filter(sale__status=Sale.COMPLETED, sale__time__gte=start, sale__time__lt=end)
        .annotate(day=TruncDate("sale__time", tzinfo=tz))
        .values("day", "sale__program_id", "rule_key", "rule_id")
        .annotate(discount=Sum("discount"), credit=Sum("credit"), n=Count("sale", distinct=True))
        .order_by()
    ):
        key = (row["sale__program_id"], row["rule_key"], row["rule_id"])
        days[row["day"]].rules[key] = [row["discount"] or ZERO, row["credit"] or ZERO, row["n"]]
    return dict(days)


def _undone_by_cancel(business, cancelled) -> Q:
    """coupons.selectors.UNDONE_BY_CANCEL through the cancelled sales' small index: the
    same events, without joining each event to its sale and its coupon's sale."""
    put_back = Coupon.objects.filter(
        business=business, state=COUPON.CANCELLED, issued_by_sale__in=cancelled
    ).values("pk")
    return Q(to_state=COUPON.REDEEMED, sale_id__in=cancelled) | Q(
        to_state=COUPON.IN_WALLET, coupon_id__in=put_back
    )


def _first_sales(sales, start, end):
    """(program, time of the first completed sale) of each customer whose first completed
    sale in the program is in [start, end): one row per buyer of the window, each asking
    the customer's history index (sale_history) whether they bought before it."""
    earlier = Sale.objects.filter(
        customer_id=OuterRef("customer_id"),
        program_id=OuterRef("program_id"),
        status=Sale.COMPLETED,
        time__lt=start,
    )
    return (
        sales.filter(customer__isnull=False, time__gte=start, time__lt=end)
        .values("customer_id", "program_id")
        .annotate(first=Min("time"), before=Exists(earlier))
        .filter(before=False)
        .values_list("program_id", "first")
        .order_by()
    )
