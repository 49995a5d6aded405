"""Reading a program document (docs/program-format.md): shapes and types, with JSON paths.

`parse_document` turns raw bytes into a dict; `read_document` checks every object's fields
and types and returns a `ProgramDocument` whose items carry model field values and the keys
they reference. Rule semantics (rules.md) are checked later by `loyalty.rules_validation`,
and references to other objects by the importer: both need the target program.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from core import jsonparse
from core.errors import ValidationFailed
from coupons import series_rules
from coupons.codes import check_format, normalize_code
from customers.models import AccountType

from .errors import ProgramImportError

FORMAT = "loyalty-program/1"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
PRICE_MAX = Decimal("9999999999.99")  # Goods.price: 12 digits, 2 places
MONEY_MAX = Decimal("999999999999.99")  # coupon money fields: 14 digits, 2 places

_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_DECIMAL_RE = re.compile(r"^-?\d{1,20}(\.\d{1,12})?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME_RE = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")

SECTIONS = (
    "points_of_sale",
    "customer_categories",
    "account_types",
    "gift_card_series",
    "categories",
    "goods",
    "coupon_series",
    "rules",
    "certificates",
    "stamp_cards",
    "tiers",
)


@dataclass
class Item:
    """One object of the document: where it is, how it is matched, what it sets."""

    path: str  # "rules[3]"
    key: str  # key, or code for goods and categories
    fields: dict = field(default_factory=dict)  # model field -> value
    refs: dict = field(default_factory=dict)  # what it references, by key


@dataclass
class ProgramDocument:
    program: Item
    points_of_sale: list[Item] = field(default_factory=list)
    customer_categories: list[Item] = field(default_factory=list)
    account_types: list[Item] = field(default_factory=list)
    gift_card_series: list[Item] = field(default_factory=list)
    categories: list[Item] = field(default_factory=list)
    goods: list[Item] = field(default_factory=list)
    coupon_series: list[Item] = field(default_factory=list)
    rules: list[Item] = field(default_factory=list)
    certificates: list[Item] = field(default_factory=list)
    stamp_cards: list[Item] = field(default_factory=list)
    tiers: dict | None = None  # {"measure", "period", "levels": [{category, from, keep_days}]}


def parse_document(raw_bytes) -> dict:
    """JSON bytes (or text) to a dict; anything else is a ProgramImportError at path `$`."""
    limit = getattr(settings, "PERKLINE_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)
    if len(raw_bytes) > limit:
        raise ProgramImportError([("$", _("The file is larger than %(n)d bytes.") % {"n": limit})])
    if isinstance(raw_bytes, bytes | bytearray):
        try:
            raw_bytes = bytes(raw_bytes).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ProgramImportError([("$", _("The file is not UTF-8 text."))]) from None
    try:
        document = jsonparse.loads(raw_bytes)
    except jsonparse.JSONTooDeep as exc:
        message = _("The document is nested deeper than %(n)d levels.") % {"n": exc.max_depth}
        raise ProgramImportError([("$", message)]) from None
    except json.JSONDecodeError as exc:
        message = _("Not valid JSON: %(msg)s (line %(line)d, column %(col)d).") % {
            "msg": exc.msg,
            "line": exc.lineno,
            "col": exc.colno,
        }
        raise ProgramImportError([("$", message)]) from None
    if not isinstance(document, dict):
        raise ProgramImportError([("$", _("The document must be a JSON object."))])
    return document


def read_document(document) -> ProgramDocument:
    """Check shapes and types of the whole document; ProgramImportError lists every problem."""
    r = Reader()
    if not isinstance(document, dict):
        raise ProgramImportError([("$", _("The document must be a JSON object."))])
    fmt = document.get("format")
    if fmt != FORMAT:
        message = (
            _("Missing “format”: this importer reads “%(f)s”.") % {"f": FORMAT}
            if fmt is None
            else _("Unknown format “%(got)s”: this importer reads “%(f)s”.")
            % {"got": fmt, "f": FORMAT}
        )
        raise ProgramImportError([("format", message)])
    if not isinstance(document.get("program"), dict):
        raise ProgramImportError([("program", _("A program object is required."))])
    unstorable = list(_unstorable_texts(document, ""))
    if unstorable:
        message = _("Text may not contain NUL characters or unpaired surrogates.")
        raise ProgramImportError([(path or "$", message) for path in unstorable])
    r.fields(document, "", required=("format", "program"), optional=SECTIONS)
    program = _program(r, document.get("program"), "program")
    doc = ProgramDocument(program=program)
    readers = {
        "points_of_sale": _point_of_sale,
        "customer_categories": _customer_category,
        "account_types": _account_type,
        "gift_card_series": _gift_card_series,
        "categories": _category,
        "goods": _goods,
        "coupon_series": _coupon_series,
        "rules": _rule,
        "certificates": _certificate,
        "stamp_cards": _stamp_card,
    }
    if document.get("tiers") is not None:
        doc.tiers = _tiers(r, document["tiers"], "tiers")
    for section, read_item in readers.items():
        raw = document.get(section)
        if raw is None:
            continue
        if not isinstance(raw, list):
            r.error(section, _("Must be a list."))
            continue
        items = [read_item(r, value, f"{section}[{i}]") for i, value in enumerate(raw)]
        items = [item for item in items if item is not None]
        _unique_keys(r, items, "code" if section in ("categories", "goods") else "key")
        setattr(doc, section, items)
    _one_default(r, doc.customer_categories)
    _public_claims(doc)
    if r.errors:
        raise ProgramImportError(r.errors)
    return doc


def _public_claims(doc) -> None:
    """A new series without `public_claim` is claimable by link unless a rule of the document
    issues it (journey.md: off by default for series that rules issue as rewards)."""
    issued = {item.refs.get("coupon_series") for item in doc.rules}
    for item in doc.coupon_series:
        # for a new series only: an older document changes nothing of an existing one
        item.refs["public_claim_default"] = item.key not in issued


def _is_unstorable(text: str) -> bool:
    if "\x00" in text:
        return True  # PostgreSQL text and jsonb cannot hold NUL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # lone surrogates from a JSON "\\ud800" escape
    return False


def _unstorable_texts(value, path):
    """JSON paths of every string (key or value) the database could not store."""
    if isinstance(value, str):
        if _is_unstorable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _is_unstorable(key):
                # The path must print: show the bad characters escaped.
                safe = key.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")
                yield _join(path, safe)
                continue
            yield from _unstorable_texts(item, _join(path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _unstorable_texts(item, f"{path}[{i}]")


class Reader:
    """Typed access to JSON values that records `(path, message)` instead of raising."""

    def __init__(self):
        self.errors: list[tuple[str, str]] = []

    def error(self, path, message):
        self.errors.append((path or "$", str(message)))

    def fields(self, value, path, *, required=(), optional=()):
        if not isinstance(value, dict):
            self.error(path, _("Must be an object."))
            return None
        for name in value:
            if name not in required and name not in optional:
                self.error(_join(path, name), _("Unknown field."))
        ok = True
        for name in required:
            if name not in value:
                self.error(_join(path, name), _("This field is required."))
                ok = False
        return value if ok else None

    # Each reader takes the object, the field name and the object's path; a missing
    # optional field gives `default`, a bad value records an error and gives `default`.
    def text(self, obj, name, path, *, max_length=200, blank=False, default=""):
        value = obj.get(name, default)
        p = _join(path, name)
        if value is None and default is None:
            return None
        if not isinstance(value, str):
            self.error(p, _("Must be a string."))
            return default
        if not blank and not value.strip():
            self.error(p, _("Must not be empty."))
        elif len(value) > max_length:
            self.error(p, _("At most %(n)d characters.") % {"n": max_length})
        return value

    def key(self, obj, name, path, *, default=None):
        value = obj.get(name, default)
        p = _join(path, name)
        if value is None and default is None and name not in obj:
            return None
        if not isinstance(value, str) or not _KEY_RE.match(value) or len(value) > 80:
            self.error(p, _("A key uses lower-case letters, digits, '-' and '_' (80 at most)."))
            return None
        return value

    def code(self, obj, name, path):
        value = obj.get(name)
        p = _join(path, name)
        if not isinstance(value, str) or not value.strip():
            self.error(p, _("Enter a code."))
            return None
        if len(value) > 80:
            self.error(p, _("At most %(n)d characters.") % {"n": 80})
        return value

    def boolean(self, obj, name, path, *, default):
        value = obj.get(name, default)
        if not isinstance(value, bool):
            self.error(_join(path, name), _("Must be true or false."))
            return default
        return value

    def integer(self, obj, name, path, *, default=None, minimum=None, maximum=None, nullable=None):
        """`nullable` defaults to "the field has no default": null means "not set"."""
        value = obj.get(name, default)
        p = _join(path, name)
        if value is None:
            if not (default is None if nullable is None else nullable):
                self.error(p, _("Must not be null."))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(p, _("Must be a whole number."))
            return default
        if minimum is not None and value < minimum:
            self.error(p, _("Must be at least %(n)d.") % {"n": minimum})
            return default
        if maximum is not None and value > maximum:
            self.error(p, _("Must be at most %(n)d.") % {"n": maximum})
            return default
        return value

    def decimal(
        self, obj, name, path, *, default=None, places=2, minimum=None, maximum=None, nullable=None
    ):
        """A decimal written as a string (integers are accepted too, floats are not)."""
        value = obj.get(name, default)
        if value is None:
            if not (default is None if nullable is None else nullable):
                self.error(_join(path, name), _("Must not be null."))
            return None
        number = self.decimal_value(value, _join(path, name))
        if number is None:
            return None
        p = _join(path, name)
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            self.error(p, _("Use at most %(n)d decimal places.") % {"n": places})
            return None
        if minimum is not None and number < minimum:
            self.error(p, _("Must be at least %(n)s.") % {"n": minimum})
            return None
        if maximum is not None and number > maximum:
            self.error(p, _("Must be at most %(n)s.") % {"n": maximum})
            return None
        return number

    def decimal_value(self, value, path):
        if isinstance(value, bool | float):
            self.error(path, _('Write decimals as strings, e.g. "10.50".'))
            return None
        if isinstance(value, int):
            return Decimal(value)
        if not isinstance(value, str) or not _DECIMAL_RE.match(value.strip()):
            self.error(path, _('Must be a decimal number written as a string, e.g. "10.50".'))
            return None
        return Decimal(value.strip())

    def date(self, obj, name, path):
        value = obj.get(name)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or not _DATE_RE.match(value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            self.error(_join(path, name), _("Must be a date written YYYY-MM-DD."))
            return None

    def time(self, obj, name, path):
        value = obj.get(name)
        if value is None:
            return None
        try:
            if not isinstance(value, str) or not _TIME_RE.match(value):
                raise ValueError
            return time.fromisoformat(value)
        except ValueError:
            self.error(_join(path, name), _("Must be a time of day written HH:MM."))
            return None

    def texts(self, obj, name, path):
        """`{"en": "...", "uk": "..."}`: texts by language code."""
        value = obj.get(name, {})
        p = _join(path, name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(p, _('Must be an object of texts by language, e.g. {"en": "..."}.'))
            return {}
        for lang, text in value.items():
            if not _LANG_RE.match(lang):
                self.error(_join(p, lang), _("Not a language code."))
            elif not isinstance(text, str):
                self.error(_join(p, lang), _("Must be a string."))
        return dict(value)

    def list_of(self, obj, name, path, read_one):
        value = obj.get(name, [])
        p = _join(path, name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(p, _("Must be a list."))
            return []
        return [read_one(item, f"{p}[{i}]") for i, item in enumerate(value)]

    def key_value(self, value, path):
        if not isinstance(value, str) or not _KEY_RE.match(value) or len(value) > 80:
            self.error(path, _("A key uses lower-case letters, digits, '-' and '_' (80 at most)."))
            return None
        return value

    def code_value(self, value, path):
        if not isinstance(value, str) or not value.strip():
            self.error(path, _("Enter a code."))
            return None
        if len(value) > 80:
            self.error(path, _("At most %(n)d characters.") % {"n": 80})
            return None
        return value


def _join(path, name):
    return f"{path}.{name}" if path else name


def _unique_keys(r, items, label):
    seen = set()
    for item in items:
        if item.key is None:
            continue
        if item.key in seen:
            r.error(f"{item.path}.{label}", _("“%(k)s” appears twice.") % {"k": item.key})
        seen.add(item.key)


def _one_default(r, categories):
    defaults = [item for item in categories if item.fields.get("is_default")]
    for item in defaults[1:]:
        r.error(f"{item.path}.default", _("Only one customer category can be the default."))


def _program(r, value, path):
    obj = r.fields(
        value,
        path,
        required=("key", "name"),
        optional=(
            "brand",
            "brands",
            "max_points_share",
            "credit_on_points_payment",
            "auto_register",
            "kiosk_requires_otp",
            "join_open",
            "welcome_points",
            "welcome_series",
            "referral",
        ),
    )
    if obj is None:
        raise ProgramImportError(r.errors)
    brands = None  # neither given: the program's brands are left as they are
    if "brand" in obj and "brands" in obj:
        r.error(f"{path}.brands", _("Give either “brand” or “brands”, not both."))
    if "brand" in obj:
        brands = [r.text(obj, "brand", path)] if obj["brand"] is not None else []
    elif "brands" in obj:
        brands = r.list_of(obj, "brands", path, lambda v, p: _brand_name(r, v, p))
    fields = {
        "name": r.text(obj, "name", path),
        "max_points_share": r.decimal(
            obj, "max_points_share", path, default="100", minimum=0, maximum=100
        ),
        "credit_on_points_payment": r.boolean(obj, "credit_on_points_payment", path, default=True),
        "auto_register": r.boolean(obj, "auto_register", path, default=True),
        "kiosk_requires_otp": r.boolean(obj, "kiosk_requires_otp", path, default=True),
    }
    # journey.md "Join": set only when given (an older document changes nothing of them)
    if "join_open" in obj:
        fields["join_open"] = r.boolean(obj, "join_open", path, default=True)
    if "welcome_points" in obj:
        fields["welcome_points"] = r.decimal(
            obj, "welcome_points", path, minimum=0, maximum=MONEY_MAX
        )
    welcome_series = None  # not given: left as it is
    if "welcome_series" in obj:
        welcome_series = (
            (r.key(obj, "welcome_series", path),) if obj["welcome_series"] is not None else ()
        )
    referral_series = None  # not given: the referral programme is left as it is
    if "referral" in obj:
        referral_series = _referral(r, obj["referral"], _join(path, "referral"), fields)
    if brands is not None:
        brands = [b for b in brands if b]
    return Item(
        path,
        r.key(obj, "key", path),
        fields,
        {"brands": brands, "welcome_series": welcome_series, "referral": referral_series},
    )


REFERRAL_SIDES = ("referrer", "friend")


def _referral(r, value, path, fields) -> dict:
    """`program.referral`: {"referrer": {"points"?, "series"?}, "friend": {...}} or null (no
    referral programme). Sets the points in `fields`; answers the series keys by side (None:
    no coupon) for the importer to resolve once the series exist."""
    series: dict = {side: None for side in REFERRAL_SIDES}
    for side in REFERRAL_SIDES:
        fields[f"referral_{side}_points"] = None
    if value is None:
        return series
    obj = r.fields(value, path, optional=REFERRAL_SIDES)
    if obj is None:
        return series
    for side in REFERRAL_SIDES:
        if obj.get(side) is None:
            continue
        side_path = _join(path, side)
        reward = r.fields(obj[side], side_path, optional=("points", "series"))
        if reward is None:
            continue
        if reward.get("points") is None and reward.get("series") is None:
            r.error(side_path, _("Give “points”, “series” or both."))
            continue
        fields[f"referral_{side}_points"] = r.decimal(
            reward, "points", side_path, minimum=Decimal("0.01"), maximum=MONEY_MAX
        )
        if reward.get("series") is not None:
            series[side] = r.key(reward, "series", side_path)
    return series


def _brand_name(r, value, path):
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        r.error(path, _("A brand name is a non-empty string of at most 200 characters."))
        return None
    return value


def _point_of_sale(r, value, path):
    obj = r.fields(value, path, required=("key", "name"), optional=("address",))
    if obj is None:
        return None
    fields = {
        "name": r.text(obj, "name", path),
        "address": r.text(obj, "address", path, max_length=300, blank=True),
    }
    return Item(path, r.key(obj, "key", path), fields)


def _customer_category(r, value, path):
    obj = r.fields(value, path, required=("key", "name"), optional=("default",))
    if obj is None:
        return None
    fields = {
        "name": r.text(obj, "name", path),
        "is_default": r.boolean(obj, "default", path, default=False),
    }
    return Item(path, r.key(obj, "key", path), fields)


def _account_type(r, value, path):
    obj = r.fields(value, path, required=("key", "name"), optional=("kind", "pays_for"))
    if obj is None:
        return None
    key = r.key(obj, "key", path)
    if key in ("bonus", "special"):
        r.error(f"{path}.key", _("“%(k)s” is a built-in account; choose another key.") % {"k": key})
    kind = obj.get("kind", AccountType.Kind.MONEY)
    if kind not in AccountType.Kind.values:
        r.error(
            f"{path}.kind",
            _("Unknown kind “%(k)s”: use one of %(choices)s.")
            % {"k": kind, "choices": ", ".join(AccountType.Kind.values)},
        )
    fields = {"name": r.text(obj, "name", path), "kind": kind}
    if "pays_for" in obj:  # absent: an older document, which leaves it as it is
        fields["pays_for"] = _pays_for(r, obj.get("pays_for"), f"{path}.pays_for")
    return Item(path, key, fields)


def _pays_for(r, value, path) -> dict:
    """payments.md: the goods codes and categories prepaid units pay for."""
    if value is None:
        return {}
    obj = r.fields(value, path, optional=("goods", "categories"))
    if obj is None:
        return {}
    out = {}
    for name in ("goods", "categories"):
        codes = [c for c in r.list_of(obj, name, path, r.code_value) if c is not None]
        if codes:
            out[name] = codes
    return out


def _gift_card_series(r, value, path):
    """payments.md "Gift cards": code format, allowed values, validity, reloadable."""
    obj = r.fields(
        value,
        path,
        required=("key", "name"),
        optional=("code_format", "values", "validity", "reloadable"),
    )
    if obj is None:
        return None
    fields = {
        "name": r.text(obj, "name", path),
        "reloadable": r.boolean(obj, "reloadable", path, default=False),
        "code_prefix": "GC",
        "code_length": 8,
        "code_group": 4,
        "amounts": [],
        "min_amount": None,
        "max_amount": None,
        "valid_months": None,
        "valid_from": None,
        "valid_to": None,
    }
    fmt = obj.get("code_format")
    if fmt is not None:
        fmt_path = f"{path}.code_format"
        fmt = r.fields(fmt, fmt_path, optional=("prefix", "length", "group"))
        if fmt is not None:
            fields["code_prefix"] = r.text(fmt, "prefix", fmt_path, max_length=12, blank=True)
            fields["code_length"] = r.integer(fmt, "length", fmt_path, default=8, minimum=1)
            fields["code_group"] = r.integer(fmt, "group", fmt_path, default=4, minimum=0)
            try:
                check_format(
                    prefix=fields["code_prefix"],
                    length=fields["code_length"],
                    group=fields["code_group"],
                )
            except ValidationFailed as exc:
                r.error(f"{path}.{exc.field or 'code_format'}", exc.message)
    amounts = obj.get("values")
    if amounts is not None:
        values_path = f"{path}.values"
        amounts = r.fields(amounts, values_path, optional=("min", "max", "fixed"))
        if amounts is not None:
            if "fixed" in amounts:
                fixed = r.list_of(
                    amounts,
                    "fixed",
                    values_path,
                    lambda v, p: r.decimal({"v": v}, "v", p, minimum=Decimal("0.01")),
                )
                fields["amounts"] = [f"{v.quantize(Decimal('0.01')):f}" for v in fixed if v]
            fields["min_amount"] = r.decimal(amounts, "min", values_path, minimum=Decimal("0.01"))
            fields["max_amount"] = r.decimal(amounts, "max", values_path, minimum=Decimal("0.01"))
    validity = obj.get("validity")
    if validity is not None:
        v_path = f"{path}.validity"
        validity = r.fields(validity, v_path, optional=("months", "valid_from", "valid_to"))
        if validity is not None:
            fields["valid_months"] = r.integer(validity, "months", v_path, minimum=1)
            fields["valid_from"] = r.date(validity, "valid_from", v_path)
            fields["valid_to"] = r.date(validity, "valid_to", v_path)
    return Item(path, r.key(obj, "key", path), fields)


def _category(r, value, path):
    obj = r.fields(value, path, required=("code", "name"))
    if obj is None:
        return None
    return Item(path, r.code(obj, "code", path), {"name": r.text(obj, "name", path)})


def _goods(r, value, path):
    obj = r.fields(
        value, path, required=("code", "title"), optional=("category", "price", "is_active")
    )
    if obj is None:
        return None
    category = obj.get("category")
    if category is not None:
        category = r.code(obj, "category", path)
    fields = {
        "title": r.text(obj, "title", path),
        "price": r.decimal(obj, "price", path, default="0", minimum=0, maximum=PRICE_MAX),
        "is_active": r.boolean(obj, "is_active", path, default=True),
    }
    return Item(path, r.code(obj, "code", path), fields, {"category": category})


SERIES_OPTIONAL = (
    "title",
    "description",
    "min_spend",
    "issue_until",
    "inventory",
    "code_mode",
    "code_format",
    "self_service",
    "transferable",
    "notify_giver",
    "referral_reward",
    "expiry_reminder",
    "kiosk_price",
    "public_claim",
    "archived",
)


# Series model field -> its place in a series' JSON, for the problems of coupons.series_rules.
SERIES_JSON_PATHS = {
    "code_prefix": "code_format.prefix",
    "code_length": "code_format.length",
    "code_group": "code_format.group",
    "valid_from": "validity.valid_from",
    "valid_to": "validity.valid_to",
    "valid_days": "validity.valid_days",
    "valid_hours": "validity.valid_hours",
    "reward_rule": "reward",
    "top_up_amount": "reward.top_up.amount",
    "top_up_account": "reward.top_up.account",
}
UINT_MAX = 2**31 - 1  # PositiveIntegerField


def series_json_path(path: str, field: str) -> str:
    return f"{path}.{SERIES_JSON_PATHS.get(field, field)}"


def _coupon_series(r, value, path):
    obj = r.fields(
        value, path, required=("key", "name", "reward", "validity"), optional=SERIES_OPTIONAL
    )
    if obj is None:
        return None
    problems_before = len(r.errors)
    # Bounds here are the columns'; what a series must satisfy is coupons.series_rules'.
    fields = {
        "name": r.text(obj, "name", path),
        "title": r.texts(obj, "title", path),
        "description": r.texts(obj, "description", path),
        "min_spend": r.decimal(obj, "min_spend", path, maximum=MONEY_MAX),
        "issue_until": r.date(obj, "issue_until", path),
        "inventory": r.integer(obj, "inventory", path, minimum=1, maximum=2**31 - 1),
        "self_service": r.boolean(obj, "self_service", path, default=False),
        "transferable": r.boolean(obj, "transferable", path, default=False),
        "notify_giver": r.boolean(obj, "notify_giver", path, default=False),
        "referral_reward": r.decimal(obj, "referral_reward", path, maximum=MONEY_MAX),
        "kiosk_price": r.decimal(obj, "kiosk_price", path, maximum=MONEY_MAX),
        "is_archived": r.boolean(obj, "archived", path, default=False),
    }
    if "public_claim" in obj:  # else decided by the rules that issue it (_public_claims)
        fields["public_claim"] = r.boolean(obj, "public_claim", path, default=False)
    code_mode = obj.get("code_mode", "on_issue")
    if code_mode not in ("on_issue", "pregenerated", "imported"):
        r.error(f"{path}.code_mode", _("Use “on_issue”, “pregenerated” or “imported”."))
    fields["code_mode"] = code_mode
    fields.update(_code_format(r, obj.get("code_format"), f"{path}.code_format"))
    fields["expiry_reminder_hours"] = _expiry_reminder(
        r, obj.get("expiry_reminder"), f"{path}.expiry_reminder"
    )
    fields.update(_validity(r, obj.get("validity"), f"{path}.validity"))
    reward_fields, reward_rule = _reward(r, obj.get("reward"), f"{path}.reward")
    fields.update(reward_fields)
    if len(r.errors) == problems_before:  # well-formed: now the series' own rules
        # A document may leave the reward out (null) and give it in a later import.
        has_rule = reward_rule is not None or obj.get("reward") is None
        for field, message in series_rules.settings_problems(fields, has_rule=has_rule):
            r.error(series_json_path(path, field), message)
    return Item(path, r.key(obj, "key", path), fields, {"reward_rule": reward_rule})


def _code_format(r, value, path):
    if value is None:
        return {"code_prefix": "", "code_length": 10, "code_group": 0}
    obj = r.fields(value, path, optional=("prefix", "length", "group"))
    if obj is None:
        return {}
    prefix = r.text(obj, "prefix", path, max_length=40, blank=True)
    length = r.integer(obj, "length", path, default=10, minimum=1)
    group = r.integer(obj, "group", path, default=0, minimum=0)
    return {"code_prefix": normalize_code(prefix or ""), "code_length": length, "code_group": group}


def _expiry_reminder(r, value, path):
    """`{"hours": 48}` or `{"days": 2}`; stored (and exported) in hours."""
    if value is None:
        return None
    obj = r.fields(value, path, optional=("hours", "days"))
    if obj is None:
        return None
    if len(obj) != 1:
        r.error(path, _('Give the reminder as {"hours": n} or {"days": n}.'))
        return None
    if "days" in obj:
        days = r.integer(obj, "days", path, minimum=1, maximum=3650, nullable=False)
        return days * 24 if days is not None else None
    return r.integer(obj, "hours", path, minimum=1, maximum=3650 * 24, nullable=False)


VALIDITY_FIELDS = {
    "range": ("valid_from", "valid_to"),
    "relative": ("valid_days",),
    "hours": ("valid_hours",),
}


def _validity(r, value, path):
    empty = {
        "valid_from": None,
        "valid_to": None,
        "delay_days": 0,
        "valid_days": None,
        "valid_hours": None,
    }
    if not isinstance(value, dict):
        r.error(path, _("Must be an object with a “type”."))
        return empty
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in VALIDITY_FIELDS:
        r.error(f"{path}.type", _("Use “range”, “relative” or “hours”."))
        return empty
    optional = ("delay_days",) if kind == "relative" else ()
    obj = r.fields(value, path, required=("type", *VALIDITY_FIELDS[kind]), optional=optional)
    fields = dict(empty, validity_type=kind)
    if obj is None:
        return fields
    if kind == "range":
        fields["valid_from"] = r.date(obj, "valid_from", path)
        fields["valid_to"] = r.date(obj, "valid_to", path)
    elif kind == "relative":
        fields["delay_days"] = r.integer(
            obj, "delay_days", path, default=0, minimum=0, maximum=3650
        )
        fields["valid_days"] = r.integer(
            obj, "valid_days", path, minimum=0, maximum=36500, nullable=False
        )
    else:
        fields["valid_hours"] = r.integer(
            obj, "valid_hours", path, minimum=0, maximum=UINT_MAX, nullable=False
        )
    return fields


def _reward(r, value, path):
    """`{"rule": key}` or `{"top_up": {"account", "amount"}}` or null (no reward yet)."""
    none = {"top_up_account": "", "top_up_amount": None}
    if value is None:
        return none, None
    obj = r.fields(value, path, optional=("rule", "top_up"))
    if obj is None:
        return none, None
    if len(obj) != 1 or not ({"rule", "top_up"} & set(obj)):
        r.error(path, _('A reward is either {"rule": key} or {"top_up": {...}}.'))
        return none, None
    if "rule" in obj:
        return none, r.key(obj, "rule", path)
    top_path = f"{path}.top_up"
    top = r.fields(obj["top_up"], top_path, required=("amount",), optional=("account",))
    if top is None:
        return none, None
    account = r.key(top, "account", top_path, default="bonus")
    amount = r.decimal(top, "amount", top_path, maximum=MONEY_MAX, nullable=False)
    return {"top_up_account": account or "", "top_up_amount": amount}, None


RULE_OPTIONAL = (
    "explanation",
    "is_active",
    "mode",
    "priority",
    "combine",
    "value",
    "depends_on",
    "min_quantity",
    "max_quantity",
    "credit",
    "coupon",
    "applies_to_sales",
    "customer_identity",
    "customer_categories",
    "points_of_sale",
    "include_categories",
    "include_goods",
    "exclude_categories",
    "exclude_goods",
    "schedule",
    # promotions.md
    "group_size",
    "free_count",
    "components",
    "max_amount",
    "quantity_limit",
    "birthday",
)


def _rule(r, value, path):
    """A rule's JSON (rules.md names) to Rule model fields; meaning is checked later."""
    obj = r.fields(value, path, required=("key", "name", "action"), optional=RULE_OPTIONAL)
    if obj is None:
        return None
    action = obj.get("action")
    if not isinstance(action, str):
        r.error(f"{path}.action", _("Must be a string."))
    fields = {
        "name": r.text(obj, "name", path),
        "explanation": r.text(obj, "explanation", path, max_length=300, blank=True),
        "is_active": r.boolean(obj, "is_active", path, default=True),
        "mode": _string(r, obj, "mode", path, "auto"),
        "priority": r.integer(
            obj, "priority", path, default=0, minimum=-(2**31), maximum=2**31 - 1
        ),
        "combine": r.boolean(obj, "combine", path, default=True),
        "action": action,
        "value": _raw_decimal(r, obj, "value", path),
        "min_quantity": _raw_decimal(r, obj, "min_quantity", path),
        "max_quantity": _raw_decimal(r, obj, "max_quantity", path),
        "applies_to_sales": _string(r, obj, "applies_to_sales", path, "all"),
        "customer_identity": _string(r, obj, "customer_identity", path, "any"),
    }
    for name in ("include_categories", "include_goods", "exclude_categories", "exclude_goods"):
        codes = r.list_of(obj, name, path, r.code_value)
        fields[name] = [c for c in codes if c is not None]
    fields.update(_depends_on(r, obj.get("depends_on"), f"{path}.depends_on"))
    fields.update(_credit(r, obj.get("credit"), f"{path}.credit"))
    coupon_fields, series_key = _coupon(r, obj.get("coupon"), f"{path}.coupon")
    fields.update(coupon_fields)
    fields.update(_schedule(r, obj.get("schedule"), f"{path}.schedule"))
    fields.update(_promotions(r, obj, path))
    refs = {
        "coupon_series": series_key,
        "points_of_sale": r.list_of(obj, "points_of_sale", path, r.key_value),
        "customer_categories": r.list_of(obj, "customer_categories", path, r.key_value),
    }
    return Item(path, r.key(obj, "key", path), fields, refs)


def _promotions(r, obj, path):
    """promotions.md's rule fields; their meaning is checked by rules_validation."""
    fields = {
        "group_size": r.integer(obj, "group_size", path, maximum=32767),
        "free_count": r.integer(obj, "free_count", path, maximum=32767),
        "max_amount": _raw_decimal(r, obj, "max_amount", path),
        "quantity_limit": _raw_decimal(r, obj, "quantity_limit", path),
        "birthday_days_before": None,
        "birthday_days_after": None,
    }

    def component(value, item_path):
        item = r.fields(
            value, item_path, optional=("include_categories", "include_goods", "quantity")
        )
        if item is None:
            return None
        out = {}
        for name in ("include_categories", "include_goods"):
            out[name] = [c for c in r.list_of(item, name, item_path, r.code_value) if c is not None]
        out["quantity"] = r.integer(item, "quantity", item_path, default=1, maximum=32767)
        return out

    fields["components"] = [c for c in r.list_of(obj, "components", path, component) if c]
    birthday = obj.get("birthday")
    if birthday is not None:
        window_path = f"{path}.birthday"
        window = r.fields(birthday, window_path, optional=("days_before", "days_after"))
        if window is not None:
            before = r.integer(window, "days_before", window_path, default=0, maximum=366)
            after = r.integer(window, "days_after", window_path, default=0, maximum=366)
            fields["birthday_days_before"] = before or 0
            fields["birthday_days_after"] = after or 0
    return fields


def _string(r, obj, name, path, default):
    value = obj.get(name, default)
    if not isinstance(value, str):
        r.error(_join(path, name), _("Must be a string."))
        return default
    return value


def _raw_decimal(r, obj, name, path):
    """A decimal kept exact: range and places are rule semantics (rules_validation)."""
    value = obj.get(name)
    if value is None:
        return None
    return r.decimal_value(value, _join(path, name))


def _depends_on(r, value, path):
    fields = {"depends_measure": "", "depends_period": "", "thresholds": []}
    if value is None:
        return fields
    obj = r.fields(value, path, required=("measure", "period", "thresholds"))
    if obj is None:
        return fields
    fields["depends_measure"] = _string(r, obj, "measure", path, "")
    fields["depends_period"] = _string(r, obj, "period", path, "")

    def threshold(row, row_path):
        row = r.fields(row, row_path, required=("from", "value"))
        if row is None:
            return None
        start = r.decimal_value(row["from"], f"{row_path}.from")
        value = r.decimal_value(row["value"], f"{row_path}.value")
        return {"from": start, "value": value}

    rows = r.list_of(obj, "thresholds", path, threshold)
    fields["thresholds"] = [row for row in rows if row is not None]
    return fields


def _credit(r, value, path):
    fields = {
        "credit_account": "bonus",
        "credit_expires_in_days": None,
        "credit_activates_in_days": None,
    }
    if value is None:
        return fields
    obj = r.fields(value, path, optional=("account", "expires_in_days", "activates_in_days"))
    if obj is None:
        return fields
    fields["credit_account"] = _string(r, obj, "account", path, "bonus")
    fields["credit_expires_in_days"] = r.integer(obj, "expires_in_days", path, maximum=36500)
    fields["credit_activates_in_days"] = r.integer(obj, "activates_in_days", path, maximum=36500)
    return fields


def _coupon(r, value, path):
    fields = {"coupon_per": "check", "coupon_quantity": 1}
    if value is None:
        return fields, None
    obj = r.fields(value, path, required=("series",), optional=("per", "quantity"))
    if obj is None:
        return fields, None
    fields["coupon_per"] = _string(r, obj, "per", path, "check")
    fields["coupon_quantity"] = r.integer(obj, "quantity", path, default=1, maximum=10000)
    return fields, r.key(obj, "series", path)


def _schedule(r, value, path):
    fields = {
        "date_from": None,
        "date_to": None,
        "weekdays": [],
        "time_from": None,
        "time_to": None,
    }
    if value is None:
        return fields
    obj = r.fields(
        value, path, optional=("date_from", "date_to", "weekdays", "time_from", "time_to")
    )
    if obj is None:
        return fields
    fields["date_from"] = r.date(obj, "date_from", path)
    fields["date_to"] = r.date(obj, "date_to", path)
    fields["time_from"] = r.time(obj, "time_from", path)
    fields["time_to"] = r.time(obj, "time_to", path)
    weekdays = obj.get("weekdays", [])
    if not isinstance(weekdays, list):
        r.error(f"{path}.weekdays", _("Must be a list of weekdays (1 = Monday .. 7)."))
        weekdays = []
    fields["weekdays"] = weekdays
    return fields


CERTIFICATE_OPTIONAL = (
    "title",
    "description",
    "valid_from",
    "valid_to",
    "max_uses",
    "max_uses_per_customer",
    "min_interval_hours",
    "random_count",
    "all_or_nothing",
)


def _certificate(r, value, path):
    obj = r.fields(
        value,
        path,
        required=("key", "name", "series", "public_code"),
        optional=CERTIFICATE_OPTIONAL,
    )
    if obj is None:
        return None
    public_code = r.text(obj, "public_code", path, max_length=80)
    fields = {
        "name": r.text(obj, "name", path),
        "title": r.texts(obj, "title", path),
        "description": r.texts(obj, "description", path),
        "valid_from": r.date(obj, "valid_from", path),
        "valid_to": r.date(obj, "valid_to", path),
        "public_code": public_code,
        "public_code_norm": normalize_code(public_code) if isinstance(public_code, str) else "",
        "max_uses": r.integer(obj, "max_uses", path, minimum=1, maximum=2**31 - 1),
        "max_uses_per_customer": r.integer(
            obj, "max_uses_per_customer", path, minimum=1, maximum=2**31 - 1
        ),
        "min_interval_hours": r.integer(
            obj, "min_interval_hours", path, minimum=1, maximum=2**31 - 1
        ),
        "random_count": r.integer(obj, "random_count", path, minimum=1, maximum=2**31 - 1),
        "all_or_nothing": r.boolean(obj, "all_or_nothing", path, default=False),
    }
    if isinstance(public_code, str) and public_code.strip() and not fields["public_code_norm"]:
        r.error(f"{path}.public_code", _("The code has no letters or digits."))
    if fields["valid_from"] and fields["valid_to"] and fields["valid_to"] < fields["valid_from"]:
        r.error(f"{path}.valid_to", _("The end date is before the start date."))

    def bundled(entry, entry_path):
        entry = r.fields(entry, entry_path, required=("series",), optional=("count",))
        if entry is None:
            return None
        key = r.key(entry, "series", entry_path)
        count = r.integer(entry, "count", entry_path, default=1, minimum=1, maximum=1000)
        return (key, count, entry_path) if key else None

    bundle = [entry for entry in r.list_of(obj, "series", path, bundled) if entry]
    if isinstance(obj.get("series"), list) and not obj["series"]:
        r.error(f"{path}.series", _("A certificate bundles at least one coupon series."))
    seen = set()
    for key, _count, entry_path in bundle:
        if key in seen:
            r.error(f"{entry_path}.series", _("This series is listed twice."))
        seen.add(key)
    if fields["random_count"] and bundle and fields["random_count"] > len(bundle):
        r.error(
            f"{path}.random_count",
            _("Cannot draw %(n)d different series from %(m)d bundled ones.")
            % {"n": fields["random_count"], "m": len(bundle)},
        )
    return Item(path, r.key(obj, "key", path), fields, {"bundle": bundle})


def _stamp_card(r, value, path):
    """promotions.md's stamp card; its meaning is checked by services.stamp_cards."""
    obj = r.fields(
        value,
        path,
        required=("key", "name", "stamps", "reward"),
        optional=(
            "counts",
            "include_categories",
            "include_goods",
            "exclude_categories",
            "exclude_goods",
            "min_amount",
            "expires_in_days",
            "is_active",
        ),
    )
    if obj is None:
        return None
    fields = {
        "name": r.text(obj, "name", path),
        "stamps": r.integer(obj, "stamps", path, maximum=32767),
        "counts": _string(r, obj, "counts", path, "sales"),
        "min_amount": _raw_decimal(r, obj, "min_amount", path),
        "expires_in_days": r.integer(obj, "expires_in_days", path, maximum=36500),
        "is_active": r.boolean(obj, "is_active", path, default=True),
    }
    for name in ("include_categories", "include_goods", "exclude_categories", "exclude_goods"):
        fields[name] = [c for c in r.list_of(obj, name, path, r.code_value) if c is not None]
    return Item(path, r.key(obj, "key", path), fields, {"reward": r.key(obj, "reward", path)})


def _tiers(r, value, path):
    """promotions.md's tiers: one measure and period, levels whose thresholds rise."""
    obj = r.fields(value, path, required=("measure", "period", "levels"))
    if obj is None:
        return None
    measure = _string(r, obj, "measure", path, "")
    if measure not in ("spend", "visits"):
        r.error(f"{path}.measure", _("Choose “spend” or “visits”."))
    period = _string(r, obj, "period", path, "")
    if period not in ("last_365_days", "calendar_year", "all_time"):
        r.error(f"{path}.period", _("Choose “last_365_days”, “calendar_year” or “all_time”."))

    def level(item, item_path):
        one = r.fields(item, item_path, required=("category", "from"), optional=("keep_days",))
        if one is None:
            return None
        return {
            "category": r.key(one, "category", item_path),
            "threshold": r.decimal(
                one, "from", item_path, minimum=Decimal("0.01"), maximum=MONEY_MAX
            ),
            "keep_days": r.integer(one, "keep_days", item_path, minimum=1, maximum=36500),
        }

    levels = r.list_of(obj, "levels", path, level)
    if not levels:
        r.error(f"{path}.levels", _("List at least one tier."))
    previous = None
    for i, one in enumerate(levels):
        if one is None or one["threshold"] is None:
            previous = None
            continue
        if previous is not None and one["threshold"] <= previous:
            r.error(
                f"{path}.levels[{i}].from", _("Each tier's threshold must be above the one before.")
            )
        previous = one["threshold"]
    categories = [one["category"] for one in levels if one]
    if len(set(categories)) != len(categories):
        r.error(f"{path}.levels", _("A category may be one tier only."))
    return {"measure": measure, "period": period, "levels": levels}
