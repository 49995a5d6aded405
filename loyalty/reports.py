"""Writers for panel reports: CSV streamed row by row, XLSX built with openpyxl.

Both take column titles and an iterator of rows of plain values (str, int, Decimal, bool,
date, naive datetime) from loyalty.selectors.reports.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A text cell starting with one of these is a formula to a spreadsheet: quote it. Phones
# ("+380...") and other plain numbers stay as they are.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?[\d ().-]+$")


def _safe_text(value: str) -> str:
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | Decimal | int):
        return str(value)
    return _safe_text(str(value))


class _Echo:
    """A file-like object whose write returns the line: csv.writer feeds the stream."""

    def write(self, value):
        return value


def csv_lines(columns: Iterable, rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    yield writer.writerow([str(c) for c in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def csv_response(columns, rows, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return value  # openpyxl writes it as a number
    if isinstance(value, str):
        return _safe_text(value)
    return value


def xlsx_bytes(columns, rows, *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    sheet.append([str(c) for c in columns])
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(columns, rows, *, filename: str, title: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(columns, rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
