"""Goods catalogue import from CSV: all lines are checked, then all saved, or none."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.tenancy import scoped
from loyalty.models import Goods, GoodsCategory

COLUMNS = ("code", "title", "category", "price")
MAX_LINES = 100_000


@dataclass
class RejectedLine:
    line: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    categories_created: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _read_text(file) -> str:
    limit = getattr(settings, "PERKLINE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationFailed(
            _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    raw = file.read(limit + 1)
    if len(raw) > limit:
        raise ValidationFailed(
            _("The file is too large: at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            field="file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            _("The file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again."),
            field="file",
        ) from exc
    if "\x00" in text:
        raise ValidationFailed(_("The file is not a CSV text file."), field="file")
    return text


def _rows(text):
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in comma-decimal locales save with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ValidationFailed(
            _("The file is not a valid CSV (line %(line)s: %(error)s).")
            % {"line": reader.line_num, "error": exc},
            field="file",
        ) from exc
    if not rows:
        raise ValidationFailed(_("The file is empty."), field="file")
    header = [name.strip().lower() for name in rows[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValidationFailed(
            _(
                "The first line must name the columns code,title,category,price; missing: "
                "%(missing)s."
            )
            % {"missing": ", ".join(missing)},
            field="file",
        )
    if len(rows) - 1 > MAX_LINES:
        raise ValidationFailed(
            _("The file has more than %(max)s lines.") % {"max": MAX_LINES}, field="file"
        )
    index = {name: header.index(name) for name in COLUMNS}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        values = {name: (row[i].strip() if i < len(row) else None) for name, i in index.items()}
        yield number, values


def _parse_price(raw):
    try:
        price = Decimal(raw.replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None, _("price: “%(value)s” is not a number") % {"value": raw}
    if not price.is_finite():
        return None, _("price: “%(value)s” is not a number") % {"value": raw}
    if price < 0:
        return None, _("price: must not be negative")
    if price != price.quantize(Decimal("0.01")):
        return None, _("price: at most 2 decimal places")
    if price >= Decimal("1e10"):
        return None, _("price: too large")
    return price.quantize(Decimal("0.01")), None


def check_line(values):
    """(goods fields, None) or (None, (field, message)) for one line."""
    if any(value is None for value in values.values()):
        return None, ("", _("the line has fewer columns than the header"))
    code, title, category, price_raw = (values[n] for n in COLUMNS)
    if not code:
        return None, ("code", _("code: required"))
    if len(code) > 80:
        return None, ("code", _("code: at most 80 characters"))
    if not title:
        return None, ("title", _("title: required"))
    if len(title) > 200:
        return None, ("title", _("title: at most 200 characters"))
    if len(category) > 80:
        return None, ("category", _("category: at most 80 characters"))
    if price_raw:
        price, error = _parse_price(price_raw)
        if error:
            return None, ("price", error)
    else:
        price = Decimal("0.00")
    return {"code": code, "title": title, "category": category, "price": price}, None


def import_goods_csv(*, business, file) -> ImportReport:
    """Create or update goods by code; unknown category codes create categories.

    Nothing is written when the file or any line is wrong: the report lists every
    rejected line with its number and the field at fault.
    """
    report = ImportReport()
    items, seen = [], {}
    for number, values in _rows(_read_text(file)):
        item, error = check_line(values)
        if error:
            report.rejected.append(RejectedLine(number, *error))
            continue
        if item["code"] in seen:
            report.rejected.append(
                RejectedLine(
                    number,
                    "code",
                    _("code: “%(code)s” is already on line %(line)s")
                    % {"code": item["code"], "line": seen[item["code"]]},
                )
            )
            continue
        seen[item["code"]] = number
        items.append(item)
    if report.rejected:
        return report
    if not items:
        raise ValidationFailed(_("The file has no goods lines."), field="file")
    _save(business, items, report)
    return report


@transaction.atomic
def _save(business, items, report):
    categories = {c.code: c for c in scoped(GoodsCategory, business)}
    new_codes = sorted({i["category"] for i in items if i["category"]} - set(categories))
    GoodsCategory.objects.bulk_create(
        [GoodsCategory(business=business, code=code, name=code) for code in new_codes]
    )
    report.categories_created = len(new_codes)
    categories = {c.code: c for c in scoped(GoodsCategory, business)}
    # The whole catalogue in one query rather than a `code IN (...)` as long as the file.
    existing = {g.code: g for g in scoped(Goods, business)}
    to_create, to_update = [], []
    for item in items:
        category = categories.get(item["category"]) if item["category"] else None
        goods = existing.get(item["code"])
        if goods is None:
            to_create.append(
                Goods(
                    business=business,
                    code=item["code"],
                    title=item["title"],
                    category=category,
                    price=item["price"],
                )
            )
        else:
            goods.title, goods.category, goods.price = item["title"], category, item["price"]
            to_update.append(goods)
    Goods.objects.bulk_create(to_create, batch_size=1000)
    Goods.objects.bulk_update(to_update, ["title", "category", "price"], batch_size=1000)
    report.created, report.updated = len(to_create), len(to_update)
