"""core.tabular, the one writer of CSV and XLSX files (quality.md R17): what a spreadsheet
would run comes out as text, numbers stay numbers, and no other module writes such files."""

import csv
import io
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from core.tabular import csv_text, xlsx_bytes

FORMULAS = ['=HYPERLINK("http://x","y")', "@SUM(1)", "+1", "-1+2", "\t=1+2", "\r=1+2"]


def read_csv(text):
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def read_xlsx(data):
    sheet = load_workbook(io.BytesIO(data)).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_formula_in_a_text_cell_comes_out_as_text(text):
    [header, row] = read_csv(csv_text(["name"], [[text]]))
    assert row == ["'" + text]
    [_, [cell]] = read_xlsx(xlsx_bytes(["name"], [[text]], title="t"))
    assert cell.data_type == "s" and cell.value.startswith("'")
    assert cell.value[2:] == text[1:]  # (XML keeps a carriage return as a line feed)


def test_plain_text_is_untouched():
    rows = [["Olena", "a=b", "SUMMER-7KQ2M9", "5 - 3"]]
    assert read_csv(csv_text(["a", "b", "c", "d"], rows))[1] == rows[0]


def test_numbers_given_as_numbers_stay_numbers():
    """A negative amount is a number, not a formula: no quote in CSV, a number cell in XLSX.
    The same figure given as text is text, and quoted like any other."""
    row = [Decimal("-3.50"), -2, 1.5, date(2030, 3, 1), True, None, "-3.50"]
    columns = ["decimal", "int", "float", "date", "bool", "none", "text"]
    assert read_csv(csv_text(columns, [row]))[1] == [
        "-3.50", "-2", "1.5", "2030-03-01", "yes", "", "'-3.50",
    ]  # fmt: skip
    [_, cells] = read_xlsx(xlsx_bytes(columns, [row], title="t"))
    assert [c.data_type for c in cells[:3]] == ["n", "n", "n"]
    assert [c.value for c in cells[:3]] == [-3.5, -2, 1.5]
    assert cells[-1].value == "'-3.50"


def test_column_titles_go_through_the_same_rule():
    assert read_csv(csv_text(["=1+2"], []))[0] == ["'=1+2"]


# A writer of CSV or XLSX anywhere else would skip the neutralising (R17).
WRITERS = re.compile(
    r"csv\s*\.\s*(writer|DictWriter)\b"
    r"|from\s+csv\s+import\s+[^\n]*\b(writer|DictWriter)\b"
    r"|openpyxl\s*\.\s*Workbook\b"
    r"|from\s+openpyxl(\.workbook)?\s+import\s+[^\n]*\bWorkbook\b"
    r"|xlsxwriter"
)
SKIPPED = {"tests", ".venv", "var", ".git", "node_modules", "test-artifacts", "static"}


def _writers_in(path, root):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for number, line in enumerate(lines, 1)
        if WRITERS.search(line)
    ]


def test_no_module_but_core_tabular_writes_csv_or_xlsx():
    root = Path(settings.BASE_DIR)
    allowed = root / "core" / "tabular.py"
    offenders = []
    scanned = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIPPED and not d.startswith(".")]
        for path in (Path(folder) / f for f in files if f.endswith(".py")):
            if path != allowed:
                scanned += 1
                offenders += _writers_in(path, root)
    assert scanned > 50  # the walk did find the apps
    assert WRITERS.search(allowed.read_text(encoding="utf-8"))  # and the pattern matches
    assert offenders == [], "write CSV and XLSX through core.tabular:\n" + "\n".join(offenders)
