"""Device, IdempotencyRecord and CustomerSession left the terminal app (issue 16) by
state-only migrations: a database holding them before the move keeps every row after it."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from customers.models import CustomerSession
from loyalty.models import Device, IdempotencyRecord, Sale

# The last migrations before the move: terminal still holds the three models.
BEFORE_MOVE = [
    ("loyalty", "0008_staff_invitations"),
    ("customers", "0007_customer_phone_index"),
    ("terminal", "0003_answer_is_the_sale"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def device_content_type():
    return ContentType.objects.filter(model="device").values_list("pk", "app_label").get()


@pytest.mark.django_db(transaction=True)
def test_rows_made_before_the_move_are_read_by_the_moved_models():
    content_type = device_content_type()
    old = migrate(BEFORE_MOVE)
    assert device_content_type() == (content_type[0], "terminal")

    business = old.get_model("loyalty", "Business").objects.create(name="Kava", slug="kava")
    program = old.get_model("loyalty", "Program").objects.create(
        business=business, key="main", name="Main"
    )
    pos = old.get_model("loyalty", "PointOfSale").objects.create(
        business=business, program=program, key="center", name="Center"
    )
    device = old.get_model("terminal", "Device").objects.create(
        business=business, point_of_sale=pos, kind="kiosk", name="Kiosk 1",
        key_prefix="abcd1234", key_hash="h" * 64,
    )  # fmt: skip
    sale = old.get_model("loyalty", "Sale").objects.create(
        business=business, program=program, point_of_sale=pos, device=device,
        time=timezone.now(), amount=10, discount=0, amount_to_pay=10, points_paid=0,
        money_to_pay=10, answer='{"sale_id":1}',
    )  # fmt: skip
    old.get_model("terminal", "IdempotencyRecord").objects.create(
        business=business, device=device, key="retry-1", request_hash="r" * 64,
        status_code=201, sale=sale,
    )  # fmt: skip
    customer = old.get_model("customers", "Customer").objects.create(
        business=business, phone="+380501234567", card_code="C1"
    )
    old.get_model("terminal", "CustomerSession").objects.create(
        business=business, device=device, customer=customer, token_hash="t" * 64,
        identified_by="phone", expires_at=timezone.now() + timedelta(minutes=5),
    )  # fmt: skip

    migrate(latest())

    moved = Device.objects.get(pk=device.pk)
    assert (moved.name, moved.kind, moved.point_of_sale_id) == ("Kiosk 1", "kiosk", pos.pk)
    assert Sale.objects.get(pk=sale.pk).device == moved
    record = IdempotencyRecord.objects.select_related("sale").get(device=moved, key="retry-1")
    assert (record.status_code, record.answer) == (201, '{"sale_id":1}')
    session = CustomerSession.objects.get(token_hash="t" * 64)
    assert (session.device_id, session.customer_id) == (moved.pk, customer.pk)
    # The content type followed its model: permissions and log entries keep pointing at it.
    assert device_content_type() == content_type
