"""django-q2 entry points of the loyalty app."""

from .services.report_days import fold_all


def fold_report_days_task() -> int:
    """Every business's report days that are over (scheduled every 10 minutes)."""
    return fold_all()
