"""Reports: what each exportable table holds, as column titles and rows of plain values.

Every report reads rows of request.business only (tenancy.scoped), in a few queries
whatever the number of rows: `.iterator()` with select_related, and prefetching per chunk
where a row needs its children (the applied rules of a sale). Times are given in the
business's time zone, without an offset (spreadsheets cannot show one).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from certificates.models import Activation
from core.tenancy import scoped
from coupons.models import Coupon, CouponEvent
from coupons.selectors import UNDONE_BY_CANCEL
from coupons.validity import business_tz, day_start
from customers.models import Customer, LedgerEntry
from loyalty.models import Sale, SaleRule
from loyalty.selectors.names import business_account_names

CHUNK = 2000


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    columns: tuple
    rows: Callable  # (business, start, end, tz) -> iterator of tuples
    uses_range: bool = True


def _local(moment, tz):
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0) if moment else None


def _sales(business, start, end, tz) -> Iterator[tuple]:
    rules = Prefetch(
        "applied_rules", queryset=SaleRule.objects.select_related("rule").order_by("order")
    )
    sales = (
        scoped(Sale, business)
        .filter(time__gte=start, time__lt=end)
        .select_related("program", "point_of_sale", "customer")
        .prefetch_related(rules)
        .order_by("time", "id")
    )
    for sale in sales.iterator(chunk_size=CHUNK):
        customer = sale.customer
        applied = "; ".join(
            f"{r.rule.name if r.rule else r.rule_key} (-{r.discount} / +{r.credit})"
            for r in sale.applied_rules.all()
        )
        yield (
            sale.pk,
            _local(sale.time, tz),
            sale.get_status_display(),
            sale.program.name,
            sale.point_of_sale.name,
            customer.card_code if customer else "",
            customer.phone if customer else "",
            customer.name if customer else "",
            sale.external_id,
            sale.amount,
            sale.discount,
            sale.amount_to_pay,
            sale.points_paid,
            sale.money_to_pay,
            applied,
        )


def _ledger(business, start, end, tz) -> Iterator[tuple]:
    entries = (
        scoped(LedgerEntry, business)
        .filter(created_at__gte=start, created_at__lt=end)
        .select_related("account__customer", "account__program", "staff")
        .order_by("created_at", "id")
    )
    account_names = business_account_names(business)
    for e in entries.iterator(chunk_size=CHUNK):
        customer = e.account.customer
        yield (
            e.pk,
            _local(e.created_at, tz),
            e.account.program.name,
            customer.card_code,
            customer.phone,
            customer.name,
            account_names.account(e.account.key),
            e.get_kind_display(),
            e.amount,
            e.sale_id or "",
            e.reason,
            getattr(e.staff, "email", "") if e.staff_id else "",
            _local(e.expires_at, tz),
        )


def _redemptions(business, start, end, tz) -> Iterator[tuple]:
    events = (
        scoped(CouponEvent, business)
        .filter(to_state=Coupon.State.REDEEMED, at__gte=start, at__lt=end)
        .exclude(UNDONE_BY_CANCEL)  # a cancelled sale gave its coupons back
        .select_related("coupon__series__program", "customer", "point_of_sale")
        .order_by("at", "id")
    )
    for ev in events.iterator(chunk_size=CHUNK):
        series, customer = ev.coupon.series, ev.customer
        yield (
            _local(ev.at, tz),
            series.program.name,
            series.key,
            series.name,
            ev.coupon.code,
            customer.card_code if customer else "",
            customer.phone if customer else "",
            customer.name if customer else "",
            ev.point_of_sale.name if ev.point_of_sale else "",
            ev.sale_id or "",
        )


def _activations(business, start, end, tz) -> Iterator[tuple]:
    rows = (
        scoped(Activation, business)
        .filter(at__gte=start, at__lt=end)
        .select_related("certificate__program", "customer", "point_of_sale")
        .order_by("at", "id")
    )
    for a in rows.iterator(chunk_size=CHUNK):
        yield (
            _local(a.at, tz),
            a.certificate.program.name,
            a.certificate.key,
            a.certificate.name,
            a.code,
            a.customer.card_code,
            a.customer.phone,
            a.customer.name,
            a.channel,
            a.point_of_sale.name if a.point_of_sale else "",
            a.coupons_given,
        )


def _customers(business, start, end, tz) -> Iterator[tuple]:
    customers = scoped(Customer, business).order_by("created_at", "id")
    for c in customers.iterator(chunk_size=CHUNK):
        yield (
            c.card_code,
            c.phone,
            c.name,
            c.email,
            c.language,
            c.birthday,
            c.consent,
            c.get_channel_display(),
            _local(c.created_at, tz),
        )


REPORTS = {
    r.key: r
    for r in (
        Report(
            "sales",
            _("Sales"),
            _("Every check in the range with the rules applied to it."),
            (
                _("Sale id"), _("Time"), _("Status"), _("Program"), _("Point of sale"),
                _("Card"), _("Phone"), _("Customer"), _("External id"), _("Amount"),
                _("Discount"), _("Amount to pay"), _("Paid with points"), _("Paid in money"),
                _("Applied rules (discount / points)"),
            ),
            _sales,
        ),
        Report(
            "ledger",
            _("Account movements"),
            _("Points and balances credited, spent, expired, reversed and adjusted."),
            (
                _("Entry id"), _("Time"), _("Program"), _("Card"), _("Phone"), _("Customer"),
                _("Account"), _("Kind"), _("Amount"), _("Sale id"), _("Reason"), _("Staff"),
                _("Expires"),
            ),
            _ledger,
        ),
        Report(
            "redemptions",
            _("Coupon redemptions"),
            _("Coupons redeemed in the range."),
            (
                _("Time"), _("Program"), _("Series key"), _("Series"), _("Code"), _("Card"),
                _("Phone"), _("Customer"), _("Point of sale"), _("Sale id"),
            ),
            _redemptions,
        ),
        Report(
            "activations",
            _("Certificate activations"),
            _("Gift certificates activated in the range."),
            (
                _("Time"), _("Program"), _("Certificate key"), _("Certificate"), _("Code"),
                _("Card"), _("Phone"), _("Customer"), _("Channel"), _("Point of sale"),
                _("Coupons given"),
            ),
            _activations,
        ),
        Report(
            "customers",
            _("Customers"),
            _("Every customer of the business (the date range does not apply)."),
            (
                _("Card"), _("Phone"), _("Name"), _("E-mail"), _("Language"), _("Birthday"),
                _("Consents to messages"), _("Channel"), _("Registered"),
            ),
            _customers,
            uses_range=False,
        ),
    )
}  # fmt: skip


def report_rows(report: Report, *, business, date_from: date, date_to: date) -> Iterator[tuple]:
    """The rows of `report` for `business` in `[date_from, date_to]` (business days)."""
    tz = business_tz(business)
    start, end = day_start(date_from, tz), day_start(date_to + timedelta(days=1), tz)
    return report.rows(business, start, end, tz)
