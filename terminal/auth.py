"""Device key authentication: `Authorization: Token <key>`, keys stored hashed."""

from django.utils import timezone
from rest_framework import authentication, exceptions, permissions

from loyalty.models import Device
from loyalty.services.devices import hash_key


class DeviceTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        device = (
            Device.objects.select_related(
                "point_of_sale__business", "point_of_sale__program", "business"
            )
            .filter(key_hash=hash_key(key), revoked_at__isnull=True)
            .first()
        )
        if device is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked device key.")
        return (None, device)

    def authenticate_header(self, request):
        return self.keyword


class IsDevice(permissions.BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, Device)


def touch(device):
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
