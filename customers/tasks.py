"""django-q2 tasks of the customers app (scheduled in migration 0003_task_schedules)."""

from .ledger import expire_lots
from .notify import send_one, send_pending


def expire_points_task() -> int:
    """Posts the expiry entries of lots that expired; idempotent."""
    return expire_lots()


def send_notifications_task() -> int:
    """Sends (or retries) pending notifications."""
    return send_pending()


def send_new_notifications_task() -> int:
    """Sends the messages not tried yet; queued when a transaction that wrote some commits."""
    return send_pending(new_only=True)


def send_notification_task(notification_id: int) -> bool:
    """Sends one notification. No longer queued (see send_new_notifications_task); kept for
    jobs an older release queued before an upgrade."""
    return send_one(notification_id)


def update_tiers_task() -> int:
    """The daily tiers job (promotions.md): moves down whom the measure no longer holds."""
    from .tiers import update_tiers

    return update_tiers()


def push_pass_updates_task() -> int:
    """Pushes the Wallet passes whose balances changed (customers/passes/push.py)."""
    from .passes.push import push_pass_updates

    return push_pass_updates()


def tell_points_expiring_task() -> int:
    """The daily "points expiring" messages (customers/points_expiring.py)."""
    from .points_expiring import tell_points_expiring

    return tell_points_expiring()
