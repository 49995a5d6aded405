"""The body of `POST checks/{id}/cancel`: optional, an object with an optional `reason`.

terminal-api.md fixes no body for cancel; `reason` is an extension (kept in
`Sale.cancel_reason`, as the cashier page keeps its own). An empty body cancels as before.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.errors import ValidationFailed
from loyalty.models import Sale

REASON_MAX = Sale._meta.get_field("cancel_reason").max_length


class StrictCharField(serializers.CharField):
    """A JSON string only: DRF's CharField would turn 12 or true-ish numbers into text."""

    default_error_messages = {"invalid": _("Not a valid string.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CancelRequestSerializer(serializers.Serializer):
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=REASON_MAX,
        help_text="Why the sale is cancelled (optional, at most 200 characters); kept on the "
        "sale and shown on its receipt. A repeated cancel keeps the first reason.",
    )


def parse_cancel(data) -> str:
    """The reason of a cancel request ("" when none); 400 validation_error on a bad body."""
    if data in (None, "") or (hasattr(data, "keys") and not data):
        return ""
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        raise ValidationFailed(_("The request body must be a JSON object."), field=None)
    ser = CancelRequestSerializer(data=data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data.get("reason", "").strip()
