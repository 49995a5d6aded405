"""Reads over gift certificates: statistics."""

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from coupons.models import Coupon
from coupons.validity import business_tz

from .models import Activation


def certificate_stats(certificate) -> dict:
    """Activations (in total and per day, business time zone), coupons given, and how many
    of those coupons were redeemed later."""
    tz = business_tz(certificate.business)
    activations = Activation.objects.filter(certificate=certificate)
    per_day = (
        activations.annotate(day=TruncDate("at", tzinfo=tz))
        .values("day")
        .annotate(activations=Count("id"))
        .order_by("day")
    )
    given = Coupon.objects.filter(
        pk__in=Activation.coupons.through.objects.filter(
            activation__certificate=certificate
        ).values("coupon_id")
    ).aggregate(
        given=Count("id"),
        redeemed=Count("id", filter=Q(state=Coupon.State.REDEEMED)),
    )
    return {
        "activations": activations.count(),
        "uses_count": certificate.uses_count,
        "coupons_given": given["given"],
        "redeemed": given["redeemed"],
        "per_day": [
            {"date": row["day"].isoformat(), "activations": row["activations"]} for row in per_day
        ],
    }
