"""Kiosk API additions of issue 18: the kiosk's own business for its top bar (`about`) and
giving a coupon to a friend from the kiosk (`coupons/{code}/gift`), the wallet page's gift
link and send-to-phone through the same `coupons.gifts` service."""

import base64

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.errors import NotFound
from core.qr import qr_png
from coupons.gifts import create_gift
from customers.phones import MASK_PUBLIC, mask_phone

from .kiosk import TOKEN_HEADER, KioskView
from .terminal import ERRORS, find_coupon_or_404
from .throttles import CODE_THROTTLES


class AboutView(KioskView):
    @extend_schema(
        summary="The kiosk's business and point of sale (its name and logo for the top bar)",
        responses={
            200: inline_serializer(
                "KioskAbout",
                {
                    "business": inline_serializer(
                        "KioskBusiness",
                        {
                            "name": serializers.CharField(),
                            "logo": serializers.CharField(allow_null=True),
                        },
                    ),
                    "point_of_sale": serializers.CharField(),
                },
            ),
            **ERRORS,
        },
    )
    def get(self, request):
        pos = self.point_of_sale
        business = pos.business
        logo = request.build_absolute_uri(business.logo.url) if business.logo else None
        return Response(
            {"business": {"name": business.name, "logo": logo}, "point_of_sale": pos.name}
        )


class GiftSerializer(serializers.Serializer):
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40)


class KioskGiftView(KioskView):
    throttle_classes = CODE_THROTTLES

    @extend_schema(
        summary="Give a coupon of the wallet to a friend: a gift link, or sent to a phone",
        description=(
            "Only coupons of a `transferable` series in the identified customer's wallet. "
            "Without `phone` the answer's `link` (and its QR, `qr`, a PNG data URL) is shown "
            "for the friend to scan; with `phone` the link goes to that phone by SMS and only "
            "that phone may claim it. The coupon stays in the wallet until claimed; the link "
            "lapses after 7 days."
        ),
        request=GiftSerializer,
        parameters=[TOKEN_HEADER],
        responses={
            201: inline_serializer(
                "KioskGift",
                {
                    "link": serializers.CharField(),
                    "qr": serializers.CharField(),
                    "expires_at": serializers.DateTimeField(),
                    "sent_to": serializers.CharField(allow_null=True),
                },
            ),
            **ERRORS,
        },
    )
    def post(self, request, code):
        ser = GiftSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        session = self.verified_session()
        coupon = find_coupon_or_404(self.device, code)
        if coupon.customer_id != session.customer.pk:
            # Another wallet's coupon is not the customer's to give (and not said to exist).
            raise NotFound(_("No such coupon."), code="coupon_not_found", field="code")

        def link(token: str) -> str:
            return request.build_absolute_uri(reverse("public:gift", args=[token]))

        gift = create_gift(
            coupon=coupon,
            giver=session.customer,
            at=timezone.now(),
            phone=ser.validated_data.get("phone", "").strip(),
            link=link,
        )
        url = link(gift.token)
        qr = "data:image/png;base64," + base64.b64encode(qr_png(url, size=258)).decode()
        return Response(
            {
                "link": url,
                "qr": qr,
                "expires_at": gift.expires_at.isoformat(),
                "sent_to": mask_phone(gift.phone, style=MASK_PUBLIC) if gift.phone else None,
            },
            status=201,
        )
