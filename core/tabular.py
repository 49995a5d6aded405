"""The one writer of every CSV and XLSX file the product writes (quality.md R17).

Rows hold plain values: str, int, Decimal, float, bool, date, naive datetime or None.

A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what a
spreadsheet reads as a formula (``=HYPERLINK(...)`` in a customer's name): it is written
with a leading single quote, so it shows as text and runs nothing. Numbers given as numbers
(int, Decimal, float) are not text and are written as they are, a number cell in XLSX, so a
negative amount stays a negative number. A number given as text ("-5", a phone "+380...") is
text like any other and gets the quote.
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # so that spreadsheet programs read the CSV as UTF-8
NUMBER = int | Decimal | float


def inert(text: str) -> str:
    """``text`` as a spreadsheet shows it without evaluating it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date | NUMBER):
        return str(value)
    return inert(str(value))


def xlsx_cell(value):
    if value is None or isinstance(value, bool | date | NUMBER):
        return value  # openpyxl writes numbers as numeric cells, dates as dates
    return inert(str(value))


class _Echo:
    """A file-like object whose write returns the line: csv.writer feeds a stream."""

    def write(self, value):
        return value


def csv_lines(columns: Iterable, rows: Iterable[Iterable], *, bom: bool = True) -> Iterator[str]:
    """The CSV text line by line: a header line of ``columns``, then one line per row.

    Rows are read lazily, so a streamed export holds one row in memory at a time."""
    writer = csv.writer(_Echo())
    if bom:
        yield BOM
    yield writer.writerow([csv_cell(c) for c in columns])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_text(columns: Iterable, rows: Iterable[Iterable], *, bom: bool = True) -> str:
    return "".join(csv_lines(columns, rows, bom=bom))


def csv_response(columns, rows, *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(columns, rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_bytes(columns, rows, *, title: str) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])  # the longest sheet title Excel takes
    sheet.append([xlsx_cell(c) for c in columns])
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(columns, rows, *, filename: str, title: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(columns, rows, title=title), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
