"""R7: every panel route with an id, called with another business's ids, answers 404.

The routes are read from the URL resolver (namespace `panel`), so pages added later
(coupons, certificates, ...) are walked too. Business A has no tenant rows of its own
(its membership has an id far away from the others), so any id that some route accepts is
an id of business B: anything but 404 is a leak.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter
from django.utils import timezone

from certificates.models import CertificateCode, CertificateCodeJob, GiftCertificate
from coupons.models import CodeJob, CouponSeries, PromotionChannel
from customers.ledger import adjust, get_account
from customers.models import Campaign
from loyalty.models import Business, Invitation, Membership
from loyalty.models.base import TenantModel
from loyalty.services.devices import issue_device
from tests.factories import (
    AccountTypeFactory,
    BrandFactory,
    BusinessFactory,
    CertificateSeriesFactory,
    CouponFactory,
    CustomerCategoryFactory,
    CustomerFactory,
    EnrolmentFactory,
    GiftCardFactory,
    GoodsCategoryFactory,
    GoodsFactory,
    MembershipFactory,
    PointOfSaleFactory,
    PosFavouriteFactory,
    ProgramFactory,
    RuleFactory,
    SaleFactory,
    StampCardFactory,
    UserFactory,
)

FAR = 10_000_000


def panel_routes():
    """(url name, [int kwargs]) of every `panel:` route that takes ids."""
    found = []

    def walk(patterns, namespace, converters):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, ns, {**converters, **entry.pattern.converters})
            elif isinstance(entry, URLPattern) and namespace == "panel" and entry.name:
                all_converters = {**converters, **entry.pattern.converters}
                # Routes named by a slug (a message kind) address no row by id: not walked.
                if all_converters and all(
                    isinstance(c, IntConverter) for c in all_converters.values()
                ):
                    found.append((entry.name, all_converters))

    walk(get_resolver().url_patterns, "", {})
    return found


def fill_business_b():
    """One row (or more) of every tenant model that the panel shows, for business B.

    A page added for a new model needs a row of it here, or its routes pass vacuously.
    """
    b = BusinessFactory(name="Other business")
    owner_b = UserFactory(email="owner-b@example.com")
    MembershipFactory(business=b, user=owner_b, role=Membership.OWNER)
    program = ProgramFactory(business=b, brand=BrandFactory(business=b))
    pos = PointOfSaleFactory(program=program)
    category = GoodsCategoryFactory(business=b)
    goods = GoodsFactory(business=b, category=category)
    PosFavouriteFactory(point_of_sale=pos, goods=goods)
    customer_category = CustomerCategoryFactory(program=program)
    AccountTypeFactory(program=program)
    customer = CustomerFactory(business=b)
    EnrolmentFactory(customer=customer, program=program, category=customer_category)
    adjust(
        account=get_account(customer=customer, program=program),
        amount=Decimal("10"),
        staff=owner_b,
        reason="seed",
    )
    RuleFactory(program=program)
    now = timezone.now()
    Invitation.objects.create(
        business=b, email="invited@example.com", role=Membership.MANAGER, token_hash="0" * 64,
        sent_at=now, expires_at=now + timedelta(days=7),
    )  # fmt: skip
    issue_device(point_of_sale=pos, kind="terminal", name="Till")
    series = CouponSeries.objects.create(
        business=b, program=program, key="s", name="S", valid_days=30
    )
    CouponFactory(series=series, code="ABC-123")
    StampCardFactory(program=program, reward=series)
    PromotionChannel.objects.create(business=b, series=series, name="instagram")
    # Pages that exist only for some code modes, and a job with its rejected lines.
    for key, mode in (("pre", "pregenerated"), ("imp", "imported")):
        CouponSeries.objects.create(
            business=b, program=program, key=key, name=key, code_mode=mode, inventory=10,
            valid_days=30,
        )  # fmt: skip
    job = CodeJob.objects.create(business=b, series=series, kind=CodeJob.Kind.IMPORT)
    job.rejected_file.save("rejected.csv", ContentFile(b"code,reason\n"))
    certificate = GiftCertificate.objects.create(
        business=b, program=program, key="c", name="C", public_code="GIFT-1",
        public_code_norm="GIFT1",
    )  # fmt: skip
    CertificateSeriesFactory(certificate=certificate, series=series)
    CertificateCodeJob.objects.create(business=b, certificate=certificate, total=1)
    CertificateCode.objects.create(business=b, certificate=certificate, code="ONE-1",
                                   code_norm="ONE1")  # fmt: skip
    SaleFactory(program=program, pos=pos, customer=customer, time=timezone.now(), amount=1)
    GiftCardFactory(series__program=program)
    Campaign.objects.create(business=b, name="Campaign", segment={"kind": "all"})
    return b


def foreign_ids(business_b):
    """Every id of B's rows in every tenant model (and B itself)."""
    ids = {business_b.pk}
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            ids.update(model.objects.filter(business=business_b).values_list("pk", flat=True))
    return sorted(ids)


@pytest.fixture
def setup(db):
    business_b = fill_business_b()
    # Business A: only itself and its owner's membership, at ids no row of B has.
    a = BusinessFactory(pk=FAR, name="Mine")
    owner = UserFactory()
    MembershipFactory(pk=FAR, business=a, user=owner, role=Membership.OWNER)
    client = Client()
    client.force_login(owner)
    return client, foreign_ids(business_b)


def test_routes_are_found():
    names = {name for name, _ in panel_routes()}
    assert {"rule_edit", "customer_detail", "staff_edit", "device_revoke"} <= names


def test_every_panel_route_answers_404_for_another_business(setup):
    client, ids = setup
    assert ids
    leaks = []
    for name, converters in panel_routes():
        for pk in ids:
            if pk == FAR:
                continue
            url = reverse(f"panel:{name}", kwargs=dict.fromkeys(converters, pk))
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                # A POST-only view answers GET with 405 before looking anything up.
                if status != 404 and not (method == "get" and status == 405):
                    leaks.append(f"{method.upper()} {url} -> {status}")
    assert not leaks, "\n".join(leaks)


def test_the_walk_is_not_vacuous(setup):
    """B's own owner reaches every route with B's ids: A's 404s are real refusals.

    A route that answers 404 to B too has no row of its model in fill_business_b().
    """
    _client, ids = setup
    owner_b = Client()
    owner_b.force_login(get_user_model().objects.get(username="owner-b@example.com"))
    vacuous = []
    for name, converters in panel_routes():
        statuses = {
            owner_b.get(reverse(f"panel:{name}", kwargs=dict.fromkeys(converters, pk))).status_code
            for pk in ids
            if pk != FAR
        }
        if statuses == {404}:
            vacuous.append(name)
    assert not vacuous, f"add rows of these pages' models to fill_business_b(): {vacuous}"


def test_business_b_is_untouched(setup):
    b = Business.objects.get(name="Other business")
    assert Membership.objects.filter(business=b, revoked_at=None).count() == 1
