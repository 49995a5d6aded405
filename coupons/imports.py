"""Stock codes: pregenerating a series' codes, and importing files of external codes.

Both write stock coupons (``is_stock=True``): codes that exist but are not issued yet;
``issue_coupons`` hands them out. Each batch is one ``INSERT ... SELECT`` from two text
parameters split on the server: a million ORM objects would cost more than the database work
itself (quality.md P4).
"""

import csv
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.tabular import csv_text

from .codes import generate_codes, normalize_code
from .models import Coupon, CouponSeries

MAX_IMPORT_LINES = 100_000
IMPORTED_CODE_RE = re.compile(r"^[A-Z0-9]{4,40}$")
REASONS = ("bad_format", "duplicate_in_file", "already_present")
# A first line that names the column is a header, not a code.
HEADER_WORDS = {
    normalize_code(w) for w in ("code", "codes", "coupon", "coupons", "coupon code", "код", "коди")
}
_LINES = "string_to_array(%s, E'\\n')"  # one parameter, one code a line
_STOCK_COLUMNS = (
    "business_id",
    "series_id",
    "code",
    "code_norm",
    "is_stock",
    "state",
    "state_before_redeem",
    "created_at",
)


def _insert_stock(series, codes: list[tuple[str, str]], *, ignore_conflicts: bool) -> int:
    """Insert stock coupons in one statement; answers how many rows were inserted."""
    if not codes:
        return 0
    qn = connection.ops.quote_name
    columns = ", ".join(qn(c) for c in _STOCK_COLUMNS)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    head = f"INSERT INTO {qn(Coupon._meta.db_table)} ({columns}) "
    tail = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    # Two text parameters split on the server instead of thousands of scalars: cheap to
    # send, quote and plan (codes never hold a line break).
    sql = (
        head + "SELECT %s, %s, c, n, TRUE, 'free', '', %s "
        f"FROM unnest({_LINES}, {_LINES}) AS t(c, n)" + tail
    )
    params = [
        series.business_id,
        series.pk,
        now,
        "\n".join(c for c, _n in codes),
        "\n".join(n for _c, n in codes),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _save_progress(job, **fields):
    if job is None:
        return
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def generate_pregenerated(*, series, count: int, job=None, batch: int = 5000) -> int:
    """Make ``count`` stock codes for a ``pregenerated`` series; answers how many were made.

    Batches are committed one by one so that the panel sees the progress (``job.done`` of
    ``job.total``); a code already present in the business is skipped and drawn again.
    """
    if series.code_mode != CouponSeries.CodeMode.PREGENERATED:
        raise ValidationFailed(_("This series does not use pregenerated codes."), field="code_mode")
    count = int(count)
    if count < 1:
        raise ValidationFailed(_("Generate at least one code."), field="count")
    rows = max(1, batch)
    made = 0
    _save_progress(job, total=count, done=0)
    while made < count:
        want = min(rows, count - made)
        codes = list(dict(generate_codes(series, want)).items())  # drop in-batch repeats
        with transaction.atomic():
            made += _insert_stock(series, codes, ignore_conflicts=True)
        _save_progress(job, done=made, accepted=made)
    return made


@dataclass
class ImportReport:
    """What an import did: counts per reason, and the rejected lines for a CSV download."""

    lines: int = 0  # non-blank lines that held a code
    accepted: int = 0
    rejected_by_reason: dict[str, int] = field(default_factory=lambda: dict.fromkeys(REASONS, 0))
    rejected_rows: list[tuple[int, str, str]] = field(default_factory=list)  # line, code, why

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    def reject(self, line: int, code: str, reason: str):
        self.rejected_rows.append((line, code, reason))
        self.rejected_by_reason[reason] += 1

    def rejected_csv(self) -> str:
        # A rejected "code" is whatever the file held, "=HYPERLINK(...)" too: core.tabular
        # writes it inert (R17). No BOM: the file is also read back by the job page.
        return csv_text(("line", "code", "reason"), self.rejected_rows, bom=False)

    def as_dict(self) -> dict:
        return {
            "lines": self.lines,
            "accepted": self.accepted,
            "rejected": self.rejected,
            **self.rejected_by_reason,
        }


def read_text(file) -> str:
    """The text of an uploaded file (bytes, str or a file object), UTF-8 or Windows-1251.

    Refuses files over ``PERKLINE_MAX_UPLOAD_BYTES`` and files that are not text.
    """
    limit = getattr(settings, "PERKLINE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    if isinstance(file, str):
        data = file
    elif isinstance(file, bytes | bytearray):
        data = bytes(file)
    else:
        if getattr(file, "size", None) is not None and file.size > limit:
            raise _too_big(limit)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_big(limit)
    if isinstance(data, str):
        text = data
    else:
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - cp1251 decodes nearly anything
            raise ValidationFailed(_("Save the file as UTF-8 text."), field="file")
    if "\x00" in text:
        raise ValidationFailed(
            _("This is not a text file: save the codes as CSV or plain text."), field="file"
        )
    return text


def _too_big(limit):
    return ValidationFailed(
        _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}, field="file"
    )


def read_codes(text: str) -> list[tuple[int, str]]:
    """(line number, first cell) of every non-blank line; a header line is skipped."""
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    cells = []
    try:
        for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
            cell = row[0].strip() if row else ""
            if cell:
                cells.append((number, cell))
    except csv.Error as exc:
        raise ValidationFailed(
            _("The file is not valid CSV: %(error)s") % {"error": exc}, field="file"
        ) from exc
    if cells and normalize_code(cells[0][1]) in HEADER_WORDS:
        cells.pop(0)
    if len(cells) > MAX_IMPORT_LINES:
        raise ValidationFailed(
            _("A file may hold at most %(n)s codes; split it into several files.")
            % {"n": f"{MAX_IMPORT_LINES:,}"},
            field="file",
        )
    return cells


# Every table whose column holds codes typed at the same till as coupon codes, so that an
# imported code never means two things. Apps above coupons add theirs in AppConfig.ready()
# (certificates does): coupons need not import them.
CODE_TABLES: list[tuple[type, str]] = [(Coupon, "code_norm")]


def register_code_table(model, column: str) -> None:
    if (model, column) not in CODE_TABLES:
        CODE_TABLES.append((model, column))


def existing_codes(business_id, norms) -> set[str]:
    """Which of ``norms`` are already a code of the business in one of CODE_TABLES."""
    norms = list(norms)
    found = set()
    # One join per table: 100,000 codes in a single round trip each.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, column in CODE_TABLES:
            cursor.execute(
                f"SELECT t.{qn(column)} FROM {qn(model._meta.db_table)} t "
                f"JOIN unnest({_LINES}) AS u(n) ON t.{qn(column)} = u.n "
                "WHERE t.business_id = %s",
                ["\n".join(norms), business_id],
            )
            found.update(row[0] for row in cursor.fetchall())
    return found


def check_codes(cells, business_id, report: ImportReport) -> list[tuple[str, str]]:
    """Sort the cells into accepted (canonical, normalised) codes and rejected lines."""
    candidates, seen = [], set()
    for number, cell in cells:
        report.lines += 1
        norm = normalize_code(cell)
        if not IMPORTED_CODE_RE.match(norm):
            report.reject(number, cell, "bad_format")
        elif norm in seen:
            report.reject(number, cell, "duplicate_in_file")
        else:
            seen.add(norm)
            # External codes keep the spelling they were printed with, in upper case.
            canonical = re.sub(r"\s+", "", cell.upper())[:80]
            candidates.append((number, cell, canonical, norm))
    present = existing_codes(business_id, [norm for *_rest, norm in candidates])
    accepted = []
    for number, cell, canonical, norm in candidates:
        if norm in present:
            report.reject(number, cell, "already_present")
        else:
            accepted.append((canonical, norm))
    report.rejected_rows.sort()
    return accepted


def import_codes(*, series, file, job=None) -> ImportReport:
    """Import a CSV or plain-text file of external codes into an ``imported`` series.

    Rejects badly formatted codes (4..40 letters and digits once spaces and dashes are
    removed), codes repeated in the file and codes already present in the business (coupons
    and certificate codes). The accepted ones become stock coupons and raise the series'
    inventory when it has one, all in one transaction: nothing is half-imported.
    The rejected lines are saved as a CSV (line, code, reason) to ``job.rejected_file``.
    """
    if series.code_mode != CouponSeries.CodeMode.IMPORTED:
        raise ValidationFailed(_("This series does not use imported codes."), field="code_mode")
    cells = read_codes(read_text(file))
    _save_progress(job, total=len(cells), done=0)
    rows = 5000  # codes per INSERT
    for attempt in range(3):
        report = ImportReport()
        accepted = check_codes(cells, series.business_id, report)
        try:
            with transaction.atomic():
                for start in range(0, len(accepted), rows):
                    _insert_stock(series, accepted[start : start + rows], ignore_conflicts=False)
                if accepted:
                    CouponSeries.objects.filter(pk=series.pk, inventory__isnull=False).update(
                        inventory=F("inventory") + len(accepted)
                    )
            break
        except IntegrityError:
            if attempt == 2:
                raise
            continue  # a code arrived meanwhile from elsewhere: check the file again
    report.accepted = len(accepted)
    if job is not None:
        if report.rejected:
            job.rejected_file.save(
                f"rejected-{job.pk}.csv", ContentFile(report.rejected_csv().encode()), save=False
            )
        _save_progress(
            job,
            done=len(cells),
            accepted=report.accepted,
            rejected=report.rejected,
            rejected_file=job.rejected_file,
        )
    return report
