"""Apple Push Notification service backend for pass updates (journey.md "Carry": pushing to
Apple's servers is a backend like the SMS one).

`PERKLINE_PASS_PUSH_BACKEND=customers.passes.apns.APNsPushBackend`. One empty-payload POST
over HTTP/2 to `<PERKLINE_APNS_URL>/3/device/<push token>` with `apns-topic` the pass type id;
the phone then asks the pass web service what changed. Authentication:

- token-based (when `PERKLINE_APNS_KEY_ID` is set): a JWT signed ES256 with the team's APNs
  auth key (`PERKLINE_APNS_KEY`, the .p8 file), `iss` the team id, `kid` the key id, made
  again every 50 minutes (Apple refuses tokens older than an hour and ones renewed more
  often than every 20 minutes);
- else the pass-type certificate and key of the passes themselves (TLS client certificate),
  which Apple documents for Wallet pushes.

A 410 (Unregistered) or 400 BadDeviceToken answer raises `Unregistered`: the push job then
drops that registration. Other failures raise `PushFailed` (logged by the job, retried at the
next change).
"""

import base64
import json
import threading
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.conf import settings

TOKEN_SECONDS = 50 * 60
DEAD_TOKEN_REASONS = {"BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"}


class PushFailed(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(f"APNs answered {status} {reason}")
        self.status, self.reason = status, reason


class Unregistered(PushFailed):
    """The device no longer takes pushes for this pass: forget its registration."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def provider_token(*, key: ec.EllipticCurvePrivateKey, key_id: str, team_id: str, at: int) -> str:
    """An APNs provider token: a JWT, ES256 (the signature as raw r||s, 64 bytes)."""
    header = _b64url(json.dumps({"alg": "ES256", "kid": key_id}, separators=(",", ":")).encode())
    claims = _b64url(json.dumps({"iss": team_id, "iat": at}, separators=(",", ":")).encode())
    signing_input = f"{header}.{claims}".encode()
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return f"{header}.{claims}.{_b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class APNsPushBackend:
    # One HTTP/2 connection and one token per process, shared by the job's pushes.
    _lock = threading.Lock()
    _token: tuple[str, float] | None = None

    def __init__(self, *, transport: httpx.BaseTransport | None = None, clock=time.time):
        self.url = settings.PERKLINE_APNS_URL.rstrip("/")
        self.key_id = settings.PERKLINE_APNS_KEY_ID
        self.team_id = settings.PERKLINE_PKPASS_TEAM_ID
        self.clock = clock
        options: dict = {"http2": True, "timeout": settings.PERKLINE_APNS_TIMEOUT}
        if transport is not None:  # the tests' MockTransport
            options["transport"] = transport
        if self.key_id:
            if not (settings.PERKLINE_APNS_KEY and self.team_id):
                raise ValueError("PERKLINE_APNS_KEY and PERKLINE_PKPASS_TEAM_ID are needed")
            key = serialization.load_pem_private_key(
                Path(settings.PERKLINE_APNS_KEY).read_bytes(), password=None
            )
            if not isinstance(key, ec.EllipticCurvePrivateKey):
                raise ValueError("PERKLINE_APNS_KEY must be an EC (P-256) key, Apple's .p8")
            self.key: ec.EllipticCurvePrivateKey | None = key
        else:
            self.key = None
            if transport is None:
                options["cert"] = (
                    settings.PERKLINE_PKPASS_CERT,
                    settings.PERKLINE_PKPASS_KEY,
                    settings.PERKLINE_PKPASS_KEY_PASSWORD or None,
                )
        self.client = httpx.Client(**options)

    def _bearer(self) -> str:
        now = self.clock()
        with self._lock:
            cached = APNsPushBackend._token
            if cached is None or now - cached[1] >= TOKEN_SECONDS:
                assert self.key is not None
                token = provider_token(
                    key=self.key, key_id=self.key_id, team_id=self.team_id, at=int(now)
                )
                APNsPushBackend._token = cached = (token, now)
        return cached[0]

    def push(self, *, push_token: str, pass_type_id: str) -> None:
        headers = {"apns-topic": pass_type_id}
        if self.key is not None:
            headers["authorization"] = f"bearer {self._bearer()}"
        response = self.client.post(
            f"{self.url}/3/device/{push_token}", headers=headers, content=b"{}"
        )
        if response.status_code == 200:
            return
        try:
            reason = str(response.json().get("reason", ""))
        except ValueError:
            reason = ""
        if response.status_code == 410 or reason in DEAD_TOKEN_REASONS:
            raise Unregistered(response.status_code, reason)
        if response.status_code == 403 and reason == "ExpiredProviderToken":
            APNsPushBackend._token = None  # made anew at the next push
        raise PushFailed(response.status_code, reason)
