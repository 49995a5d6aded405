from core.errors import Refused
from loyalty import engine

from . import payments, stamps, tiers
from .context import build_context
from .inputs import CheckInput
from .results import build_result, public


def run_engine(ctx):
    try:
        if payments.has_payments(ctx):
            return payments.evaluate(ctx)
        return engine.evaluate(ctx.compiled.ruleset, ctx.engine_check, ctx.settings)
    except engine.EngineError as exc:
        # payments.md's refusals in the user's language (the engine words them in English)
        message = payments.message(exc.code, exc.message)
        raise Refused(message, code=exc.code, field=exc.field) from exc


def top_ups_of(ctx):
    return [
        (p.coupon, p.coupon.series.top_up_account or "bonus", p.coupon.series.top_up_amount)
        for p in ctx.coupons
        if p.refusal is None and p.coupon.series.reward_rule_id is None
    ]


def evaluate_check(*, point_of_sale, data: CheckInput) -> dict:
    """Evaluate a check against the program's rules; writes nothing."""
    ctx = build_context(point_of_sale=point_of_sale, data=data)
    result = run_engine(ctx)
    body = public(build_result(ctx, result, top_ups=top_ups_of(ctx)))
    body["stamps"] = stamps.preview(ctx, result)
    tiers.policy_of(ctx.program)  # cached per program version, as the rules: warm for confirm
    return body
