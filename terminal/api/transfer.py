"""`POST terminal/coupons/{code}/transfer` (terminal-api.md, journey.md "Give a coupon"): a
cashier moves a transferable coupon from one customer's wallet to another's."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.errors import DomainError, NotFound
from coupons import services as coupon_services
from loyalty.checks.context import resolve_customer

from . import serializers as s
from .common import customer_for_action
from .terminal import ERRORS, TerminalView, find_coupon_or_404
from .throttles import CODE_THROTTLES


class TransferSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared below under its JSON name.
    to = s.CustomerRefSerializer()

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = s.CustomerRefSerializer()
        return fields


class CouponTransferView(TerminalView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Move a transferable coupon from one customer's wallet to another's",
        request=TransferSerializer,
        responses={200: s.CouponAnswerSerializer, **ERRORS},
    )
    def post(self, request, code):
        ser = TransferSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        coupon = find_coupon_or_404(self.device, code)
        pos, now = self.point_of_sale, timezone.now()
        # The giver must exist already (nothing is registered for a refused transfer); the
        # friend is registered where the program registers unknown phones, as on claim.
        try:
            giver, _new_phone = resolve_customer(
                business=pos.business, program=pos.program, ref=ser.validated_data["from"], at=now
            )
        except DomainError as exc:
            exc.field = "from"
            raise
        if giver is None:
            raise NotFound(_("No such customer."), field="from")
        try:
            with transaction.atomic():  # a refused transfer registers nobody either
                receiver = customer_for_action(device=self.device, ref=ser.validated_data["to"])
                coupon = coupon_services.transfer_coupon(
                    coupon=coupon,
                    giver=giver,
                    receiver=receiver,
                    at=now,
                    actor_kind="device",
                    actor=str(self.device),
                    point_of_sale=pos,
                )
        except DomainError as exc:
            if exc.field in ("customer", "receiver"):
                exc.field = "to"
            raise
        return Response(
            coupon_services.coupon_answer(coupon, customer=receiver, point_of_sale=pos, at=now)
        )
