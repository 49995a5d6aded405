"""Django admin (platform staff): every loyalty model is registered and its pages open."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from loyalty import models
from loyalty.models import SalePosition, SaleRule
from tests.factories import PointOfSaleFactory, RuleFactory, SaleFactory

pytestmark = pytest.mark.django_db

MODELS = [
    models.Business, models.BusinessLogo, models.Brand, models.Program, models.PointOfSale,
    models.Membership, models.GoodsCategory, models.Goods, models.Rule, models.Sale,
]  # fmt: skip


@pytest.fixture
def staff_client():
    user = get_user_model().objects.create_superuser("root@example.com", "root@example.com", "x")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_opens(staff_client, model):
    assert admin.site.is_registered(model)
    url = reverse(f"admin:loyalty_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200


def test_sale_is_read_only_with_positions_and_rules(staff_client):
    pos = PointOfSaleFactory()
    rule = RuleFactory(program=pos.program)
    sale = SaleFactory(program=pos.program, pos=pos, time=timezone.now(), amount=Decimal("10"))
    SalePosition.objects.create(
        business=pos.business, sale=sale, index=0, code="LATTE", price=Decimal("10"),
        quantity=Decimal("1"), discount=Decimal("0"), amount=Decimal("10"),
        amount_to_pay=Decimal("10"),
    )  # fmt: skip
    SaleRule.objects.create(
        business=pos.business, sale=sale, rule=rule, rule_key=rule.key, order=0,
        discount=Decimal("0"), credit=Decimal("0.50"),
    )  # fmt: skip
    html = staff_client.get(reverse("admin:loyalty_sale_change", args=[sale.pk])).content.decode()
    assert "LATTE" in html and rule.key in html
    assert staff_client.get(reverse("admin:loyalty_sale_add")).status_code == 403


def test_rule_history_page(staff_client):
    rule = RuleFactory()
    url = reverse("admin:loyalty_rule_history", args=[rule.pk])
    assert staff_client.get(url).status_code == 200
