"""Kiosk offers: `kiosk` mode rules never apply to sales; their filters say where, when and
to whom the kiosk offers their coupons for points (rules.md, `mode`)."""

from datetime import datetime

from .filters import Moment, filter_failure
from .inputs import Customer, Rule
from .ruleset import RuleSet


def kiosk_offers(
    ruleset: RuleSet,
    point_of_sale: str,
    at: datetime,
    timezone: str,
    customer: Customer | None,
) -> list[Rule]:
    """The kiosk rules whose filters match, in (priority, creation order)."""
    moment = Moment.of(at, timezone)
    return [
        rule
        for rule in ruleset.kiosk
        if filter_failure(
            rule.points_of_sale,
            rule.schedule,
            rule.customer_identity,
            rule.customer_categories,
            rule.applies_to_sales,
            point_of_sale,
            moment,
            customer,
        )
        is None
    ]
