"""The kiosk API (/api/v1/kiosk/): a customer serves themselves on a tablet.

`identify` answers a short-lived customer token (header X-Customer-Token on the calls after
it). Where the program asks for a one-time code (`kiosk_requires_otp`), every identification,
by phone or by card, sends one to the customer's phone, and until `otp/verify` confirms it the
token shows nothing of the customer and spends nothing (quality.md R11: a card is no way round
the code, since anyone can hold up someone else's card or its QR).
"""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import services as certificate_services
from core.errors import NotFound, Refused
from core.net import client_address
from coupons import services as coupon_services
from coupons.models import CouponSeries
from coupons.selectors import series_title
from customers import ledger, otp
from customers import selectors as customer_selectors
from customers import services as customer_services
from customers import stamps as customer_stamps
from customers import tiers as customer_tiers
from customers.models import CustomerSession, Enrolment
from customers.phones import MASK_PUBLIC, mask_phone
from loyalty import engine
from loyalty.checks.results import money
from loyalty.checks.ruleset import load_program_rules

from . import serializers as s
from .common import IsKiosk
from .terminal import ERRORS, activation_answer, customer_answer, find_coupon_or_404
from .throttles import CODE_THROTTLES

TOKEN_HEADER = OpenApiParameter(
    "X-Customer-Token",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="The token answered by identify",
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class IdentifySerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, max_length=40)
    card = serializers.CharField(required=False, max_length=80)

    def validate(self, attrs):
        if bool(attrs.get("phone")) == bool(attrs.get("card")):
            raise serializers.ValidationError(_("Give exactly one of phone or card."))
        return attrs


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=80)


class KioskView(APIView):
    permission_classes = [IsKiosk]

    @property
    def device(self):
        return self.request.auth

    @property
    def point_of_sale(self):
        return self.request.auth.point_of_sale

    def session(self) -> CustomerSession:
        token = self.request.headers.get("X-Customer-Token", "")
        session = None
        if token:
            session = (
                CustomerSession.objects.select_related("customer")
                .filter(
                    token_hash=_hash(token),
                    device_id=self.device.pk,
                    expires_at__gt=timezone.now(),
                )
                .first()
            )
        if session is None:
            raise exceptions.NotAuthenticated(_("Identify the customer first (X-Customer-Token)."))
        return session

    def verified_session(self) -> CustomerSession:
        """The session, refused (422 otp_required) while its one-time code is unconfirmed:
        every call that shows or spends the customer's things goes through here."""
        session = self.session()
        if not session.otp_verified:
            raise Refused(
                _("Confirm the one-time code sent to your phone first."),
                code="otp_required",
                field="X-Customer-Token",
            )
        return session


def offers_for(*, point_of_sale, customer, at) -> list[dict]:
    program = point_of_sale.program
    compiled = load_program_rules(program)
    enrolment = (
        Enrolment.objects.filter(customer_id=customer.pk, program_id=program.pk)
        .select_related("category")
        .first()
    )
    who = engine.Customer(
        id=customer.pk,
        category=enrolment.category.key if enrolment and enrolment.category else None,
        has_completed_sales=True,
    )
    rules = engine.kiosk_offers(
        compiled.ruleset, point_of_sale.key, at, point_of_sale.business.timezone, who
    )
    keys = {r.coupon.series for r in rules if r.coupon}
    series = {
        x.key: x
        for x in CouponSeries.objects.filter(
            program_id=program.pk, key__in=keys, is_archived=False, kiosk_price__isnull=False
        )
    }
    offers = []
    for rule in rules:
        item = series.get(rule.coupon.series) if rule.coupon else None
        if item is None:
            continue
        quantity = rule.coupon.quantity
        offers.append(
            {
                "rule_id": rule.id,
                "key": rule.key,
                "explanation": rule.explanation,
                "series": item.key,
                "title": _localized(item.title) or item.name,
                "quantity": quantity,
                "price": money(item.kiosk_price * quantity),
            }
        )
    return offers


def _localized(texts: dict) -> str:
    from django.utils.translation import get_language

    texts = texts or {}
    return texts.get(get_language() or "en") or texts.get("en") or next(iter(texts.values()), "")


def with_self_service(coupons: list[dict], point_of_sale) -> list[dict]:
    """Marks the coupons whose series allows self-service redemption at the kiosk (the
    kiosk shows them a "use this coupon" button) and those that may be given away."""
    keys = {c["series"] for c in coupons}
    rows = CouponSeries.objects.filter(program_id=point_of_sale.program_id, key__in=keys).only(
        "key", "title", "name", "self_service", "transferable"
    )
    series = {row.key: row for row in rows}
    # The series' title in the customer's language: the page must not show the key (issue 21).
    language = get_language() or ""
    # transferable: the kiosk offers "Give to a friend" (kiosk/coupons/{code}/gift)
    return [
        {
            **c,
            "self_service": c["series"] in series and series[c["series"]].self_service,
            "transferable": c["series"] in series and series[c["series"]].transferable,
            "title": series_title(series[c["series"]], language) if c["series"] in series else "",
        }
        for c in coupons
    ]


def identified_answer(customer, *, point_of_sale, at) -> dict:
    """What the kiosk shows of an identified customer, once no code is pending."""
    answer = customer_answer(customer, point_of_sale=point_of_sale, at=at)
    return {
        "customer": answer,
        "balances": answer["balances"],
        # each balance's name and unit (payments.md: the kiosk shows every balance)
        "accounts": customer_selectors.account_labels(
            program=point_of_sale.program, currency=point_of_sale.business.currency
        ),
        "coupons": with_self_service(answer["coupons"], point_of_sale),
        "offers": offers_for(point_of_sale=point_of_sale, customer=customer, at=at),
        # promotions.md: the program's stamp cards, "4 of 6"
        "stamps": customer_stamps.customer_cards(customer=customer, program=point_of_sale.program),
        "tier": customer_tiers.customer_progress(customer=customer, program=point_of_sale.program),
    }


IDENTIFIED_FIELDS = {
    "customer": s.CustomerAnswerSerializer(required=False),
    "balances": serializers.DictField(required=False),
    "coupons": s.CouponAnswerSerializer(many=True, required=False),
    "offers": serializers.ListField(child=serializers.DictField(), required=False),
    "stamps": serializers.ListField(child=serializers.DictField(), required=False),
    "tier": serializers.DictField(required=False, allow_null=True),
}


class IdentifyView(KioskView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Identify the customer; answers a short-lived customer token",
        description=(
            "With `otp_required` the answer holds only the token, `expires_at` and "
            "`otp_sent_to` (the masked phone the code went to); the customer, balances, "
            "coupons and offers come from `otp/verify`."
        ),
        request=IdentifySerializer,
        responses={
            200: inline_serializer(
                "Identified",
                {
                    "customer_token": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                    "otp_required": serializers.BooleanField(),
                    "otp_sent_to": serializers.CharField(required=False),
                    **IDENTIFIED_FIELDS,
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request):
        ser = IdentifySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        pos = self.point_of_sale
        phone, card = ser.validated_data.get("phone"), ser.validated_data.get("card")
        otp_required = pos.program.kiosk_requires_otp
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        minutes = getattr(settings, "PERKLINE_CUSTOMER_TOKEN_MINUTES", 10)
        # One transaction: past the one-time code budget (R15) send_code raises Throttled
        # (429) and neither a registration nor a session is left behind.
        with transaction.atomic():
            customer = customer_services.find_customer(
                business=pos.business, phone=phone, card=card
            )
            if customer is None and phone and pos.program.auto_register:
                customer, _created = customer_services.get_or_register_by_phone(
                    business=pos.business, program=pos.program, phone=phone
                )
            if customer is None:
                raise NotFound(_("No such customer."), field="phone" if phone else "card")
            if otp_required:
                if not customer.phone:
                    raise Refused(
                        _("This card has no phone to send a one-time code to: ask at the till."),
                        code="otp_unavailable",
                        field="card",
                    )
                # By card too: the code goes to the card holder's phone (R11).
                otp.send_code(
                    business=pos.business,
                    phone=customer.phone,
                    purpose="kiosk",
                    address=client_address(request),
                )
            session = CustomerSession.objects.create(
                business_id=pos.business_id,
                device=self.device,
                customer=customer,
                token_hash=_hash(token),
                identified_by="phone" if phone else "card",
                otp_verified=not otp_required,
                expires_at=now + timedelta(minutes=minutes),
            )
        head = {
            "customer_token": token,
            "expires_at": session.expires_at.isoformat(),
            "otp_required": otp_required,
        }
        if otp_required:
            # Nothing of the customer before the code is verified: only where it went (R11).
            return Response({**head, "otp_sent_to": mask_phone(customer.phone, style=MASK_PUBLIC)})
        return Response({**head, **identified_answer(customer, point_of_sale=pos, at=now)})


class VerifyOtpView(KioskView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Confirm the one-time code sent to the customer's phone",
        description="Answers what identify answers without a code: customer, balances, "
        "coupons and offers.",
        request=CodeSerializer,
        parameters=[TOKEN_HEADER],
        responses={
            200: inline_serializer(
                "Verified", {"verified": serializers.BooleanField(), **IDENTIFIED_FIELDS}
            ),
            **ERRORS,
        },
    )
    def post(self, request):
        ser = CodeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        session = self.session()
        # A session verified already (a retry after a lost answer) needs no second code.
        if not session.otp_verified:
            ok = otp.verify_code(
                business=self.point_of_sale.business,
                phone=session.customer.phone,
                purpose="kiosk",
                code=ser.validated_data["code"],
            )
            if not ok:
                raise Refused(
                    _("The code is wrong or has expired."), code="otp_invalid", field="code"
                )
            CustomerSession.objects.filter(pk=session.pk).update(otp_verified=True)
        answer = identified_answer(
            session.customer, point_of_sale=self.point_of_sale, at=timezone.now()
        )
        return Response({"verified": True, **answer})


class WalletView(KioskView):
    @extend_schema(
        summary="The identified customer's coupons usable here",
        parameters=[TOKEN_HEADER],
        responses={200: s.CouponAnswerSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        session = self.verified_session()
        now = timezone.now()
        pos = self.point_of_sale
        coupons = coupon_services.wallet(customer=session.customer, point_of_sale=pos, at=now)
        answers = [
            coupon_services.coupon_answer(c, customer=session.customer, point_of_sale=pos, at=now)
            for c in coupons
        ]
        return Response(with_self_service(answers, pos))


class KioskActivateView(KioskView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Activate a gift certificate code",
        request=CodeSerializer,
        parameters=[TOKEN_HEADER],
        responses={
            200: inline_serializer(
                "KioskActivation",
                {
                    "certificate": serializers.CharField(),
                    "coupons": serializers.ListField(),
                    "not_given": serializers.ListField(),
                    "message": serializers.CharField(),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request):
        ser = CodeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        session = self.verified_session()
        result = certificate_services.activate_certificate(
            business=self.point_of_sale.business,
            code=ser.validated_data["code"],
            customer=session.customer,
            channel="kiosk",
            point_of_sale=self.point_of_sale,
            at=timezone.now(),
        )
        return Response(activation_answer(result))


class KioskClaimView(KioskView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Add a free coupon to the wallet",
        request=None,
        parameters=[TOKEN_HEADER],
        responses={200: s.CouponAnswerSerializer, **ERRORS},
    )
    def post(self, request, code):
        session = self.verified_session()
        coupon = find_coupon_or_404(self.device, code)
        now = timezone.now()
        coupon = coupon_services.claim_coupon(
            coupon=coupon,
            customer=session.customer,
            at=now,
            actor_kind="customer",
            actor=str(self.device),
            point_of_sale=self.point_of_sale,
        )
        return Response(
            coupon_services.coupon_answer(
                coupon, customer=session.customer, point_of_sale=self.point_of_sale, at=now
            )
        )


class KioskRedeemView(KioskView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Self-service redemption (series that allow it)",
        request=None,
        parameters=[TOKEN_HEADER],
        responses={
            200: inline_serializer(
                "KioskRedeemed",
                {
                    "coupon": s.CouponAnswerSerializer(),
                    "credited": serializers.DictField(allow_null=True),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request, code):
        session = self.verified_session()
        coupon = find_coupon_or_404(self.device, code)
        if not coupon.series.self_service:
            raise Refused(
                _("This coupon cannot be redeemed at the kiosk."),
                code="coupon_not_applicable",
                field="code",
            )
        now = timezone.now()
        customer, pos = session.customer, self.point_of_sale
        credited = None
        if coupon.series.reward_rule_id is None:
            coupon, entry = coupon_services.redeem_top_up(
                coupon=coupon,
                customer=customer,
                at=now,
                point_of_sale=pos,
                actor_kind="customer",
                actor=str(self.device),
            )
            credited = {"account": entry.account.key, "amount": money(entry.amount)}
        else:
            refusal = coupon_services.coupon_refusal(
                coupon=coupon, customer=customer, point_of_sale=pos, at=now
            )
            if refusal:
                raise Refused(refusal.replace("_", " "), code=refusal, field="code")
            coupon = coupon_services.redeem_coupon(
                coupon=coupon,
                at=now,
                customer=customer,
                point_of_sale=pos,
                actor_kind="customer",
                actor=str(self.device),
            )
        return Response(
            {
                "coupon": coupon_services.coupon_answer(
                    coupon, customer=customer, point_of_sale=pos, at=now
                ),
                "credited": credited,
            }
        )


class BuyOfferView(KioskView):
    @extend_schema(
        summary="Buy a kiosk offer's coupons with points",
        request=None,
        parameters=[TOKEN_HEADER],
        responses={
            201: inline_serializer(
                "Bought",
                {
                    "coupons": serializers.ListField(),
                    "points_paid": serializers.CharField(),
                    "balances": serializers.DictField(),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request, rule_id):
        session = self.verified_session()
        pos, customer, now = self.point_of_sale, session.customer, timezone.now()
        offer = next(
            (
                o
                for o in offers_for(point_of_sale=pos, customer=customer, at=now)
                if o["rule_id"] == rule_id
            ),
            None,
        )
        if offer is None:
            raise NotFound(_("No such offer here."), field="rule_id")
        price = Decimal(offer["price"])
        series = CouponSeries.objects.get(program_id=pos.program_id, key=offer["series"])
        with transaction.atomic():
            account = ledger.get_account(
                customer=customer, program=pos.program, key="bonus", lock=True
            )
            if price > 0:
                ledger.spend(
                    account=account, amount=price, at=now, reason=f"kiosk offer {offer['key']}"
                )
            coupons = coupon_services.issue_coupons(
                series=series,
                quantity=offer["quantity"],
                at=now,
                customer=customer,
                actor_kind="customer",
                actor=str(self.device),
                point_of_sale=pos,
            )
        from customers import selectors

        from .terminal import balances_answer

        return Response(
            {
                "coupons": [
                    {
                        "series": c.series.key,
                        "code": c.code,
                        "valid_to": c.valid_to.isoformat() if c.valid_to else None,
                    }
                    for c in coupons
                ],
                "points_paid": money(price),
                "balances": balances_answer(
                    selectors.balances(customer=customer, program=pos.program, at=now)
                ),
            },
            status=201,
        )
