"""Stable codes of the engine: the error it raises and the reasons it reports.

`EngineError` is raised for input the engine refuses as a whole (a malformed check, an
invalid rule at compile time, a points payment that cannot be made). The callers map it to
the API's error shape: `code`, `message`, `field`.

The `Reason` codes explain, in `EvaluationResult.not_applied`, why a candidate did not apply.
Messages are plain English; callers translate by code.
"""


class EngineError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def __repr__(self):
        return f"EngineError({self.code!r}, {self.message!r}, {self.field!r})"

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field}


# EngineError codes
VALIDATION_ERROR = "validation_error"
INVALID_RULE = "invalid_rule"
CUSTOMER_REQUIRED = "customer_required"
INSUFFICIENT_POINTS = "insufficient_points"
POINTS_SHARE_EXCEEDED = "points_share_exceeded"


class Reason:
    """Codes of `NotApplied.code`."""

    RULE_NOT_FOUND = "rule_not_found"
    COUPON_NOT_APPLICABLE = "coupon_not_applicable"
    POINT_OF_SALE = "point_of_sale"
    OUTSIDE_SCHEDULE = "outside_schedule"
    CUSTOMER_IDENTITY = "customer_identity"
    CUSTOMER_CATEGORY = "customer_category"
    APPLIES_TO_SALES = "applies_to_sales"
    NO_MATCHING_GOODS = "no_matching_goods"
    MIN_QUANTITY = "min_quantity"
    NO_THRESHOLD = "no_threshold"
    NOT_COMBINABLE = "not_combinable"
    CUSTOMER_REQUIRED = "customer_required"
    NO_EFFECT = "no_effect"
    QUANTITY_LIMIT = "quantity_limit"  # promotions.md
    BIRTHDAY = "birthday"  # promotions.md


REASON_MESSAGES: dict[str, str] = {
    Reason.RULE_NOT_FOUND: "No such manual rule in this program.",
    Reason.COUPON_NOT_APPLICABLE: "This coupon cannot be applied to this check.",
    Reason.POINT_OF_SALE: "Not available at this point of sale.",
    Reason.OUTSIDE_SCHEDULE: "Not available at this date or time.",
    Reason.CUSTOMER_IDENTITY: "Not available for this kind of customer (identified or not).",
    Reason.CUSTOMER_CATEGORY: "Not available for the customer's category.",
    Reason.APPLIES_TO_SALES: "Only for a customer's first sale, or only for repeat sales.",
    Reason.NO_MATCHING_GOODS: "No goods on the check qualify.",
    Reason.MIN_QUANTITY: "Not enough qualifying units on the check.",
    Reason.NO_THRESHOLD: "The amount or quantity does not reach any threshold.",
    Reason.NOT_COMBINABLE: "Cannot be combined with the other rules applied to this check.",
    Reason.CUSTOMER_REQUIRED: "Identify the customer to receive this credit.",
    Reason.NO_EFFECT: "It would change nothing on this check.",
    Reason.QUANTITY_LIMIT: "More qualifying units on the check than the rule allows.",
    Reason.BIRTHDAY: "Only around the customer's birthday.",
}
