"""Telegram and Viber backends against a local fake API (http.server in a thread, no outside
network), the order of channels, every attempt on the outbox row, failure and retry."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from customers.models import Customer, MessagingSettings, Notification
from customers.notify import MAX_ATTEMPTS, notify_customer, send_pending
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
BACKENDS = {
    "sms": "customers.notify.backends.ConsoleBackend",
    "email": "customers.notify.backends.ConsoleBackend",
    "telegram": "customers.notify.backends.TelegramBackend",
    "viber": "customers.notify.backends.ViberBackend",
}


class FakeApi(BaseHTTPRequestHandler):
    """Answers as Telegram's and Viber's APIs do; `fail` makes it refuse or crash."""

    received: list = []
    fail = ""  # "", "http500", "refuse"

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeApi.received.append((self.path, dict(self.headers), body))
        if FakeApi.fail == "http500":
            self.send_response(500)
            self.end_headers()
            return
        if self.path.endswith("/sendMessage"):
            answer = (
                {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked"}
                if FakeApi.fail == "refuse"
                else {"ok": True, "result": {"message_id": 77}}
            )
        else:
            answer = (
                {"status": 6, "status_message": "notSubscribed"}
                if FakeApi.fail == "refuse"
                else {"status": 0, "status_message": "ok", "message_token": 5741311803571721087}
            )
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def api(settings, console_outbox):
    server = HTTPServer(("127.0.0.1", 0), FakeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FakeApi.received, FakeApi.fail = [], ""
    url = f"http://127.0.0.1:{server.server_port}"
    settings.PERKLINE_NOTIFICATION_BACKENDS = BACKENDS
    settings.PERKLINE_TELEGRAM_BOT_TOKEN = "123:abc"
    settings.PERKLINE_TELEGRAM_API_URL = url
    settings.PERKLINE_VIBER_AUTH_TOKEN = "viber-token"
    settings.PERKLINE_VIBER_API_URL = url + "/pa"
    yield FakeApi
    server.shutdown()
    server.server_close()


def test_telegram_sends_the_message_to_the_bound_chat(api, business):
    customer = CustomerFactory(business=business, channel="telegram", telegram_chat_id="4242")
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Привіт {code}")
    assert (queued.channel, queued.recipient) == ("telegram", "4242")
    assert send_pending() == 1
    [(path, _headers, body)] = api.received
    assert path == "/bot123:abc/sendMessage"
    assert body == {"chat_id": "4242", "text": "Привіт {code}"}
    queued.refresh_from_db()
    assert (queued.state, queued.external_id) == ("sent", "77")
    assert [(a["channel"], a["error"]) for a in queued.attempt_log] == [("telegram", "")]


def test_viber_sends_with_its_token_and_records_the_message_token(api, business):
    customer = CustomerFactory(business=business, channel="viber", viber_user_id="01234567890A=")
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Hello")
    assert send_pending() == 1
    [(path, headers, body)] = api.received
    assert path == "/pa/send_message"
    assert headers["X-Viber-Auth-Token"] == "viber-token"
    assert body["receiver"] == "01234567890A=" and body["text"] == "Hello"
    assert body["type"] == "text" and body["sender"]["name"]
    queued.refresh_from_db()
    assert (queued.state, queued.external_id) == ("sent", "5741311803571721087")


@pytest.mark.parametrize("channel", ["telegram", "viber"])
@pytest.mark.parametrize("fail", ["http500", "refuse"])
def test_a_failing_bot_falls_back_to_the_next_channel_and_logs_both(api, business, channel, fail):
    customer = CustomerFactory(
        business=business, channel=channel, telegram_chat_id="1", viber_user_id="v1"
    )
    MessagingSettings.objects.create(business=business, channel_order="sms,email")
    api.fail = fail
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Hi")
    assert send_pending() == 1
    queued.refresh_from_db()
    assert (queued.state, queued.channel, queued.recipient) == ("sent", "sms", customer.phone)
    log = [(a["channel"], bool(a["error"])) for a in queued.attempt_log]
    assert log == [(channel, True), ("sms", False)]
    reason = queued.attempt_log[0]["error"]
    assert ("500" in reason) if fail == "http500" else ("blocked" in reason or "notSub" in reason)


def test_the_business_order_follows_the_preferred_channel(api, business):
    customer = CustomerFactory(
        business=business, channel="email", email="", telegram_chat_id="7", viber_user_id="v7"
    )
    MessagingSettings.objects.create(business=business, channel_order="viber,telegram,sms")
    api.fail = "refuse"
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Hi")
    send_pending()
    queued.refresh_from_db()
    # no e-mail address: viber, then telegram (both refuse), then sms takes it
    assert [a["channel"] for a in queued.attempt_log] == ["viber", "telegram", "sms"]
    assert queued.state == "sent"


def test_a_bot_that_keeps_failing_is_retried_then_failed_with_the_reason(api, business):
    customer = CustomerFactory(
        business=business, channel="telegram", telegram_chat_id="9", phone=""
    )
    api.fail = "http500"
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Hi")
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert send_pending() == 0
        queued.refresh_from_db()
        assert queued.attempts == attempt
    assert queued.state == Notification.State.FAILED
    assert queued.last_error.startswith("telegram: HTTPError: HTTP Error 500")
    assert len(queued.attempt_log) == MAX_ATTEMPTS
    assert len(api.received) == MAX_ATTEMPTS


def test_a_bot_recovers_on_a_retry(api, business):
    customer = CustomerFactory(
        business=business, channel="telegram", telegram_chat_id="9", phone=""
    )
    api.fail = "http500"
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Hi")
    assert send_pending() == 0
    api.fail = ""
    assert send_pending() == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == ("sent", 2)
    assert [bool(a["error"]) for a in queued.attempt_log] == [True, False]


def test_a_one_time_code_stays_on_sms(api, business, settings):
    from customers import otp

    CustomerFactory(
        business=business, phone="+380501234000", channel="telegram", telegram_chat_id="5"
    )
    settings.PERKLINE_NOTIFICATION_BACKENDS = {
        **BACKENDS,
        "sms": "tests.customers.test_notify.FailingBackend",
    }
    otp.send_code(business=business, phone="+380501234000", purpose="t", address=None)
    send_pending()
    message = Notification.objects.get(kind="one_time_code")
    assert [a["channel"] for a in message.attempt_log] == ["sms"]
    assert api.received == []


def test_without_the_bot_token_the_attempt_fails_with_the_reason(api, business, settings):
    settings.PERKLINE_TELEGRAM_BOT_TOKEN = ""
    customer = CustomerFactory(
        business=business, channel="telegram", telegram_chat_id="9", phone=""
    )
    queued = notify_customer(customer=customer, kind="coupon_issued", body="Hi")
    send_pending()
    queued.refresh_from_db()
    assert "PERKLINE_TELEGRAM_BOT_TOKEN" in queued.last_error


def test_customer_not_to_be_contacted_gets_nothing(api, business):
    customer = CustomerFactory(
        business=business, channel=Customer.Channel.NONE, telegram_chat_id="1"
    )
    assert notify_customer(customer=customer, kind="coupon_issued", body="Hi") is None
