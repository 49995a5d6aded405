"""Audit: the History section of edit pages and the business-wide audit page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loyalty.models import Program
from loyalty.selectors.audit import business_history, object_history
from tests.factories import (
    BusinessFactory,
    CouponSeriesFactory,
    GiftCertificateFactory,
    ProgramFactory,
    RuleFactory,
)

pytestmark = pytest.mark.django_db


def edit_program(client, program, **changes):
    data = {
        "name": program.name,
        "key": program.key,
        "max_points_share": str(program.max_points_share),
        "credit_on_points_payment": "on",
        "auto_register": "on",
        "kiosk_requires_otp": "on",
        "join_open": "on",  # ticked on the form as the program has it (issue 18)
        **changes,
    }
    response = client.post(reverse("panel:program_edit", args=[program.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_change_made_in_the_panel_shows_who_what_and_from_what(owner_client, owner, program):
    edit_program(owner_client, program, name="Coffee Club Gold", max_points_share="40")

    changes = object_history(Program.objects.get(pk=program.pk))
    latest = changes[0]
    assert latest.who == owner.email
    assert latest.action == "~"
    assert {(c.field, c.old, c.new) for c in latest.changes} == {
        ("name", "Coffee Club", "Coffee Club Gold"),
        ("max share paid with points, %", "100.00", "40.00"),
    }
    assert changes[-1].action == "+"

    body = owner_client.get(reverse("panel:program_edit", args=[program.pk])).content.decode()
    assert "History" in body
    assert "<del>Coffee Club</del> → <ins>Coffee Club Gold</ins>" in body
    assert owner.email in body


def test_rule_edit_page_shows_its_history(owner_client, owner, program):
    rule = RuleFactory(program=program, business=program.business, value=Decimal("5"))
    rule.value = Decimal("7.50")
    rule._history_user = owner
    rule.save()
    body = owner_client.get(reverse("panel:rule_edit", args=[rule.pk])).content.decode()
    assert "<del>5.00</del> → <ins>7.50</ins>" in body
    assert owner.email in body


def test_series_and_certificate_pages_show_history(owner_client, program):
    series = CouponSeriesFactory(program=program, business=program.business)
    series.name = "Renamed series"
    series.save()
    certificate = GiftCertificateFactory(program=program, business=program.business)
    certificate.max_uses = 10
    certificate.save()
    body = owner_client.get(reverse("panel:series_detail", args=[series.pk])).content.decode()
    assert "<ins>Renamed series</ins>" in body
    body = owner_client.get(reverse("panel:certificate_edit", args=[certificate.pk])).content
    assert "<del>—</del> → <ins>10</ins>" in body.decode()


def test_choices_show_their_labels(program):
    rule = RuleFactory(program=program, business=program.business, mode="auto")
    rule.mode = "manual"
    rule.save()
    change = object_history(rule)[0].changes[0]
    assert (change.old, change.new) == ("Automatic, every sale", "Manual, selected by the cashier")


def test_audit_page_lists_changes_of_this_business_only(owner_client, program):
    rule = RuleFactory(program=program, business=program.business, name="Mine")
    rule.name = "Mine, renamed"
    rule.save()
    foreign = ProgramFactory(business=BusinessFactory(), name="Not mine")
    foreign_rule = RuleFactory(program=foreign, business=foreign.business, name="Theirs")
    foreign_rule.save()

    response = owner_client.get(reverse("panel:audit"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mine, renamed" in body and "Coffee Club" in body
    assert "Not mine" not in body and "Theirs" not in body
    assert reverse("panel:rule_edit", args=[rule.pk]) in body

    only_rules = owner_client.get(reverse("panel:audit"), {"kind": "rule"}).context["changes"]
    assert {c.kind for c in only_rules} == {"rule"}


def test_deleted_objects_stay_in_the_audit_without_a_link(program):
    rule = RuleFactory(program=program, business=program.business, name="Gone")
    rule.delete()
    deleted = [c for c in business_history(business=program.business) if c.action == "-"]
    assert deleted and deleted[0].object_name == "Gone" and deleted[0].url is None


def test_audit_query_count_does_not_grow_with_changes(owner_client, program):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(reverse("panel:audit")).status_code == 200
        return len(queries)

    rule = RuleFactory(program=program, business=program.business)
    rule.name = "Renamed"
    rule.save()
    few = count()
    for n in range(15):
        rule = RuleFactory(program=program, business=program.business)
        rule.name = f"Renamed {n}"
        rule.save()
    assert count() == few


def test_cashier_cannot_open_the_audit(cashier_client):
    assert cashier_client.get(reverse("panel:audit")).status_code == 403
