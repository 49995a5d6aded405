"""The notifications outbox: a row per message, sent by a background job with retries.

Channels are pluggable backends (settings.PERKLINE_NOTIFICATION_BACKENDS), see backends.py.
"""

from .outbox import MAX_ATTEMPTS, enqueue, notify_customer, send_one, send_pending

__all__ = ["MAX_ATTEMPTS", "enqueue", "notify_customer", "send_one", "send_pending"]
