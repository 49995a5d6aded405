"""Campaign pages: count before sending, send with a coupon, progress, stop, results; an
empty segment refused with the reason; another business's campaign unreachable."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons import campaigns
from customers.models import Campaign, Customer, Notification
from tests.factories import CustomerFactory, SaleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_job(monkeypatch):
    monkeypatch.setattr(campaigns, "_queue", lambda c: campaigns.run_campaign(c.pk))


def lapsed(make_customer, program, **fields):
    customer = make_customer(consent=True, **fields)
    Customer.objects.filter(pk=customer.pk).update(created_at=timezone.now() - timedelta(days=90))
    SaleFactory(program=program, customer=customer, time=timezone.now() - timedelta(days=40))
    return customer


def form(**extra):
    return {
        "name": "We miss you",
        "segment": "not_seen",
        "days": "30",
        "text_en": "{business}: {benefit}. {link}",
        "text_uk": "{business}: {benefit}! {link}",
        **extra,
    }


def test_count_then_send_with_a_coupon_and_see_results(
    owner_client, program, series, make_customer, django_capture_on_commit_callbacks
):
    people = [lapsed(make_customer, program) for _ in range(3)]
    make_customer(consent=False)
    url = reverse("panel:campaign_create")
    page = owner_client.post(url, form(count="1")).content.decode()
    assert "3 customers will get it" in page and not Campaign.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = owner_client.post(
            url, form(series=series.pk, send="1", text_en="{benefit}: code {code}. {link}")
        )
    campaign = Campaign.objects.get()
    assert answer["Location"] == reverse("panel:campaign_detail", args=[campaign.pk])
    sent = Notification.objects.filter(campaign=campaign)
    assert {n.customer for n in sent} == set(people)
    assert all("code " in n.body for n in sent if n.customer.language != "uk")
    page = owner_client.get(answer["Location"]).content.decode()
    assert "Coupons issued" in page and "Sent" in page
    progress = owner_client.get(reverse("panel:campaign_progress", args=[campaign.pk])).json()
    assert progress == {**progress, "done": 3, "total": 3, "percent": 100, "finished": True}


def test_an_empty_segment_is_refused_before_sending(owner_client, program, make_customer):
    make_customer(consent=True)  # joined today: seen
    page = owner_client.post(reverse("panel:campaign_create"), form(send="1")).content.decode()
    assert "Nobody in this segment accepts messages" in page
    assert not Campaign.objects.exists()


def test_unknown_placeholder_is_refused(owner_client, program, make_customer):
    lapsed(make_customer, program)
    page = owner_client.post(
        reverse("panel:campaign_create"), form(text_en="Hi {nickname}", send="1")
    ).content.decode()
    assert "unknown placeholder {nickname}" in page and not Campaign.objects.exists()


def test_scheduled_campaign_can_be_stopped(owner_client, program, make_customer, monkeypatch):
    monkeypatch.setattr(campaigns, "_queue", lambda c: None)
    lapsed(make_customer, program)
    later = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    owner_client.post(reverse("panel:campaign_create"), form(send_at=later, send="1"))
    campaign = Campaign.objects.get()
    assert campaign.send_at is not None and campaign.state == "scheduled"
    owner_client.post(reverse("panel:campaign_stop", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.state == "stopped"
    assert campaigns.run_campaign(campaign.pk) == 0 and not Notification.objects.exists()


def test_another_business_campaign_is_not_found(owner_client, program):
    other = CustomerFactory(consent=True)
    theirs = Campaign.objects.create(
        business=other.business, name="Theirs", segment={"kind": "all"}
    )
    for name in ("campaign_detail", "campaign_progress"):
        assert owner_client.get(reverse(f"panel:{name}", args=[theirs.pk])).status_code == 404
    assert owner_client.post(reverse("panel:campaign_stop", args=[theirs.pk])).status_code == 404
    assert "Theirs" not in owner_client.get(reverse("panel:campaign_list")).content.decode()


def test_code_without_a_coupon_is_refused(owner_client, program, make_customer):
    lapsed(make_customer, program)
    page = owner_client.post(
        reverse("panel:campaign_create"), form(text_uk="Код {code}", send="1")
    ).content.decode()
    assert "{code} needs a coupon" in page and not Campaign.objects.exists()
