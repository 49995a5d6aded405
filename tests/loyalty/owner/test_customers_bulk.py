"""Bulk actions on customers: issue coupons as a CodeJob with progress, change category."""

import pytest
from django.urls import reverse

from coupons.models import CodeJob, Coupon
from customers.models import Enrolment
from tests.factories import (
    BusinessFactory,
    CouponSeriesFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db
URL = "panel:customer_bulk"


@pytest.fixture
def people(program):
    regular = CustomerCategoryFactory(program=program, business=program.business, key="regular")
    vip = CustomerCategoryFactory(program=program, business=program.business, key="vip")
    customers = [CustomerFactory(business=program.business) for _ in range(3)]
    for customer in customers:
        EnrolmentFactory(customer=customer, program=program, category=regular)
    return {"regular": regular, "vip": vip, "customers": customers}


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    def send(client, **data):
        # Jobs are queued on commit; with Q_SYNC they run when the callbacks run.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(URL), {"quantity": 1, **data})

    return send


def test_issue_a_coupon_to_checked_customers(owner_client, program, people, post):
    series = CouponSeriesFactory(program=program, business=program.business)
    chosen = people["customers"][:2]
    response = post(
        owner_client,
        action="issue",
        scope="selected",
        customers=[c.pk for c in chosen],
        series=series.pk,
    )
    job = CodeJob.objects.get(series=series)
    assert response.status_code == 302
    assert response["Location"] == reverse("panel:code_job", args=[job.pk])
    assert job.kind == CodeJob.Kind.ISSUE and job.state == CodeJob.State.DONE
    assert (job.total, job.done) == (2, 2)
    owners = set(Coupon.objects.filter(series=series).values_list("customer_id", flat=True))
    assert owners == {c.pk for c in chosen}


def test_issue_to_everyone_in_a_category(owner_client, program, people, post):
    series = CouponSeriesFactory(program=program, business=program.business)
    post(
        owner_client,
        action="issue",
        scope="in_category",
        source_category=people["regular"].pk,
        series=series.pk,
        quantity=2,
    )
    assert Coupon.objects.filter(series=series).count() == 6


def test_change_category_of_checked_customers(owner_client, program, people, post):
    first, second, third = people["customers"]
    response = post(
        owner_client,
        action="category",
        scope="selected",
        customers=[first.pk, second.pk],
        target=people["vip"].pk,
    )
    assert response.status_code == 302
    categories = dict(
        Enrolment.objects.filter(program=program).values_list("customer_id", "category__key")
    )
    assert categories == {first.pk: "vip", second.pk: "vip", third.pk: "regular"}


def test_change_category_of_everyone_in_a_category(owner_client, program, people, post):
    post(
        owner_client,
        action="category",
        scope="in_category",
        source_category=people["regular"].pk,
        target=people["vip"].pk,
    )
    assert set(Enrolment.objects.values_list("category__key", flat=True)) == {"vip"}


def test_nothing_checked_is_refused(owner_client, program, people, post):
    series = CouponSeriesFactory(program=program, business=program.business)
    response = post(owner_client, action="issue", scope="selected", series=series.pk)
    assert response.status_code == 200
    assert "Check at least one customer" in response.content.decode()
    assert not CodeJob.objects.exists()


def test_category_and_series_of_different_programs_are_refused(owner_client, program, people, post):
    other_program = ProgramFactory(business=program.business)
    series = CouponSeriesFactory(program=other_program, business=program.business)
    response = post(
        owner_client,
        action="issue",
        scope="in_category",
        source_category=people["regular"].pk,
        series=series.pk,
    )
    assert "different programs" in response.content.decode()
    assert not CodeJob.objects.exists()


def test_another_business_rows_are_not_valid_choices(owner_client, program, people, post):
    foreign_program = ProgramFactory(business=BusinessFactory())
    foreign_customer = CustomerFactory(business=foreign_program.business)
    foreign_series = CouponSeriesFactory(program=foreign_program)
    foreign_category = CustomerCategoryFactory(program=foreign_program)
    response = post(
        owner_client,
        action="issue",
        scope="selected",
        customers=[foreign_customer.pk],
        series=foreign_series.pk,
    )
    assert response.status_code == 200 and not CodeJob.objects.exists()
    post(
        owner_client,
        action="category",
        scope="selected",
        customers=[people["customers"][0].pk],
        target=foreign_category.pk,
    )
    assert not Enrolment.objects.filter(category=foreign_category).exists()


def test_page_lists_customers_with_checkboxes(owner_client, people):
    body = owner_client.get(reverse(URL)).content.decode()
    for customer in people["customers"]:
        assert f'name="customers" value="{customer.pk}"' in body
    assert reverse(URL) in owner_client.get(reverse("panel:customer_list")).content.decode()


def test_cashier_cannot_open_bulk_actions(cashier_client):
    assert cashier_client.get(reverse(URL)).status_code == 403
