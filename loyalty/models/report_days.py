"""The report pages' days, folded (issue 21: the pages answer in <= 300 ms with a million
sales). A django-q2 job (loyalty.services.report_days.fold) writes each business day's
figures once the day is over; the pages sum these rows and read only the days after them
from the sales, ledger and coupon tables. Nothing is written on the confirm path: a write
that changes a folded day (a cancel, a check with a past `time`, points expiring late)
moves the business's `settled_until` back to that day, in its own transaction, and the
next fold counts the days again. Design and guarantees: docs/panel-reports.md."""

from django.db import connection, models


class ReportDay(models.Model):
    business = models.ForeignKey("loyalty.Business", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()  # a day of the business's time zone
    # Every program's figures of the day (loyalty.selectors.report_days.DayFigures):
    # amounts as strings, so Decimals come back to the cent.
    figures = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["business", "day"], name="report_day_unique")
        ]

    def __str__(self):
        return f"{self.business_id} {self.day}"


class ReportState(models.Model):
    business = models.OneToOneField(
        "loyalty.Business", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Days before this one are in ReportDay and final; None: nothing folded.
    settled_until = models.DateField(null=True, blank=True)
    # The time zone the days were counted in: another one counts them all again.
    timezone = models.CharField(max_length=64, blank=True)
    folded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.business_id} until {self.settled_until}"

    @classmethod
    def unsettle(cls, *, business_id: int, at) -> None:
        """The business's day of `at` (and every later one) is to be counted again: call it
        in the transaction that writes a figure dated `at` in the past. It holds the
        business's fold lock (shared) until that transaction ends, so a fold either ran
        before (and this moves its `settled_until` back) or waits for the write and counts
        it."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [FOLD_LOCK, business_id])
            cursor.execute(_UNSETTLE_SQL, {"business": business_id, "at": at})


# The first key of the PostgreSQL advisory lock a fold takes alone and a past-dated write
# shares (the second key is the business's id).
FOLD_LOCK = 2101

_UNSETTLE_SQL = """
    UPDATE loyalty_reportstate s SET settled_until = (%(at)s AT TIME ZONE b.timezone)::date
    FROM loyalty_business b
    WHERE s.business_id = %(business)s AND b.id = s.business_id
        AND s.settled_until > (%(at)s AT TIME ZONE b.timezone)::date
"""
