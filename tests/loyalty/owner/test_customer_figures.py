"""Issue 21: the customer list's visits, spend and last visit come from a row PostgreSQL keeps
with the sales (customers_customerfigures): a completed sale adds to it, a cancel takes it
back, whatever path wrote the sale."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse

from loyalty.checks.cancel import cancel_sale
from tests.factories import CustomerFactory, ProgramFactory
from tests.loyalty.owner.data import T0, sale

pytestmark = pytest.mark.django_db


def test_sales_add_and_a_cancel_takes_back(owner_client, business):
    program = ProgramFactory(business=business)
    ann = CustomerFactory(business=business, name="Ann")
    bob = CustomerFactory(business=business, name="Bob")
    first = sale(program, customer=ann, amount="100.00", when=T0 - timedelta(days=3))
    last = sale(program, customer=ann, amount="40.00", when=T0)
    sale(program, customer=bob, amount="60.00", when=T0)
    sale(program, amount="500.00")  # anonymous: nobody's figures

    figures = ann.figures
    assert (figures.visits, figures.spend, figures.last_visit) == (2, D("140.00"), T0)
    assert figures.first_visit == T0 - timedelta(days=3)
    body = owner_client.get(reverse("panel:customer_list"), {"sort": "spend"}).content.decode()
    assert body.index("Ann") < body.index("Bob")

    cancel_sale(sale=first)
    figures.refresh_from_db()
    assert (figures.visits, figures.spend, figures.last_visit) == (1, D("40.00"), T0)
    assert figures.first_visit == T0  # the cancelled first sale is no longer the first
    body = owner_client.get(reverse("panel:customer_list"), {"sort": "spend"}).content.decode()
    assert body.index("Bob") < body.index("Ann")

    cancel_sale(sale=last)  # the last visit goes back to none
    figures.refresh_from_db()
    assert (figures.visits, figures.spend, figures.last_visit) == (0, D("0.00"), None)
