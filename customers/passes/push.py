"""Telling the Wallets that keep a pass that it changed (Apple's push: an empty payload to
the device's push token; the device then asks the web service what changed).

The backend is chosen by `settings.PERKLINE_PASS_PUSH_BACKEND`, like the SMS one: the
console backend logs (the default, the demo, the tests); a backend for Apple's APNs is
configured in production (`customers.passes.apns.APNsPushBackend`).
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from ..models import WalletPass
from . import update_tag
from .apns import Unregistered

logger = logging.getLogger(__name__)


class ConsolePushBackend:
    """Logs the pushes; `sent` keeps (push token, pass type) pairs for the tests."""

    sent: list = []

    def push(self, *, push_token: str, pass_type_id: str) -> None:
        logger.info("pass push to %s (%s)", push_token, pass_type_id)
        ConsolePushBackend.sent.append((push_token, pass_type_id))


def backend():
    return import_string(settings.PERKLINE_PASS_PUSH_BACKEND)()


def push_pass_updates() -> int:
    """Push every registered pass whose tag moved since its last push; the number pushed.

    Run by the scheduler every minute (migration customers/0009): balance changes reach
    the phones without the confirm path knowing about passes."""
    pushed = 0
    sender = backend()
    passes = WalletPass.objects.filter(registrations__isnull=False).distinct().order_by("pk")
    for wallet_pass in passes.iterator():
        tag = update_tag(wallet_pass)
        if tag <= wallet_pass.pushed_tag:
            continue
        with transaction.atomic():
            # Only one job run pushes a given tag (two schedulers at once push once).
            won = WalletPass.objects.filter(pk=wallet_pass.pk, pushed_tag__lt=tag).update(
                pushed_tag=tag
            )
            if not won:
                continue
        for registration in wallet_pass.registrations.all():
            try:
                sender.push(
                    push_token=registration.push_token,
                    pass_type_id=settings.PERKLINE_PKPASS_TYPE_ID,
                )
            except Unregistered:
                # APNs says the device dropped the pass (410): no more pushes to it
                registration.delete()
            except Exception:  # one unreachable device must not stop the others
                logger.exception("pass push to %s failed", registration.push_token)
        pushed += 1
    return pushed
