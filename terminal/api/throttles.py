"""Code look-ups are throttled per device and per client address (R8, R13, R14).

The counters are core.throttle's, in the shared cache, and the client address is
core.net's (X-Forwarded-For only from trusted proxies); rates are read at request time.
"""

from rest_framework.throttling import BaseThrottle

from core import throttle
from core.net import client_address


def device_actor(request) -> str:
    device = request.auth
    return f"device:{device.pk}" if getattr(device, "pk", None) else "device:none"


class CodesThrottle(BaseThrottle):
    """Counts the request in the device's and the address's code budgets; past either,
    core.throttle.Throttled is answered 429 by the exception handler."""

    def allow_request(self, request, view):
        throttle.count_code_lookups(actor=device_actor(request), address=client_address(request))
        return True


CODE_THROTTLES = [CodesThrottle]
