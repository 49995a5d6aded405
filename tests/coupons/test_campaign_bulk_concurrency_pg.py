"""Campaigns issuing a batch of coupons of one series at once, with an inventory: exactly
the inventory is issued, whatever the interleaving (PostgreSQL, real connections)."""

import pytest

from coupons import campaigns
from coupons.models import Coupon
from tests.coupons.test_campaigns import make, person
from tests.coupons.threads import run_concurrently
from tests.factories import CouponSeriesFactory, ProgramFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_four_campaigns_at_once_issue_exactly_the_inventory(monkeypatch):
    monkeypatch.setattr(campaigns, "_queue", lambda campaign: None)
    program = ProgramFactory()
    series = CouponSeriesFactory(program=program, inventory=50)
    for _ in range(30):
        person(program)
    texts = {"en": "{business}: {benefit}. {link}"}
    runs = [make(program, {"kind": "all"}, series=series, texts=texts) for _ in range(4)]

    answers = run_concurrently(lambda i: campaigns.run_campaign(runs[i].pk, batch=7), 4)
    assert answers == ["ok"] * 4
    series.refresh_from_db()
    assert series.issued_count == 50
    assert Coupon.objects.filter(series=series).count() == 50
    assert sum(campaigns.results(c)["coupons"] for c in runs) == 50
    assert sum(campaigns.results(c)["queued"] for c in runs) == 120
