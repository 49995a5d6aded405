"""Writing messages to the outbox and sending them.

A message is a row first. A transaction that wrote messages wakes the sending job when it
commits (django-q2), which sends every message not tried yet; the periodic job (each minute)
sends anything still pending and retries failures, so a crash or a gateway outage delays a
message but never loses it. Delivery is at least once: a process killed between the
gateway's answer and the commit sends the message again.

One wake per message used to cost a queued job per sale that issued a coupon to a known
customer (its own INSERT and commit, ~0.7 ms of a confirm's ~5 ms); a process now wakes the
job at most once per PERKLINE_NOTIFICATION_WAKE_SECONDS. The price: a message committed
while an earlier wake's job is already past its query waits for the next wake or the
periodic job, a minute at most.
"""

import functools
import logging
import time
from contextlib import nullcontext

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core import json_rows
from core.statement import Clauses, Statement

from ..models import Notification
from . import routing
from .backends import get_backend
from .kinds import KINDS

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def enqueue(
    *,
    business,
    customer=None,
    channel: str,
    recipient: str,
    kind: str,
    body: str,
    subject: str = "",
    dedupe_key: str = "",
    statement: Statement | None = None,
    dedupe_checked: bool = False,
) -> Notification | None:
    """Queues one message; None when nothing new was queued: no recipient, or a message
    with the same `dedupe_key` exists already for the business.

    `dedupe_checked`: the caller knows no message with `dedupe_key` can exist (its subject
    was created by this transaction): one INSERT, no look-up and no savepoint (the unique
    index still stands guard).

    With a `statement` (and no `dedupe_key`), the row is written when the caller executes
    it (core.statement); it has no id then.
    """
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    business_id = getattr(business, "pk", business)
    if (
        dedupe_key
        and not dedupe_checked
        and Notification.objects.filter(business_id=business_id, dedupe_key=dedupe_key).exists()
    ):
        return None
    notification = Notification(
        business_id=business_id,
        customer=customer,
        channel=channel,
        recipient=recipient,
        kind=kind,
        subject=subject[:200],
        body=body,
        dedupe_key=dedupe_key,
    )
    if statement is not None and not dedupe_key:
        notification.created_at = timezone.now()
        statement.add(_insert_clauses, [_json_row(notification)])
    else:
        # A savepoint only where a concurrent duplicate can collide (dedupe_key): without
        # one, a notification queued inside a sale costs one INSERT, not three round trips.
        try:
            with transaction.atomic() if dedupe_key and not dedupe_checked else nullcontext():
                _insert(notification)
        except IntegrityError:
            if dedupe_key:  # queued concurrently with the same key
                return None
            raise
    transaction.on_commit(wake_sender)
    return notification


@functools.cache
def _insert_sql(*, returning: bool) -> str:
    fields = json_rows.model_columns(Notification)
    return json_rows.insert_sql(
        Notification._meta.db_table,
        [f.column for f in fields],
        suffix=" RETURNING id" if returning else "",
    )


@functools.cache
def _insert_clauses(tag: str) -> Clauses:
    return Clauses((f"{tag}n AS ({_insert_sql(returning=False)})",))


def _json_row(notification: Notification) -> str:
    return json_rows.dumps(
        [json_rows.model_row(notification, json_rows.model_columns(Notification))]
    )


def _insert(notification: Notification) -> None:
    # Written as one JSON row (core/json_rows.py), without compiling an ORM INSERT.
    notification.created_at = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(returning=True), [_json_row(notification)])
        notification.pk = cursor.fetchone()[0]
    notification._state.adding = False


_last_wake = float("-inf")


def wake_sender() -> None:
    """Queues the job that sends new messages, unless this process did so very recently."""
    global _last_wake
    from django_q.tasks import async_task

    now = time.monotonic()
    if now - _last_wake < settings.PERKLINE_NOTIFICATION_WAKE_SECONDS:
        return
    _last_wake = now
    try:
        async_task("customers.tasks.send_new_notifications_task")
    except Exception:  # the periodic job sends them instead
        logger.exception("could not wake the notification sender")


def notify_customer(
    *,
    customer,
    kind: str,
    body: str,
    subject: str = "",
    dedupe_key: str = "",
    statement: Statement | None = None,
    dedupe_checked: bool = False,
) -> Notification | None:
    """Queues a message to `customer` on their preferred channel, or the first other they
    have an address for (routing.py; the sender tries the rest if it fails); None when
    they are not to be contacted or have no address at all.
    `statement`: see `enqueue`."""
    # The business's own order is read when sending; here the default keeps a sale's
    # message at one INSERT.
    found = routing.routes(customer)
    if not found:
        return None
    channel, recipient = found[0]
    return enqueue(
        business=customer.business_id,
        customer=customer,
        channel=channel,
        recipient=recipient,
        kind=kind,
        body=body,
        subject=subject,
        dedupe_key=dedupe_key,
        statement=statement,
        dedupe_checked=dedupe_checked,
    )


def send_one(notification_id: int) -> bool:
    """One attempt at a pending message; True when it was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, state=Notification.State.PENDING)
            .first()
        )
        if notification is None:  # sent already, failed for good, or being sent elsewhere
            return False
        return _attempt(notification)


def _routes(notification: Notification) -> list[tuple[str, str]]:
    queued = [(notification.channel, notification.recipient)]
    kind = KINDS.get(notification.kind)
    if notification.customer_id is None or (kind is not None and not kind.fallback):
        return queued
    customer = notification.customer
    found = routing.routes(customer, routing.business_order(notification.business_id))
    return found or queued


def _attempt(notification: Notification) -> bool:
    """One attempt: each of the message's channels in turn until one takes it; every try
    is appended to `attempt_log`."""
    notification.attempts += 1
    queued = (notification.channel, notification.recipient)
    errors = []
    for channel, recipient in _routes(notification):
        notification.channel, notification.recipient = channel, recipient
        try:
            external_id = get_backend(channel).send(notification)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            errors.append(f"{channel}: {error}")
            _log(notification, channel, recipient, error)
            logger.warning(
                "notification %s attempt %s on %s failed: %s",
                notification.pk,
                notification.attempts,
                channel,
                error,
            )
            continue
        _log(notification, channel, recipient, "")
        notification.state = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.external_id = str(external_id or "")[:64]
        notification.save(
            update_fields=[
                "attempts",
                "state",
                "sent_at",
                "channel",
                "recipient",
                "attempt_log",
                "external_id",
            ]
        )
        return True
    notification.channel, notification.recipient = queued
    notification.last_error = "; ".join(errors)[:2000] or "no channel to send on"
    if notification.attempts >= MAX_ATTEMPTS:
        notification.state = Notification.State.FAILED
    notification.save(update_fields=["attempts", "last_error", "state", "attempt_log"])
    return False


def _log(notification: Notification, channel: str, recipient: str, error: str) -> None:
    notification.attempt_log = [
        *(notification.attempt_log or []),
        {
            "at": timezone.now().isoformat(),
            "attempt": notification.attempts,
            "channel": channel,
            "recipient": recipient,
            "error": error,
        },
    ]


def send_pending(*, limit: int = 100, new_only: bool = False) -> int:
    """Tries the oldest pending messages once each; returns how many were sent.

    `new_only`: only messages not tried yet. Retries are the periodic job's, once a minute:
    a wake at every sale would burn a failing gateway's attempts within seconds."""
    pending = Notification.objects.filter(state=Notification.State.PENDING)
    if new_only:
        pending = pending.filter(attempts=0)
    ids = list(pending.order_by("created_at", "id").values_list("pk", flat=True)[:limit])
    return sum(1 for notification_id in ids if send_one(notification_id))
