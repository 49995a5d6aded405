"""P5: every list page makes a constant number of queries, whatever the number of rows."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.views import PanelListView
from customers.ledger import adjust, get_account
from loyalty.models import Membership
from loyalty.services.devices import issue_device
from tests.factories import (
    AccountTypeFactory,
    BrandFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    GoodsCategoryFactory,
    GoodsFactory,
    MembershipFactory,
    PointOfSaleFactory,
    ProgramFactory,
    RuleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def add_rows(business, program, n):
    """n rows for each list page, with the related rows each row displays."""
    for i in range(n):
        brand = BrandFactory(business=business)
        extra_program = ProgramFactory(business=business, brand=brand)
        pos = PointOfSaleFactory(program=extra_program)
        issue_device(point_of_sale=pos, kind="terminal", name=f"Till {i}")
        category = GoodsCategoryFactory(business=business)
        GoodsFactory(business=business, category=category)
        CustomerCategoryFactory(program=program)
        AccountTypeFactory(program=program)
        customer = CustomerFactory(business=business)
        RuleFactory(program=program)
        user = UserFactory()
        membership = MembershipFactory(business=business, user=user, role=Membership.CASHIER)
        membership.points_of_sale.add(pos)
        if i < 3:  # history rows for the customer page
            adjust(account=get_account(customer=customer, program=program),
                   amount=Decimal("5"), staff=user, reason="seed")  # fmt: skip


PAGES = [
    ("panel:brand_list", {}),
    ("panel:program_list", {}),
    ("panel:pos_list", {}),
    ("panel:goods_list", {}),
    ("panel:category_list", {}),
    ("panel:customer_list", {}),
    ("panel:customer_category_list", {}),
    ("panel:account_type_list", {}),
    ("panel:staff_list", {}),
    ("panel:device_list", {}),
    ("panel:rule_list", {"program_pk": "program"}),
    ("panel:home", {}),
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name, kwargs", PAGES)
def test_list_pages_make_a_constant_number_of_queries(
    owner_client, business, program, name, kwargs, django_assert_max_num_queries, monkeypatch
):
    # Every row on one page: a query per row would show as 50 against 200.
    monkeypatch.setattr(PanelListView, "paginate_by", 1000)
    url = reverse(name, kwargs={k: program.pk for k in kwargs})
    add_rows(business, program, 50)
    small = count_queries(owner_client, url)
    add_rows(business, program, 150)
    large = count_queries(owner_client, url)
    assert large == small, f"{name}: {small} queries with 50 rows, {large} with 200"
    with django_assert_max_num_queries(small):
        owner_client.get(url)
