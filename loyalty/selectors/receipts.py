"""What a receipt adds to the stored answer: the customer's balances after the sale."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q, Sum

from customers.models import LedgerEntry

from .names import program_names


def balances_after(sale) -> list[tuple[str, Decimal, bool]]:
    """(account name, balance, counted in whole units) of the sale's customer in its program
    right after the sale: the ledger up to the sale's own last entry (entries are append-only,
    ids grow), in two queries. Reprinting the receipt later shows the same figures."""
    if sale.customer_id is None:
        return []
    entries = LedgerEntry.objects.filter(
        business_id=sale.business_id,
        account__customer_id=sale.customer_id,
        account__program_id=sale.program_id,
    )
    last = entries.filter(sale_id=sale.pk).aggregate(last=Max("pk"))["last"]
    upto = Q(pk__lte=last) if last is not None else Q(created_at__lte=sale.time)
    rows = (
        entries.filter(upto)
        .values("account__key")
        .annotate(total=Sum("amount"))
        .order_by("account__key")
    )
    names = program_names(sale.program) if rows else None
    return [
        (
            names.account(row["account__key"]),
            row["total"].quantize(Decimal("0.01"), ROUND_HALF_UP),
            names.in_units(row["account__key"]),  # prepaid goods: "2 units", not "2.00"
        )
        for row in rows
    ]
