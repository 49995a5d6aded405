"""Writing messages to the outbox and sending them.

A message is a row first; sending happens after the writing transaction commits (django-q2
task) and again from the periodic job for anything still pending, so a crash or a gateway
outage delays a message but never loses it. Delivery is at least once: a process killed
between the gateway's answer and the commit sends the message again.
"""

import logging
from contextlib import nullcontext
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import Customer, Notification
from .backends import get_backend

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
) -> Notification | None:
    """Queues one message; None when nothing new was queued: no recipient, or a message
    with the same `dedupe_key` exists already for the business."""
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    business_id = getattr(business, "pk", business)
    if (
        dedupe_key
        and Notification.objects.filter(business_id=business_id, dedupe_key=dedupe_key).exists()
    ):
        return None
    # A savepoint only where a concurrent duplicate can collide (dedupe_key): without one,
    # a notification queued inside a sale costs one INSERT, not three round trips.
    try:
        with transaction.atomic() if dedupe_key else nullcontext():
            notification = Notification.objects.create(
                business_id=business_id,
                customer=customer,
                channel=channel,
                recipient=recipient,
                kind=kind,
                subject=subject[:200],
                body=body,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        if dedupe_key:  # queued concurrently with the same key
            return None
        raise
    transaction.on_commit(partial(_schedule, notification.pk))
    return notification


def _schedule(notification_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("customers.tasks.send_notification_task", notification_id)
    except Exception:  # the periodic job sends it instead
        logger.exception("could not schedule notification %s", notification_id)


def notify_customer(
    *, customer, kind: str, body: str, subject: str = "", dedupe_key: str = ""
) -> Notification | None:
    """Queues a message to `customer` on their channel (SMS to the phone, e-mail to the
    address); None when they are not to be contacted or have no address for the channel."""
    recipient = {
        Customer.Channel.SMS: customer.phone,
        Customer.Channel.EMAIL: customer.email,
    }.get(customer.channel, "")
    if not recipient:
        return None
    return enqueue(
        business=customer.business_id,
        customer=customer,
        channel=customer.channel,
        recipient=recipient,
        kind=kind,
        body=body,
        subject=subject,
        dedupe_key=dedupe_key,
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


def _attempt(notification: Notification) -> bool:
    notification.attempts += 1
    try:
        get_backend(notification.channel).send(notification)
    except Exception as exc:
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= MAX_ATTEMPTS:
            notification.state = Notification.State.FAILED
        logger.warning(
            "notification %s attempt %s failed: %s",
            notification.pk,
            notification.attempts,
            notification.last_error,
        )
        notification.save(update_fields=["attempts", "last_error", "state"])
        return False
    notification.state = Notification.State.SENT
    notification.sent_at = timezone.now()
    notification.save(update_fields=["attempts", "state", "sent_at"])
    return True


def send_pending(*, limit: int = 100) -> int:
    """Tries the oldest pending messages once each; returns how many were sent."""
    ids = list(
        Notification.objects.filter(state=Notification.State.PENDING)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for notification_id in ids if send_one(notification_id))
