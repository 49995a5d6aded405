"""Issue 21: a sale is cancelled with a reason, and with a manager's PIN where the business
asks for one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from loyalty.checks import CheckInput, PositionInput, confirm_check
from loyalty.models import Membership, Sale
from loyalty.services.approvals import set_approval_pin

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def sell(shop):
    answer = confirm_check(
        point_of_sale=shop.pos,
        data=CheckInput(
            positions=(PositionInput(code="LATTE", price=Decimal("60"), quantity=Decimal(1)),),
            customer={"id": shop.customer.pk},
        ),
        staff=shop.cashier,
    )
    return Sale.objects.get(pk=answer.body["sale"]["id"])


def cancel(client, sale, **data):
    return client.post(reverse("cashier:cancel", args=[sale.pk]), data)


def test_a_reason_is_asked_and_kept(till, shop):
    sale = sell(shop)
    refused = cancel(till, sale)
    assert refused.status_code == 200 and "has-error" in refused.content.decode()
    assert Sale.objects.get(pk=sale.pk).status == Sale.COMPLETED
    cancel(till, sale, reason="Wrong item rung up")
    sale.refresh_from_db()
    assert (sale.status, sale.cancel_reason) == (Sale.CANCELLED, "Wrong item rung up")
    receipt = till.get(reverse("cashier:receipt", args=[sale.pk])).content.decode()
    assert "Wrong item rung up" in receipt


def manager_with_pin(shop, pin="4821"):
    membership = Membership.objects.get(business=shop.business, user=shop.manager)
    set_approval_pin(membership=membership, pin=pin)
    return membership


def test_where_the_business_asks_a_cashier_needs_a_managers_pin(till, shop):
    shop.business.cancel_needs_approval = True
    shop.business.save(update_fields=["cancel_needs_approval"])
    manager_with_pin(shop)
    sale = sell(shop)
    page = till.get(reverse("cashier:cancel", args=[sale.pk])).content.decode()
    assert 'name="pin"' in page

    cancel(till, sale, reason="Mistake")  # no PIN
    cancel(till, sale, reason="Mistake", pin="0000")  # a wrong one
    assert Sale.objects.get(pk=sale.pk).status == Sale.COMPLETED

    cancel(till, sale, reason="Mistake", pin="4821")
    sale.refresh_from_db()
    assert sale.status == Sale.CANCELLED and sale.cancel_approved_by == shop.manager


def test_a_revoked_managers_pin_approves_nothing(till, shop):
    shop.business.cancel_needs_approval = True
    shop.business.save(update_fields=["cancel_needs_approval"])
    membership = manager_with_pin(shop)
    membership.revoked_at = membership.created_at
    membership.save(update_fields=["revoked_at"])
    sale = sell(shop)
    cancel(till, sale, reason="Mistake", pin="4821")
    assert Sale.objects.get(pk=sale.pk).status == Sale.COMPLETED


def test_a_manager_cancels_without_a_pin(shop):
    shop.business.cancel_needs_approval = True
    shop.business.save(update_fields=["cancel_needs_approval"])
    sale = sell(shop)
    client = logged_in(shop.manager, shop.pos)
    assert (
        'name="pin"' not in client.get(reverse("cashier:cancel", args=[sale.pk])).content.decode()
    )
    cancel(client, sale, reason="Customer returned it")
    assert Sale.objects.get(pk=sale.pk).status == Sale.CANCELLED


def test_a_cashier_gets_no_pin(shop):
    membership = Membership.objects.get(business=shop.business, user=shop.cashier)
    with pytest.raises(Exception, match="managers and owners"):
        set_approval_pin(membership=membership, pin="1234")


def test_an_owner_sets_a_managers_pin_on_the_staff_page(shop):
    from tests.factories import MembershipFactory, UserFactory

    owner = UserFactory()
    MembershipFactory(business=shop.business, user=owner, role=Membership.OWNER)
    membership = Membership.objects.get(business=shop.business, user=shop.manager)
    client = logged_in(owner)
    response = client.post(
        reverse("panel:staff_edit", args=[membership.pk]),
        {"role": "manager", "approval_pin": "5555"},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.approval_pin and membership.approval_pin != "5555"  # hashed
