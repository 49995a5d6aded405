"""Checks: evaluate (writes nothing), confirm (one transaction), cancel (full reversal).

The terminal API, the cashier pages, the kiosk and `seed_demo` all call these functions.
"""

from .cancel import cancel_sale
from .confirm import confirm_check
from .evaluate import evaluate_check
from .inputs import CheckInput, PositionInput

__all__ = ["CheckInput", "PositionInput", "cancel_sale", "confirm_check", "evaluate_check"]
