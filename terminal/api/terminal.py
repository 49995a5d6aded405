"""The terminal API (/api/v1/terminal/): thin views over the services."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates import services as certificate_services
from core.errors import DomainError, NotFound, ValidationFailed
from core.tenancy import scoped
from coupons import services as coupon_services
from customers import selectors as customer_selectors
from customers import services as customer_services
from customers.models import Customer, Enrolment
from customers.phones import mask_phone
from giftcards import selectors as giftcard_selectors
from loyalty.checks import cancel_sale, confirm_check, evaluate_check
from loyalty.checks.context import resolve_customer
from loyalty.checks.results import money
from loyalty.checks.ruleset import load_program_rules
from loyalty.models import Sale

from ..code_budget import count_lookup, count_unknown_codes, presented_codes
from . import serializers as s
from .cancel_request import CancelRequestSerializer, parse_cancel
from .check_request import parse_check
from .common import IsTerminal, customer_for_action, request_hash
from .throttles import CODE_THROTTLES

ERRORS = {
    400: s.ErrorSerializer,
    401: s.ErrorSerializer,
    404: s.ErrorSerializer,
    422: s.ErrorSerializer,
}

JSON = "application/json"

CHECK_EXAMPLE = OpenApiExample(
    "Two lattes for a known customer",
    value={
        "customer": {"phone": "+380501234567"},
        "positions": [
            {
                "code": "LATTE",
                "title": "Latte",
                "category": "coffee",
                "price": "60.00",
                "quantity": "2",
            }
        ],
        "manual_rules": [],
        "coupons": [],
        "pay_with_points": "0.00",
        "external_id": "POS-000123",
    },
    request_only=True,
)


class TerminalView(APIView):
    permission_classes = [IsTerminal]

    @property
    def device(self):
        return self.request.auth

    @property
    def point_of_sale(self):
        return self.request.auth.point_of_sale


def balances_answer(balances: dict) -> dict:
    return {
        key: {name: money(value) for name, value in figures.items()}
        for key, figures in balances.items()
    }


def customer_answer(customer, *, point_of_sale, at=None) -> dict:
    at = at or timezone.now()
    program = point_of_sale.program
    enrolment = (
        Enrolment.objects.filter(customer_id=customer.pk, program_id=program.pk)
        .select_related("category")
        .first()
    )
    wallet = coupon_services.wallet(customer=customer, point_of_sale=point_of_sale, at=at)
    return {
        "id": customer.pk,
        "name": customer.name,
        "phone": mask_phone(customer.phone),
        "card": customer.card_code,
        "category": enrolment.category.key if enrolment and enrolment.category else None,
        "balances": balances_answer(
            customer_selectors.balances(customer=customer, program=program, at=at)
        ),
        "coupons": [
            coupon_services.coupon_answer(c, customer=customer, point_of_sale=point_of_sale, at=at)
            for c in wallet
        ],
    }


class PingView(TerminalView):
    @extend_schema(
        summary="The device's business and point of sale",
        responses={
            200: inline_serializer(
                "Ping",
                {
                    "business": serializers.CharField(),
                    "point_of_sale": serializers.CharField(),
                    "program": serializers.CharField(),
                    "device": serializers.CharField(),
                    "time": serializers.DateTimeField(),
                },
            )
        },
    )
    def get(self, request):
        pos = self.point_of_sale
        return Response(
            {
                "business": pos.business.slug,
                "point_of_sale": pos.key,
                "program": pos.program.key,
                "device": self.device.name,
                "time": timezone.now().isoformat(),
            }
        )


class CustomerLookupView(TerminalView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Find a customer by phone or card",
        parameters=[
            OpenApiParameter("phone", str, description="Phone in any common local format"),
            OpenApiParameter("card", str, description="Card (QR) code"),
        ],
        responses={200: s.CustomerAnswerSerializer, **ERRORS},
    )
    def get(self, request):
        phone = request.query_params.get("phone", "").strip()
        card = request.query_params.get("card", "").strip()
        if not phone and not card:
            raise ValidationFailed("Give phone or card.", field="phone")
        for name, value in (("phone", phone), ("card", card)):
            if not value.isprintable() or len(value) > 80:
                raise ValidationFailed("Not a valid value.", field=name)
        pos = self.point_of_sale
        customer = customer_services.find_customer(
            business=pos.business, phone=phone or None, card=card or None
        )
        if customer is None:
            raise NotFound("No such customer.", field="phone" if phone else "card")
        return Response(customer_answer(customer, point_of_sale=pos))


class CustomersView(TerminalView):
    @extend_schema(
        summary="Register a customer by phone (an existing phone answers 200 with it)",
        request=s.RegisterCustomerSerializer,
        responses={201: s.CustomerAnswerSerializer, 200: s.CustomerAnswerSerializer, **ERRORS},
    )
    def post(self, request):
        ser = s.RegisterCustomerSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        pos = self.point_of_sale
        data = ser.validated_data
        existing = customer_services.find_customer(business=pos.business, phone=data["phone"])
        if existing is not None:
            # The answer tells that the phone is registered (and its card): a look-up (R13).
            count_lookup(request)
            customer_services.enrol(customer=existing, program=pos.program)
            return Response(customer_answer(existing, point_of_sale=pos), status=200)
        customer = customer_services.register_customer(
            business=pos.business,
            program=pos.program,
            phone=data["phone"],
            name=data.get("name", ""),
            email=data.get("email", ""),
            birthday=data.get("birthday"),
            language=data.get("language", ""),
        )
        return Response(customer_answer(customer, point_of_sale=pos), status=201)


class ManualRulesView(TerminalView):
    @extend_schema(
        summary="Manual rules a cashier may select here",
        responses={
            200: inline_serializer(
                "ManualRule",
                {
                    "id": serializers.IntegerField(),
                    "key": serializers.CharField(),
                    "name": serializers.CharField(),
                    "explanation": serializers.CharField(),
                },
                many=True,
            )
        },
    )
    def get(self, request):
        pos = self.point_of_sale
        compiled = load_program_rules(pos.program)
        rules = sorted(
            (
                r
                for r in compiled.rules_by_id.values()
                if r.mode == "manual" and (not r.points_of_sale or pos.key in r.points_of_sale)
            ),
            key=lambda r: (r.priority, r.order),
        )
        return Response(
            [
                {"id": r.id, "key": r.key, "name": r.name, "explanation": r.explanation}
                for r in rules
            ]
        )


class EvaluateView(TerminalView):
    @extend_schema(
        summary="Evaluate a check (writes nothing)",
        request=s.CheckRequestSerializer,
        responses={200: s.CheckResultSerializer, **ERRORS},
        examples=[CHECK_EXAMPLE],
    )
    def post(self, request):
        data = parse_check(request.data)
        with presented_codes(request, codes=data.coupons + data.gift_card_codes):
            body = evaluate_check(point_of_sale=self.point_of_sale, data=data)
        count_unknown_codes(request, body)
        return Response(body)


class ConfirmView(TerminalView):
    @extend_schema(
        summary="Confirm a check (requires Idempotency-Key)",
        request=s.CheckRequestSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="1..255 characters, unique per device and sale",
            )
        ],
        responses={201: s.CheckResultSerializer, 409: s.ErrorSerializer, **ERRORS},
        examples=[CHECK_EXAMPLE],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "")
        if not key or len(key) > 255:
            raise ValidationFailed(
                "The Idempotency-Key header is required (1..255 characters).",
                field="Idempotency-Key",
            )
        data = parse_check(request.data)
        with presented_codes(request, codes=data.coupons + data.gift_card_codes):
            answer = confirm_check(
                point_of_sale=self.point_of_sale,
                data=data,
                device=self.device,
                idempotency_key=key,
                request_hash=request_hash(request.data),
            )
        # The stored text itself: a replay answers the same bytes as the first confirm.
        return HttpResponse(answer.content, status=answer.status, content_type=JSON)


def sale_answer(sale) -> dict:
    body = dict(sale.result)
    body["status"] = sale.status
    body["cancelled_at"] = sale.cancelled_at.isoformat() if sale.cancelled_at else None
    body["time"] = sale.time.isoformat()
    body["point_of_sale"] = sale.point_of_sale.key
    return body


class SaleView(TerminalView):
    @extend_schema(
        summary="A confirmed sale as stored",
        responses={200: s.CheckResultSerializer, 404: s.ErrorSerializer},
    )
    def get(self, request, sale_id):
        sale = (
            scoped(Sale, self.device.business_id)
            .select_related("point_of_sale")
            .filter(pk=sale_id)
            .first()
        )
        if sale is None:
            raise NotFound()
        return Response(sale_answer(sale))


class CancelView(TerminalView):
    @extend_schema(
        summary="Cancel (refund) a confirmed sale; idempotent",
        description='The body is optional: `{"reason": "..."}` keeps why on the sale.',
        request=CancelRequestSerializer,
        examples=[
            OpenApiExample(
                "With a reason", value={"reason": "Wrong item rung up"}, request_only=True
            )
        ],
        responses={200: s.CheckResultSerializer, 400: s.ErrorSerializer, 404: s.ErrorSerializer},
    )
    def post(self, request, sale_id):
        reason = parse_cancel(request.data)  # a bad body writes nothing
        sale = scoped(Sale, self.device.business_id).filter(pk=sale_id).first()
        if sale is None:
            raise NotFound()
        sale = cancel_sale(sale=sale, device=self.device, reason=reason)
        sale = Sale.objects.select_related("point_of_sale").get(pk=sale.pk)
        return Response(sale_answer(sale))


def find_coupon_or_404(device, code):
    coupon = coupon_services.find_coupon(business=device.business, code=code)
    if coupon is None:
        raise NotFound("No such coupon.", code="coupon_not_found", field="code")
    return coupon


class CouponView(TerminalView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="A coupon's state and whether it can be used here and now",
        parameters=[
            OpenApiParameter("phone", str, description="Who presents it: a phone"),
            OpenApiParameter("card", str, description="... or a card (QR) code"),
            OpenApiParameter("customer", int, description="... or a customer id"),
        ],
        responses={200: s.CouponAnswerSerializer, **ERRORS},
    )
    def get(self, request, code):
        ser = s.CouponPresenterSerializer(data=request.query_params)
        ser.is_valid(raise_exception=True)
        coupon = find_coupon_or_404(self.device, code)
        pos, now = self.point_of_sale, timezone.now()
        customer = presenter(pos, ser.validated_data, now)
        return Response(
            coupon_services.coupon_answer(coupon, customer=customer, point_of_sale=pos, at=now)
        )


class GiftCardView(TerminalView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="A gift card's balance, validity and state (payments.md)",
        responses={200: s.GiftCardAnswerSerializer, **ERRORS},
    )
    def get(self, request, code):
        pos = self.point_of_sale
        card = giftcard_selectors.visible_card(
            business_id=pos.business_id, program_id=pos.program_id, code=code
        )
        if card is None:
            raise NotFound(_("No such gift card."), code="gift_card_not_found", field="code")
        return Response(giftcard_selectors.card_answer(card, program_id=pos.program_id))


def presenter(point_of_sale, query: dict, at):
    """The customer a coupon query names, or None. An unknown phone where the program
    registers new phones is somebody who holds nothing yet: a customer not saved."""
    ref = {name: query[key] for name, key in PRESENTER_KEYS if query.get(key) not in (None, "")}
    if not ref:
        return None
    business, program = point_of_sale.business, point_of_sale.program
    try:
        customer, new_phone = resolve_customer(business=business, program=program, ref=ref, at=at)
    except DomainError as exc:
        exc.field = dict(PRESENTER_KEYS)[next(iter(ref))]  # the query's own name
        raise
    if customer is None and new_phone:
        return Customer(business_id=business.pk, phone=new_phone)
    return customer


PRESENTER_KEYS = (("phone", "phone"), ("card", "card"), ("id", "customer"))


class CouponClaimView(TerminalView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Put a free coupon into a customer's wallet",
        request=s.CustomerBodySerializer,
        responses={200: s.CouponAnswerSerializer, **ERRORS},
    )
    def post(self, request, code):
        ser = s.CustomerBodySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        coupon = find_coupon_or_404(self.device, code)
        customer = customer_for_action(device=self.device, ref=ser.validated_data["customer"])
        now = timezone.now()
        coupon = coupon_services.claim_coupon(
            coupon=coupon,
            customer=customer,
            at=now,
            actor_kind="device",
            actor=str(self.device),
            point_of_sale=self.point_of_sale,
        )
        return Response(
            coupon_services.coupon_answer(
                coupon, customer=customer, point_of_sale=self.point_of_sale, at=now
            )
        )


class CouponRedeemView(TerminalView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Redeem a top-up coupon outside a sale",
        request=s.CustomerBodySerializer,
        responses={
            200: inline_serializer(
                "Redeemed",
                {
                    "coupon": s.CouponAnswerSerializer(),
                    "credited": inline_serializer(
                        "Credited",
                        {"account": serializers.CharField(), "amount": serializers.CharField()},
                    ),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request, code):
        ser = s.CustomerBodySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        coupon = find_coupon_or_404(self.device, code)
        customer = customer_for_action(device=self.device, ref=ser.validated_data["customer"])
        now = timezone.now()
        coupon, entry = coupon_services.redeem_top_up(
            coupon=coupon,
            customer=customer,
            at=now,
            point_of_sale=self.point_of_sale,
            actor_kind="device",
            actor=str(self.device),
        )
        return Response(
            {
                "coupon": coupon_services.coupon_answer(
                    coupon, customer=customer, point_of_sale=self.point_of_sale, at=now
                ),
                "credited": {"account": entry.account.key, "amount": money(entry.amount)},
            }
        )


def activation_answer(result) -> dict:
    return {
        "certificate": result.certificate.key,
        "coupons": [
            {
                "series": c.series.key,
                "code": c.code,
                "valid_to": c.valid_to.isoformat() if c.valid_to else None,
            }
            for c in result.coupons
        ],
        "not_given": result.not_given,
        "message": str(result.message),
    }


class ActivateCertificateView(TerminalView):
    throttle_classes = CODE_THROTTLES
    channel = "terminal"

    @extend_schema(
        summary="Activate a gift certificate code for a customer",
        request=s.ActivateSerializer,
        responses={
            200: inline_serializer(
                "Activation",
                {
                    "certificate": serializers.CharField(),
                    "coupons": serializers.ListField(child=serializers.DictField()),
                    "not_given": serializers.ListField(child=serializers.DictField()),
                    "message": serializers.CharField(),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request):
        ser = s.ActivateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        customer = customer_for_action(device=self.device, ref=ser.validated_data["customer"])
        result = certificate_services.activate_certificate(
            business=self.device.business,
            code=ser.validated_data["code"],
            customer=customer,
            channel=self.channel,
            point_of_sale=self.point_of_sale,
            at=timezone.now(),
        )
        return Response(activation_answer(result), status=status.HTTP_200_OK)
