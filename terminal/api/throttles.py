"""Code look-ups are throttled per device and per client address (R8).

The rate is read from settings at request time (PERKLINE_THROTTLE_CODES), so a deployment
or a test can change it without a restart of the class definitions.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _CodesThrottle(SimpleRateThrottle):
    def get_rate(self):
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][self.scope]


class CodesPerDeviceThrottle(_CodesThrottle):
    scope = "codes_device"

    def get_cache_key(self, request, view):
        device = request.auth
        ident = getattr(device, "pk", None) or self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class CodesPerAddressThrottle(_CodesThrottle):
    scope = "codes_address"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


CODE_THROTTLES = [CodesPerDeviceThrottle, CodesPerAddressThrottle]
