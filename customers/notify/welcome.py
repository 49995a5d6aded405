"""The "welcome" message (docs/messages.md, "Senders"): once per customer, when they first
join or are first identified (registered by a phone at a till, the kiosk, the terminal API
or the cashier's page). The dedupe key makes it once whatever calls it again."""

from ..models import Account
from .outbox import notify_customer
from .texts import compose, language_of, points, public_url, subject


def queue_welcome(customer, program, *, business=None, registered_now=False):
    """Queues the welcome to `customer` (None when it was queued before or they cannot be
    reached). `{balance}` is their bonus points in `program` now: a join's welcome points
    are in it when the join calls this after crediting them.

    `registered_now`: the customer row was inserted by this transaction, so they hold no
    points and no welcome can exist for them: the welcome is one INSERT (half of the P2
    mix's confirms register a phone; the look-ups and the savepoint cost them 5 round trips).
    """
    business = business or program.business
    if registered_now:
        balance = None
    else:
        balance = (
            Account.objects.filter(
                customer_id=customer.pk, program_id=program.pk, key=Account.BONUS
            )
            .values_list("balance", flat=True)
            .first()
        )
    language = language_of(customer, business)
    values = {
        "customer": customer.name or "",
        "balance": points(balance or 0),
        "link": public_url("public:wallet", business.slug),
    }
    return notify_customer(
        customer=customer,
        kind="welcome",
        body=compose(business=business, kind="welcome", language=language, values=values),
        subject=subject(business=business, kind="welcome", language=language, values={}),
        dedupe_key=f"welcome:{customer.pk}",
        dedupe_checked=registered_now,
    )
