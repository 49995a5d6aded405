"""Operator commands, background tasks and the admin."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from customers import ledger, tasks
from customers.models import Account, LedgerEntry, Notification
from tests.factories import UserFactory

D = Decimal
pytestmark = pytest.mark.django_db


def past(days=1):
    return timezone.now() - timedelta(days=days)


def test_check_ledger_ok(account, capsys):
    ledger.credit(account=account, amount=D("5"))
    call_command("check_ledger")
    assert capsys.readouterr().out.strip() == "ledger OK: 1 accounts"


def test_check_ledger_fails_on_a_mismatch(account, capsys):
    ledger.credit(account=account, amount=D("5"))
    Account.objects.filter(pk=account.pk).update(balance=D("4"))
    with pytest.raises(CommandError, match="2 mismatches"):
        call_command("check_ledger")
    assert "balance 4.00 != sum of entries 5.00" in capsys.readouterr().out


def test_expire_points_command(account, capsys):
    ledger.credit(account=account, amount=D("5"), expires_at=past(), at=past(2))
    call_command("expire_points")
    assert capsys.readouterr().out.strip() == "expired 1 lots"
    assert LedgerEntry.objects.filter(kind="expiry").count() == 1


def test_tasks(account, business, console_outbox):
    ledger.credit(account=account, amount=D("5"), expires_at=past(), at=past(2))
    assert tasks.expire_points_task() == 1
    Notification.objects.create(
        business=business, channel="sms", recipient="+380501234567", kind="t", body="b"
    )
    assert tasks.send_notifications_task() == 1
    notification = Notification.objects.create(
        business=business, channel="sms", recipient="+380501234567", kind="t", body="b"
    )
    assert tasks.send_notification_task(notification.pk) is True
    assert len(console_outbox) == 2


def test_the_jobs_are_scheduled():
    funcs = set(Schedule.objects.values_list("func", flat=True))
    assert {
        "customers.tasks.send_notifications_task",
        "customers.tasks.expire_points_task",
    } <= funcs


@pytest.fixture
def admin_client_(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_admin_shows_the_ledger_read_only(admin_client_, account):
    entry = ledger.credit(account=account, amount=D("5"))
    assert admin_client_.get("/admin/customers/ledgerentry/").status_code == 200
    assert admin_client_.get("/admin/customers/ledgerentry/add/").status_code == 403
    page = admin_client_.get(f"/admin/customers/ledgerentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'type="submit"' not in page.content.split(b"<form")[-1]
    assert admin_client_.post(f"/admin/customers/ledgerentry/{entry.pk}/delete/").status_code == 403
    assert admin_client_.get("/admin/customers/account/add/").status_code == 403


@pytest.mark.parametrize(
    "model",
    [
        "customer",
        "customercategory",
        "enrolment",
        "accounttype",
        "account",
        "lot",
        "lotuse",
        "notification",
        "onetimecode",
    ],
)
def test_admin_lists_every_model(admin_client_, account, model):
    assert admin_client_.get(f"/admin/customers/{model}/").status_code == 200
