"""The loyalty rules engine: plain dataclasses in, an explained result out.

No Django, no ORM, no I/O. rules.md is the specification; docs/engine.md records the
decisions taken where it is silent. Typical use::

    ruleset = compile_rules(rules)          # cached per program version
    for rule in history_rules(ruleset):     # load Check.history for these
        start = period_start(rule.depends_on.period, check_time, business_tz)
    result = evaluate(ruleset, check, ProgramSettings(...))
"""

from .actions import (
    ACTIONS,
    CREDIT_ACTIONS,
    DISCOUNT_ACTIONS,
    GOODS_ACTIONS,
    ISSUE_ACTIONS,
    PERCENT_ACTIONS,
)
from .actions import BY_NAME as ACTIONS_BY_NAME
from .actions import REGISTRY as ACTION_REGISTRY
from .errors import REASON_MESSAGES, EngineError, Reason
from .evaluate import evaluate
from .filters import Moment, schedule_matches
from .inputs import (
    BirthdayWindow,
    BundleComponent,
    Check,
    CouponApplication,
    CouponIssueSpec,
    CreditTarget,
    Customer,
    DependsOn,
    PeriodFigures,
    Position,
    ProgramSettings,
    Rule,
    Schedule,
    Threshold,
)
from .kiosk import kiosk_offers
from .matching import position_matches
from .money import distribute, round_half_up
from .periods import PERIODS, period_start
from .results import (
    AppliedRule,
    CouponIssue,
    Credit,
    EvaluationResult,
    NotApplied,
    PositionResult,
)
from .ruleset import RuleSet, compile_rules, history_rules
from .thresholds import select_threshold
from .validation import MODES, validate_rule

__all__ = [
    "ACTIONS",
    "ACTIONS_BY_NAME",
    "ACTION_REGISTRY",
    "CREDIT_ACTIONS",
    "DISCOUNT_ACTIONS",
    "GOODS_ACTIONS",
    "ISSUE_ACTIONS",
    "MODES",
    "PERCENT_ACTIONS",
    "PERIODS",
    "REASON_MESSAGES",
    "AppliedRule",
    "BirthdayWindow",
    "BundleComponent",
    "Check",
    "CouponApplication",
    "CouponIssue",
    "CouponIssueSpec",
    "Credit",
    "CreditTarget",
    "Customer",
    "DependsOn",
    "EngineError",
    "EvaluationResult",
    "Moment",
    "NotApplied",
    "PeriodFigures",
    "Position",
    "PositionResult",
    "ProgramSettings",
    "Reason",
    "Rule",
    "RuleSet",
    "Schedule",
    "Threshold",
    "compile_rules",
    "distribute",
    "evaluate",
    "history_rules",
    "kiosk_offers",
    "period_start",
    "position_matches",
    "round_half_up",
    "schedule_matches",
    "select_threshold",
    "validate_rule",
]
