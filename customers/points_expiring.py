"""The "points expiring" message (docs/messages.md, "Senders"): a daily job tells each
customer who accepted messages of their points that expire within
PERKLINE_POINTS_EXPIRING_DAYS, once per lot.

A lot is claimed by inserting its PointsExpiryNotice (unique per lot, ON CONFLICT DO
NOTHING) in the same transaction as the message: of two runs at once, one claims it and
the other skips it, and a run that fails writes neither. The lots an account has expiring
on one day (in the business's time zone) make one message: a daily customer's points,
credited sale by sale, would otherwise come as a message per sale.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .ledger import active_lots_q
from .models import Account, AccountType, Customer, Lot, PointsExpiryNotice
from .notify import notify_customer, texts

ZERO = Decimal("0.00")


def due_lots(*, now, days: int):
    """Spendable lots with points left expiring within `days`, of points accounts (bonus,
    special, or a points account type) of customers who accepted messages, not told yet."""
    other_kind = AccountType.objects.filter(
        program_id=OuterRef("account__program_id"), key=OuterRef("account__key")
    ).exclude(kind=AccountType.Kind.POINTS)
    told = PointsExpiryNotice.objects.filter(lot_id=OuterRef("pk"))
    return (
        Lot.objects.filter(
            active_lots_q(now),
            remaining__gt=0,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=days),
            account__customer__consent=True,
        )
        .exclude(account__customer__channel=Customer.Channel.NONE)
        .filter(~Exists(other_kind), ~Exists(told))
    )


def tell_points_expiring(*, now=None, days: int | None = None) -> int:
    """Queues the messages; returns how many. One transaction per account."""
    now = now or timezone.now()
    days = days if days is not None else settings.PERKLINE_POINTS_EXPIRING_DAYS
    account_ids = sorted(set(due_lots(now=now, days=days).values_list("account_id", flat=True)))
    told = 0
    for account_id in account_ids:
        with transaction.atomic():
            told += _tell_account(account_id, now=now, days=days)
    return told


def _claim(business_id: int, lot_ids: list[int], now) -> set[int]:
    """The lots of `lot_ids` this transaction is the first to claim."""
    table = connection.ops.quote_name(PointsExpiryNotice._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (business_id, lot_id, created_at) "
            "SELECT %s, unnest(%s::bigint[]), %s ON CONFLICT (lot_id) DO NOTHING RETURNING lot_id",
            [business_id, lot_ids, now],
        )
        return {row[0] for row in cursor.fetchall()}


def _tell_account(account_id: int, *, now, days: int) -> int:
    account = Account.objects.select_related("customer", "customer__business").get(pk=account_id)
    lots = list(
        due_lots(now=now, days=days)
        .filter(account_id=account_id)
        .order_by("expires_at", "id")
        .values("id", "expires_at", "remaining")
    )
    claimed = _claim(account.business_id, [lot["id"] for lot in lots], now) if lots else set()
    if not claimed:
        return 0
    customer = account.customer
    business = customer.business
    zone = ZoneInfo(business.timezone or "UTC")
    by_day: dict = defaultdict(list)
    for lot in lots:
        if lot["id"] in claimed:
            by_day[lot["expires_at"].astimezone(zone).date()].append(lot)
    language = texts.language_of(customer, business)
    link = texts.public_url("public:wallet", business.slug)
    queued = 0
    for day, day_lots in sorted(by_day.items()):
        points = sum((lot["remaining"] for lot in day_lots), ZERO)
        values = {
            "customer": customer.name or "",
            "points": texts.points(points),
            "balance": texts.points(account.balance),
            "valid_to": texts.local_date(day, business, language),
            "link": link,
        }
        body = texts.compose(
            business=business, kind="points_expiring", language=language, values=values
        )
        subject = texts.subject(
            business=business, kind="points_expiring", language=language, values={}
        )
        sent = notify_customer(
            customer=customer,
            kind="points_expiring",
            body=body,
            subject=subject,
            dedupe_key=f"points-expiring:{day_lots[0]['id']}",
        )
        queued += sent is not None
    return queued
