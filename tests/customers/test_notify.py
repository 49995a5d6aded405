"""The outbox: rows first, sending with retries and a final state (platform.md)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail

from customers.models import Customer, Notification
from customers.notify import MAX_ATTEMPTS, enqueue, notify_customer, send_one, send_pending
from customers.notify.backends import ConsoleBackend, EmailBackend, HttpSmsBackend
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
FAILING = "tests.customers.test_notify.FailingBackend"
FLAKY = "tests.customers.test_notify.FlakyBackend"


class FailingBackend:
    def send(self, notification):
        raise ConnectionError("gateway down")


class FlakyBackend:
    """Fails the first two attempts of every message."""

    calls = 0

    def send(self, notification):
        FlakyBackend.calls += 1
        if FlakyBackend.calls <= 2:
            raise TimeoutError("slow gateway")


def queue(business, **fields):
    values = {"channel": "sms", "recipient": "+380501234567", "kind": "test", "body": "Hello"}
    return enqueue(business=business, **{**values, **fields})


def test_enqueue_writes_a_row_and_sends_after_commit(
    business, console_outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = queue(business, subject="Hi")
        assert notification.state == Notification.State.PENDING
        assert console_outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 1)
    assert notification.sent_at is not None
    assert [n.body for n in console_outbox] == ["Hello"]


def test_commits_wake_the_sender_at_most_once_a_window_per_process(
    business, console_outbox, settings, django_capture_on_commit_callbacks, monkeypatch
):
    from customers.notify import outbox

    settings.PERKLINE_NOTIFICATION_WAKE_SECONDS = 60
    monkeypatch.setattr(outbox, "_last_wake", float("-inf"))
    with django_capture_on_commit_callbacks(execute=True):
        queue(business, body="first sale")
        queue(business, body="same sale")
    with django_capture_on_commit_callbacks(execute=True):
        queue(business, body="next sale")
    # One job, woken by the first commit, sent what was new then; the rest waits for the
    # next wake or the periodic job.
    assert [n.body for n in console_outbox] == ["first sale", "same sale"]
    assert Notification.objects.get(body="next sale").state == "pending"
    monkeypatch.setattr(outbox, "_last_wake", float("-inf"))  # the window has passed
    with django_capture_on_commit_callbacks(execute=True):
        queue(business, body="a later sale")
    assert [n.body for n in console_outbox][2:] == ["next sale", "a later sale"]


def test_a_wake_sends_new_messages_only_retries_wait_for_the_periodic_job(business, settings):
    settings.PERKLINE_NOTIFICATION_BACKENDS = {"sms": FAILING}
    failed_once = queue(business, body="gateway was down")
    assert send_pending() == 0
    settings.PERKLINE_NOTIFICATION_BACKENDS = {"sms": "customers.notify.backends.ConsoleBackend"}
    fresh = queue(business, body="new")
    assert send_pending(new_only=True) == 1
    failed_once.refresh_from_db()
    fresh.refresh_from_db()
    assert (fresh.state, failed_once.state, failed_once.attempts) == ("sent", "pending", 1)
    assert send_pending() == 1  # the periodic job retries it
    failed_once.refresh_from_db()
    assert failed_once.state == "sent"


def test_enqueue_with_a_dedupe_key_is_idempotent(business):
    first = queue(business, dedupe_key="expiry:1:2030-01")
    assert first is not None
    assert queue(business, dedupe_key="expiry:1:2030-01") is None
    assert Notification.objects.count() == 1
    # Keys are per business.
    from tests.factories import BusinessFactory

    assert queue(BusinessFactory(), dedupe_key="expiry:1:2030-01") is not None


def test_enqueue_without_recipient_queues_nothing(business):
    assert queue(business, recipient="  ") is None
    assert not Notification.objects.exists()


def test_notify_customer_picks_the_channel(business):
    by_sms = CustomerFactory(business=business, phone="+380501110000", channel="sms")
    by_mail = CustomerFactory(business=business, email="a@example.com", channel="email")
    silent = CustomerFactory(business=business, channel=Customer.Channel.NONE)
    no_email = CustomerFactory(business=business, email="", channel="email")
    nothing = CustomerFactory(business=business, email="", phone="", channel="email")
    sms = notify_customer(customer=by_sms, kind="coupon_issued", body="A coupon")
    assert (sms.channel, sms.recipient, sms.customer) == ("sms", "+380501110000", by_sms)
    email = notify_customer(customer=by_mail, kind="coupon_issued", body="A coupon", subject="S")
    assert (email.channel, email.recipient, email.subject) == ("email", "a@example.com", "S")
    assert notify_customer(customer=silent, kind="coupon_issued", body="x") is None
    # without the preferred channel's address, the others they have (journey.md, Hear)
    fallback = notify_customer(customer=no_email, kind="coupon_issued", body="x")
    assert (fallback.channel, fallback.recipient) == ("sms", no_email.phone)
    assert notify_customer(customer=nothing, kind="coupon_issued", body="x") is None


def test_send_pending_sends_in_order(business, console_outbox):
    for body in ("one", "two", "three"):
        queue(business, body=body)
    assert send_pending(limit=2) == 2
    assert [n.body for n in console_outbox] == ["one", "two"]
    assert send_pending() == 1
    assert send_pending() == 0
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_failures_are_retried_then_failed_with_the_reason(business, settings):
    settings.PERKLINE_NOTIFICATION_BACKENDS = {"sms": FAILING}
    notification = queue(business)
    for attempt in range(1, MAX_ATTEMPTS):
        assert send_pending() == 0
        notification.refresh_from_db()
        assert (notification.state, notification.attempts) == ("pending", attempt)
    assert send_pending() == 0
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("failed", MAX_ATTEMPTS)
    assert notification.last_error == "sms: ConnectionError: gateway down"  # names the channel
    assert send_pending() == 0  # a failed message is kept, not retried forever
    assert Notification.objects.filter(state="failed").count() == 1


def test_a_flaky_gateway_delivers_on_a_later_attempt(business, settings):
    settings.PERKLINE_NOTIFICATION_BACKENDS = {"sms": FLAKY}
    FlakyBackend.calls = 0
    notification = queue(business)
    assert [send_one(notification.pk) for _ in range(4)] == [False, False, True, False]
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("sent", 3)


def test_a_channel_without_backend_fails_in_the_end(business):
    notification = queue(business, channel="pigeon")
    for _ in range(MAX_ATTEMPTS):
        send_pending()
    notification.refresh_from_db()
    assert notification.state == "failed"
    assert "pigeon" in notification.last_error


def test_email_backend_uses_django_mail(business, settings, mailoutbox):
    settings.PERKLINE_NOTIFICATION_BACKENDS = {"email": "customers.notify.backends.EmailBackend"}
    queue(business, channel="email", recipient="a@example.com", subject="Your coupon", body="Hi")
    assert send_pending() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.to, message.body) == ("Your coupon", ["a@example.com"], "Hi")
    # Without a subject, the first line of the body is one.
    EmailBackend().send(Notification(recipient="b@example.com", body="Line one\nLine two"))
    assert mail.outbox[1].subject == "Line one"


class _Gateway(BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Gateway.received.append((self.headers["Content-Type"], body))
        self.send_response(_Gateway.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Gateway.received, _Gateway.status = [], 200
    settings.PERKLINE_SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.PERKLINE_NOTIFICATION_BACKENDS = {"sms": "customers.notify.backends.HttpSmsBackend"}
    yield _Gateway
    server.shutdown()
    server.server_close()


def test_http_sms_backend_posts_escaped_json(business, gateway, settings):
    settings.PERKLINE_SMS_GATEWAY_TEMPLATE = '{"to": "{recipient}", "text": "{body}", "x": 1}'
    queue(business, body='Code "42" \\ {recipient}\nnext')
    assert send_pending() == 1
    ((content_type, raw),) = gateway.received
    assert content_type == "application/json"
    assert json.loads(raw) == {
        "to": "+380501234567",
        "text": 'Code "42" \\ {recipient}\nnext',
        "x": 1,
    }


def test_http_sms_backend_counts_gateway_errors_as_failed_attempts(business, gateway):
    gateway.status = 503
    notification = queue(business)
    assert send_pending() == 0
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == ("pending", 1)
    assert "503" in notification.last_error


def test_http_sms_backend_without_url(business, settings):
    settings.PERKLINE_SMS_GATEWAY_URL = ""
    with pytest.raises(Exception, match="PERKLINE_SMS_GATEWAY_URL"):
        HttpSmsBackend().send(Notification(recipient="+380501234567", body="x"))


def test_console_backend_keeps_what_it_sent(console_outbox):
    ConsoleBackend().send(Notification(channel="sms", recipient="+1", kind="k", body="b"))
    assert console_outbox[0].body == "b"
