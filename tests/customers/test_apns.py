"""The APNs backend of pass updates (customers/passes/apns.py): the request Apple expects
(POST /3/device/<token>, apns-topic, a bearer JWT signed ES256 with the team's key), the
token made again only after 50 minutes, and a 410 Unregistered answer dropping the device's
registration through the push job. Apple is an httpx.MockTransport."""

import base64
import json

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from customers.models import PassRegistration, WalletPass
from customers.passes import apns
from customers.passes.push import push_pass_updates
from tests.pass_ca import TEAM_ID, TYPE_ID, make_pass_ca
from tests.terminal.cashier.shop import give_points, make_shop

pytestmark = pytest.mark.django_db

KEY_ID = "ABC123DEFG"
SEEN: list[httpx.Request] = []
ANSWERS: dict[str, httpx.Response] = {}  # push token -> Apple's answer (default 200)


def apple(request: httpx.Request) -> httpx.Response:
    SEEN.append(request)
    token = request.url.path.rsplit("/", 1)[1]
    return ANSWERS.get(token, httpx.Response(200))


class MockAPNs(apns.APNsPushBackend):
    """The backend as the push job builds it, talking to the mock Apple."""

    def __init__(self):
        super().__init__(transport=httpx.MockTransport(apple))


@pytest.fixture
def key(settings, tmp_path):
    for name, value in make_pass_ca(tmp_path / "ca").items():
        setattr(settings, name, value)
    private = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "AuthKey.p8"
    path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.PERKLINE_APNS_KEY = str(path)
    settings.PERKLINE_APNS_KEY_ID = KEY_ID
    settings.PERKLINE_APNS_URL = "https://api.push.apple.com"
    settings.PERKLINE_PASS_PUSH_BACKEND = "tests.customers.test_apns.MockAPNs"
    SEEN.clear()
    ANSWERS.clear()
    apns.APNsPushBackend._token = None
    yield private.public_key()
    apns.APNsPushBackend._token = None


def unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def verified_claims(jwt: str, public_key) -> tuple[dict, dict]:
    header, claims, signature = jwt.split(".")
    raw = unb64(signature)
    assert len(raw) == 64  # ES256 in JWS: r||s, not DER
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public_key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64(header)), json.loads(unb64(claims))


def test_a_push_is_the_request_apple_expects(key):
    backend = MockAPNs()
    backend.push(push_token="a1b2c3", pass_type_id=TYPE_ID)
    (request,) = SEEN
    assert request.method == "POST"
    assert str(request.url) == "https://api.push.apple.com/3/device/a1b2c3"
    assert request.headers["apns-topic"] == TYPE_ID
    scheme, jwt = request.headers["authorization"].split(" ")
    assert scheme == "bearer"
    header, claims = verified_claims(jwt, key)
    assert header == {"alg": "ES256", "kid": KEY_ID}
    assert claims["iss"] == TEAM_ID and isinstance(claims["iat"], int)
    assert request.content == b"{}"


def test_the_token_is_kept_for_50_minutes(key):
    now = [1_800_000_000.0]
    backend = apns.APNsPushBackend(transport=httpx.MockTransport(apple), clock=lambda: now[0])
    backend.push(push_token="t", pass_type_id=TYPE_ID)
    now[0] += 49 * 60
    backend.push(push_token="t", pass_type_id=TYPE_ID)
    now[0] += 2 * 60
    backend.push(push_token="t", pass_type_id=TYPE_ID)
    tokens = [r.headers["authorization"] for r in SEEN]
    assert tokens[0] == tokens[1] != tokens[2]
    assert verified_claims(tokens[2].split(" ")[1], key)[1]["iat"] == 1_800_000_000 + 51 * 60


def test_other_failures_raise_and_keep_the_token_for_later(key):
    ANSWERS["t"] = httpx.Response(500, json={"reason": "InternalServerError"})
    with pytest.raises(apns.PushFailed) as failed:
        MockAPNs().push(push_token="t", pass_type_id=TYPE_ID)
    assert failed.value.status == 500 and not isinstance(failed.value, apns.Unregistered)


def test_unregistered_drops_the_registration_and_the_others_still_get_theirs(key):
    shop = make_shop()
    give_points(shop.customer, shop.program, "5.00")
    wallet_pass = WalletPass.objects.create(business=shop.business, customer=shop.customer)
    for device, token in (("gone", "dead"), ("kept", "alive"), ("busy", "flaky")):
        PassRegistration.objects.create(
            business=shop.business,
            wallet_pass=wallet_pass,
            device_library_id=device,
            push_token=token,
        )
    ANSWERS["dead"] = httpx.Response(410, json={"reason": "Unregistered", "timestamp": 1})
    ANSWERS["flaky"] = httpx.Response(503, json={"reason": "ServiceUnavailable"})
    assert push_pass_updates() == 1
    assert sorted(r.url.path for r in SEEN) == [
        "/3/device/alive",
        "/3/device/dead",
        "/3/device/flaky",
    ]
    left = set(PassRegistration.objects.values_list("push_token", flat=True))
    assert left == {"alive", "flaky"}  # a 503 is no reason to forget the device


def test_without_a_key_id_the_pass_certificate_authenticates(key, settings):
    settings.PERKLINE_APNS_KEY_ID = ""
    MockAPNs().push(push_token="t", pass_type_id=TYPE_ID)
    (request,) = SEEN
    assert "authorization" not in request.headers
    assert request.headers["apns-topic"] == TYPE_ID
