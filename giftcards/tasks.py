"""django-q2 tasks of the giftcards app (scheduled in migration 0002_expiry_schedule)."""

from .expiry import expire_cards


def expire_cards_task() -> int:
    """Writes off the balance of gift cards past their validity; idempotent."""
    return expire_cards()
