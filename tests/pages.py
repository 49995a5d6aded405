"""Every page a person sees (panel, cashier, kiosk, public), filled with rows so that each
renders its tables, for the tests that look at all of them: uk completeness, local times,
layouts (tests/deploy/test_every_page.py, tests/browser/test_layouts.py).

Routes are read from the URL resolver, so a page added later is walked too: a route not in
ARGS below is tried with the ids of the business's rows until one answers 200.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from coupons.models import CodeJob, PromotionChannel
from customers import ledger
from loyalty.checks import CheckInput, PositionInput, cancel_sale, confirm_check
from loyalty.models import Invitation, Membership, PosFavourite, Sale
from loyalty.models.base import TenantModel
from loyalty.services.devices import issue_device
from terminal.views.access import POS_SESSION_KEY
from terminal.views.public_auth import CUSTOMER_KEY
from tests.factories import AccountTypeFactory, BrandFactory, MembershipFactory, UserFactory
from tests.terminal.cashier.shop import Shop, make_shop

NAMESPACES = ("panel", "cashier", "kiosk", "public")
# Not pages: files, JSON, actions that only answer POST, or pages for another visitor.
SKIP = {
    "panel:logout",
    "panel:switch_business",
    "panel:report_download",
    "panel:report_table",
    "panel:redemption_export",
    "panel:program_export",
    "panel:gift_card_export",
    "panel:stamp_card_index",
    "public:card_pkpass",
    "panel:series_qr_png",
    "panel:series_qr_svg",
    "panel:coupon_qr_png",
    "panel:coupon_qr_svg",
    "panel:code_job_progress",
    "panel:code_job_rejected",
    "panel:staff_revoke",
    "panel:staff_invitation_resend",
    "panel:staff_invitation_revoke",
    "panel:device_revoke",
    "panel:invitations:open",
    "panel:signup",
    "panel:onboarding",
    "panel:onboarding_key",
    "panel:onboarding_rules",
    "panel:business_create",
    "cashier:index",
    "cashier:leave_pos",
    "cashier:api_goods",
    "cashier:api_customer",
    "cashier:api_register",
    "cashier:api_evaluate",
    "cashier:api_certificate",
    "cashier:api_confirm",
    "panel:rule_index",
    "panel:device_key",
    "public:sign_out",
}
# The JSON behind the cashier page: not pages.
JSON_PREFIXES = ("cashier:api_",)
ANONYMOUS = {"panel:login", "kiosk:page"}


@dataclass
class Page:
    name: str  # the route, "panel:rule_edit"
    url: str
    user: object = None  # None: an anonymous visitor
    pos: object = None  # the cashier's point of sale in the session
    customer: object = None  # a customer signed in on the public pages


@dataclass
class World:
    shop: Shop
    owner: object
    sale: Sale
    cancelled: Sale
    coupon: object
    wallet_coupon: object
    certificate: object
    job: CodeJob
    invitation: Invitation
    device: object


def build_world(**shop_fields) -> World:
    """A shop with a day of work: sales (one cancelled), coupons, a certificate, a job, an
    invitation, a device, an account type."""
    shop = make_shop(**shop_fields)
    owner = UserFactory()
    MembershipFactory(business=shop.business, user=owner, role=Membership.OWNER)
    AccountTypeFactory(program=shop.program)
    BrandFactory(business=shop.business)

    def sell(price):
        answer = confirm_check(
            point_of_sale=shop.pos,
            data=CheckInput(
                positions=(PositionInput(code="LATTE", price=Decimal(price), quantity=Decimal(1)),),
                customer={"id": shop.customer.pk},
            ),
            staff=shop.cashier,
        )
        return Sale.objects.get(pk=answer.body["sale"]["id"])

    sale = sell("60.00")
    cancelled = sell("45.00")
    cancel_sale(sale=cancelled, staff=shop.cashier)
    ledger.adjust(
        account=ledger.get_account(customer=shop.customer, program=shop.program),
        amount=Decimal("5"),
        staff=owner,
        reason="welcome gift",
    )
    job = CodeJob.objects.create(
        business=shop.business, series=shop.series, kind="generate", state="running", total=200,
        done=50,
    )  # fmt: skip
    PromotionChannel.objects.create(business=shop.business, series=shop.series, name="instagram")
    now = timezone.now()
    invitation = Invitation.objects.create(
        business=shop.business, email="invited@example.com", role=Membership.CASHIER,
        token_hash="1" * 64, sent_at=now, expires_at=now + timedelta(days=7),
    )  # fmt: skip
    device, _key = issue_device(point_of_sale=shop.pos, kind="terminal", name="Till")
    PosFavourite.objects.create(
        business=shop.business, point_of_sale=shop.pos, goods=shop.goods["LATTE"], position=0
    )
    return World(
        shop=shop,
        owner=owner,
        sale=sale,
        cancelled=cancelled,
        coupon=shop.free_coupon(),
        wallet_coupon=shop.wallet_coupon(shop.customer),
        certificate=shop.certificate(),
        job=job,
        invitation=invitation,
        device=device,
    )


def routes():
    """(full name, converters) of every route in NAMESPACES."""
    found = []

    def walk(patterns, namespace, converters):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, ns, {**converters, **entry.pattern.converters})
            elif isinstance(entry, URLPattern) and entry.name and ns_root(namespace) in NAMESPACES:
                found.append(
                    (f"{namespace}:{entry.name}", {**converters, **entry.pattern.converters})
                )

    walk(get_resolver().url_patterns, "", {})
    return found


def ns_root(namespace):
    return namespace.split(":")[0]


def _args(world: World) -> dict:
    shop = world.shop
    rule = shop.manual_rule
    membership = Membership.objects.get(business=shop.business, user=shop.cashier)
    customer_category = shop.customer.enrolments.first().category
    account_type = shop.program.account_types.first()
    return {
        "panel:program_edit": {"pk": shop.program.pk},
        "panel:pos_edit": {"pk": shop.pos.pk},
        "panel:pos_favourites": {"pk": shop.pos.pk},
        "panel:rule_list": {"program_pk": shop.program.pk},
        "panel:rule_create": {"program_pk": shop.program.pk},
        "panel:rule_edit": {"pk": rule.pk},
        "panel:rule_delete": {"pk": rule.pk},
        "panel:goods_edit": {"pk": shop.goods["LATTE"].pk},
        "panel:category_edit": {"pk": shop.goods["LATTE"].category_id},
        "panel:staff_edit": {"pk": membership.pk},
        "panel:device_key": {"pk": world.device.pk},
        "panel:customer_detail": {"pk": shop.customer.pk},
        "panel:customer_edit": {"pk": shop.customer.pk},
        "panel:customer_category_edit": {"pk": customer_category.pk},
        "panel:account_type_edit": {"pk": account_type.pk},
        "panel:coupon_detail": {"pk": world.wallet_coupon.pk},
        "panel:code_job": {"pk": world.job.pk},
        "panel:certificate_detail": {"pk": world.certificate.pk},
        "panel:certificate_edit": {"pk": world.certificate.pk},
        "panel:certificate_codes": {"pk": world.certificate.pk},
        "panel:certificate_codes_print": {"pk": world.certificate.pk},
        "cashier:receipt": {"sale_id": world.sale.pk},
        "cashier:cancel": {"sale_id": world.sale.pk},
        "public:coupon": {"code": world.coupon.code},
        "public:certificate": {"code": world.certificate.public_code},
        "public:series": {"token": shop.series.token},
        "public:wallet": {"business": shop.business.slug},
    }


def _tenant_ids(business):
    ids = []
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            ids += model.objects.filter(business=business).values_list("pk", flat=True)
    return sorted(set(ids))


def every_page(world: World) -> list[Page]:
    shop = world.shop
    known = _args(world)
    pages = []
    for name, converters in routes():
        if name in SKIP or name.startswith(JSON_PREFIXES):
            continue
        namespace = ns_root(name)
        if name in ANONYMOUS:
            user, pos = None, None
        elif namespace == "panel":
            user, pos = world.owner, None
        elif namespace == "cashier":
            user, pos = shop.cashier, shop.pos
        else:
            user, pos = None, None
        base = Page(name, "", user, pos, shop.customer if name == "public:wallet" else None)
        if not converters:
            pages.append(_with(base, reverse(name)))
        elif name in known:
            pages.append(_with(base, reverse(name, kwargs=known[name])))
        else:
            url = _guess(base, name, converters, _tenant_ids(shop.business))
            if url:
                pages.append(_with(base, url))
    # A second look at a few pages in another state.
    pages.append(
        _with(
            Page("cashier:receipt (cancelled)", "", shop.cashier, shop.pos),
            reverse("cashier:receipt", args=[world.cancelled.pk]),
        )
    )
    pages.append(
        _with(
            Page("public:wallet (sign in)", ""),
            reverse("public:wallet", args=[shop.business.slug]),
        )
    )
    return pages


def _with(page, url):
    page.url = url
    return page


def _guess(page, name, converters, ids):
    client = client_for(page)
    for pk in ids:
        url = reverse(name, kwargs=dict.fromkeys(converters, pk))
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            return url
    return None


def client_for(page: Page, language: str | None = None) -> Client:
    client = Client(headers={"accept-language": language} if language else {})
    if page.user is not None:
        client.force_login(page.user)
    session = client.session
    if page.pos is not None:
        session[POS_SESSION_KEY] = page.pos.pk
    if page.customer is not None:
        session[CUSTOMER_KEY] = {
            "business": page.customer.business_id,
            "customer": page.customer.pk,
        }
    session.save()
    if page.pos is not None or page.customer is not None:
        client.cookies["sessionid"] = session.session_key
    return client
