"""Customers: finding, registering, enrolling in programs, importing from CSV."""

import csv
import functools
import io
import logging
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import json_rows, sql_rows
from core.errors import ValidationFailed
from core.tenancy import scoped

from .models import Customer, CustomerCategory, Enrolment
from .phones import normalize_phone

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code read aloud or typed from a receipt stays unambiguous.
CARD_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CARD_LENGTH = 12  # 25**12 ~ 2**55: well above the 40 bits of entropy codes must carry
_CARD_JUNK = re.compile(r"[\s\-]+")
_CARD_VALID = re.compile(r"^[A-Z0-9]{4,40}$")


def new_card_code() -> str:
    """A random card code of CARD_LENGTH upper-case, look-alike-free characters."""
    return "".join(secrets.choice(CARD_ALPHABET) for _ in range(CARD_LENGTH))


def normalize_card(raw: str) -> str:
    """The stored form of a card code: upper case without spaces and dashes."""
    return _CARD_JUNK.sub("", raw or "").upper()


def _check_card(card: str) -> str:
    card = normalize_card(card)
    if not _CARD_VALID.match(card):
        raise ValidationFailed(
            _("A card code has 4 to 40 letters and digits."), field="card", code="validation_error"
        )
    return card


# --- finding --------------------------------------------------------------------------------


def find_customer(
    *, business, phone: str | None = None, card: str | None = None, customer_id: int | None = None
) -> Customer | None:
    """The business's customer by id, card or phone (the first one given), or None.

    A malformed phone raises ValidationFailed(field="phone"): it is an input error, not an
    unknown customer.
    """
    customers = scoped(Customer, business)
    try:
        if customer_id is not None:
            return customers.get(pk=int(customer_id))
        if card:
            code = normalize_card(card)
            return customers.get(card_code=code) if code else None
        if phone:
            return customers.get(phone=normalize_phone(phone, business.phone_region))
    except (Customer.DoesNotExist, ValueError, TypeError):
        return None
    return None


# --- registering ----------------------------------------------------------------------------


def _default_category(program) -> CustomerCategory | None:
    return CustomerCategory.objects.filter(program=program, is_default=True).order_by("pk").first()


def _check_category(program, category) -> None:
    if category is not None and category.program_id != program.pk:
        raise ValidationFailed(_("This category is of another program."), field="category")


def _channel_for(phone: str, email: str) -> str:
    if phone:
        return Customer.Channel.SMS
    if email:
        return Customer.Channel.EMAIL
    return Customer.Channel.NONE


def _check_email(email: str) -> None:
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationFailed(_("Enter a valid e-mail address."), field="email") from exc


def _check_name(name: str) -> None:
    if len(name) > 200:
        raise ValidationFailed(_("The name is too long (200 at most)."), field="name")


def _clean_fields(*, email: str, language: str, name: str) -> None:
    _check_email(email)
    _check_name(name)
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationFailed(_("Unknown language."), field="language")


def _already_registered(business, *, phone: str, card: str) -> ValidationFailed | None:
    customers = scoped(Customer, business)
    if phone and customers.filter(phone=phone).exists():
        return ValidationFailed(_("This phone is already registered."), field="phone")
    if card and customers.filter(card_code=card).exists():
        return ValidationFailed(_("This card is already registered."), field="card")
    return None


def _create(*, business, program, category, **fields) -> Customer:
    """Inserts the customer and its enrolment; IntegrityError when phone or card is taken."""
    with transaction.atomic():
        customer = Customer.objects.create(business_id=business.pk, **fields)
        Enrolment.objects.create(
            business_id=business.pk,
            customer=customer,
            program=program,
            category=category if category is not None else _default_category(program),
        )
    return customer


def _insert_enrolled(business, program, **fields) -> Customer | None:
    """A new customer with `fields`, enrolled in `program` in its default category, written
    by one statement; None when the phone or the card code is taken (nothing written)."""
    customer = Customer(
        business_id=business.pk, channel=Customer.Channel.SMS, created_at=timezone.now(), **fields
    )
    columns = json_rows.model_columns(Customer)
    values = [f.get_db_prep_save(getattr(customer, f.attname), connection) for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            _insert_enrolled_sql(), [*values, program.pk, program.pk, customer.created_at]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    fields_ = Customer._meta.concrete_fields
    return Customer.from_db(connection.alias, [f.attname for f in fields_], row)


@functools.cache
def _insert_enrolled_sql() -> str:
    qn = connection.ops.quote_name
    columns = json_rows.model_columns(Customer)
    names = ", ".join(qn(f.column) for f in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    category = qn(CustomerCategory._meta.db_table)
    return (
        f"WITH c AS (INSERT INTO {qn(Customer._meta.db_table)} AS c ({names}) "
        f"VALUES ({placeholders}) ON CONFLICT DO NOTHING "
        f"RETURNING {sql_rows.columns(Customer, 'c')}), "
        f"e AS (INSERT INTO {qn(Enrolment._meta.db_table)} "
        "(business_id, customer_id, program_id, category_id, created_at) "
        "SELECT c.business_id, c.id, %s, "
        f"(SELECT k.id FROM {category} k WHERE k.program_id = %s AND k.is_default "
        "ORDER BY k.id LIMIT 1), %s FROM c) "
        "SELECT * FROM c"
    )


def register_customer(
    *,
    business,
    program,
    phone: str = "",
    name: str = "",
    email: str = "",
    language: str = "",
    birthday=None,
    category=None,
    card_code: str = "",
    welcome: bool = True,
) -> Customer:
    """A new customer of `business`, enrolled in `program` with `category` (or the program's
    default one). A card code is generated when none is given. A phone or card that is
    already registered is refused with ValidationFailed on that field. The customer is sent
    the welcome message unless `welcome` is False (the demo's customers)."""
    if program.business_id != business.pk:
        raise ValidationFailed(_("The program is of another business."), field="program")
    phone = normalize_phone(phone, business.phone_region) if (phone or "").strip() else ""
    name, email = (name or "").strip(), (email or "").strip()
    _clean_fields(email=email, language=language or "", name=name)
    _check_category(program, category)
    card = _check_card(card_code) if (card_code or "").strip() else new_card_code()
    refusal = _already_registered(business, phone=phone, card=card)
    if refusal:
        raise refusal
    try:
        customer = _create(
            business=business,
            program=program,
            category=category,
            phone=phone,
            card_code=card,
            name=name,
            email=email,
            language=language or "",
            birthday=birthday,
            channel=_channel_for(phone, email),
        )
    except IntegrityError as exc:  # registered concurrently between the check and the insert
        raise _already_registered(business, phone=phone, card=card) or ValidationFailed(
            _("This customer is already registered."), field="phone"
        ) from exc
    if welcome:
        from .notify.welcome import queue_welcome

        queue_welcome(customer, program)
    return customer


def get_or_register_by_phone(
    *, business, program, phone: str, welcome: bool = True
) -> tuple[Customer, bool]:
    """The customer with `phone`, registered (and enrolled) when unknown: (customer, created).

    Two tills identifying the same new phone at once get the same customer. A customer
    registered now is sent the welcome (`welcome=False`: the caller sends it later, as the
    join does once it knows the name and language).
    """
    customer, created = _get_or_register_by_phone(business=business, program=program, phone=phone)
    if created and welcome:
        from .notify.welcome import queue_welcome

        queue_welcome(customer, program, business=business, registered_now=True)
    return customer, created


def _get_or_register_by_phone(*, business, program, phone: str) -> tuple[Customer, bool]:
    normalized = normalize_phone(phone, business.phone_region)
    # The usual case, a phone nobody has: the customer and the enrolment in one statement
    # (a confirm registering a new phone made seven round trips for this).
    customer = _insert_enrolled(business, program, phone=normalized, card_code=new_card_code())
    if customer is not None:
        return customer, True
    customer = scoped(Customer, business).filter(phone=normalized).first()
    if customer is not None:
        enrol(customer=customer, program=program)
        return customer, False
    try:  # the card code drawn was taken: the usual way, which draws no code twice
        customer = _create(
            business=business,
            program=program,
            category=None,
            phone=normalized,
            card_code=new_card_code(),
            channel=Customer.Channel.SMS,
        )
        return customer, True
    except IntegrityError:
        customer = scoped(Customer, business).get(phone=normalized)
        enrol(customer=customer, program=program)
        return customer, False


def enrol(*, customer, program, category=None) -> Enrolment:
    """The customer's enrolment in `program`, created with `category` (or the program's
    default) when missing; an existing enrolment is returned unchanged."""
    if program.business_id != customer.business_id:
        raise ValidationFailed(_("The program is of another business."), field="program")
    _check_category(program, category)
    enrolment = Enrolment.objects.filter(customer=customer, program=program).first()
    if enrolment is not None:
        return enrolment
    enrolment, _created = Enrolment.objects.get_or_create(
        customer=customer,
        program=program,
        defaults={
            "business_id": customer.business_id,
            "category": category if category is not None else _default_category(program),
        },
    )
    return enrolment


def set_category(*, customer, program, category, staff=None) -> Enrolment:
    """Moves the customer to `category` in `program` (None: no category)."""
    _check_category(program, category)
    with transaction.atomic():
        enrolment = enrol(customer=customer, program=program, category=category)
        if enrolment.category_id != getattr(category, "pk", None):
            enrolment.category = category
            enrolment.save(update_fields=["category"])
    logger.info(
        "customer %s category in program %s set to %s by %s",
        customer.pk,
        program.pk,
        getattr(category, "key", None),
        getattr(staff, "pk", None),
    )
    return enrolment


# --- CSV import -----------------------------------------------------------------------------

IMPORT_COLUMNS = ("phone", "name", "email", "birthday", "category", "card")
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")
_BATCH = 1000


@dataclass
class RejectedLine:
    line: int  # 1 is the header; 0 is the file as a whole
    field: str
    message: str

    def __str__(self):
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass
class ImportReport:
    """What an import did: all lines created, or none and every rejected line."""

    rows: int = 0
    created: int = 0
    rejected: list[RejectedLine] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def reject(self, line: int, field_name: str, message: str) -> None:
        self.rejected.append(RejectedLine(line, field_name, str(message)))


@dataclass
class _Row:
    line: int
    phone: str = ""
    card: str = ""
    name: str = ""
    email: str = ""
    birthday: date | None = None
    category: CustomerCategory | None = None


def _read_text(file, report: ImportReport) -> str | None:
    limit = getattr(settings, "PERKLINE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
    too_big = _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
    if (getattr(file, "size", None) or 0) > limit:
        report.reject(0, "file", too_big)
        return None
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1) if hasattr(file, "read") else file
    if isinstance(data, str):
        return data
    if len(data) > limit:
        report.reject(0, "file", too_big)
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in data:
        report.reject(0, "file", _("This is not a CSV text file."))
        return None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    report.reject(0, "file", _("Unknown text encoding: save the file as UTF-8."))
    return None


def _delimiter(header_line: str) -> str:
    # Spreadsheets in many locales save CSV with ";" (or tabs); the header tells which.
    return max((",", ";", "\t"), key=header_line.count)


def _parse_date(value: str) -> date:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse_row(line: int, values: dict, *, business, categories, report) -> _Row | None:
    row, errors = _Row(line=line), len(report.rejected)
    if values.get("phone"):
        try:
            row.phone = normalize_phone(values["phone"], business.phone_region)
        except ValidationFailed as exc:
            report.reject(line, "phone", exc.message)
    if values.get("card"):
        try:
            row.card = _check_card(values["card"])
        except ValidationFailed as exc:
            report.reject(line, "card", exc.message)
    if not values.get("phone") and not values.get("card"):
        report.reject(line, "phone", _("A phone or a card is required."))
    row.name, row.email = values.get("name", ""), values.get("email", "")
    for check, value in ((_check_email, row.email), (_check_name, row.name)):
        try:
            check(value)
        except ValidationFailed as exc:
            report.reject(line, exc.field, exc.message)
    if values.get("birthday"):
        try:
            row.birthday = _parse_date(values["birthday"])
            if row.birthday > timezone.localdate():
                report.reject(line, "birthday", _("The birthday is in the future."))
        except ValueError:
            report.reject(line, "birthday", _("Write the date as YYYY-MM-DD or DD.MM.YYYY."))
    if values.get("category"):
        row.category = categories.get(values["category"].lower())
        if row.category is None:
            report.reject(
                line,
                "category",
                _("No category “%(key)s” in this program.") % {"key": values["category"]},
            )
    return row if len(report.rejected) == errors else None


def _read_rows(text: str, *, business, program, report: ImportReport) -> list[_Row]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        report.reject(1, "file", _("The file is empty: the first line names the columns."))
        return []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines[0]), strict=True)
    categories = {}
    for category in CustomerCategory.objects.filter(program=program):
        categories.setdefault(category.name.lower(), category)
        categories[category.key.lower()] = category  # keys win over names
    rows, header, seen = [], None, {"phone": {}, "card": {}}
    try:
        for values in reader:
            line = reader.line_num
            if header is None:
                header = [value.strip().lower() for value in values]
                unknown = [name for name in header if name not in IMPORT_COLUMNS]
                for name in unknown:
                    report.reject(1, name, _("Unknown column; use %s.") % ", ".join(IMPORT_COLUMNS))
                if "phone" not in header and "card" not in header:
                    report.reject(1, "phone", _("The file needs a phone or a card column."))
                if report.rejected:
                    return []
                continue
            if not any(value.strip() for value in values):
                continue
            report.rows += 1
            if len(values) > len(header):
                report.reject(line, "file", _("More values than columns."))
                continue
            cells = {name: value.strip() for name, value in zip(header, values, strict=False)}
            row = _parse_row(line, cells, business=business, categories=categories, report=report)
            if row is None:
                continue
            for key in ("phone", "card"):
                value = getattr(row, key)
                if value and value in seen[key]:
                    report.reject(
                        line,
                        key,
                        _("Same %(field)s as line %(line)s.")
                        % {"field": key, "line": seen[key][value]},
                    )
                    row = None
                    break
                if value:
                    seen[key][value] = line
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        report.reject(max(reader.line_num, 1), "file", _("Broken CSV: %(error)s") % {"error": exc})
    return rows


def _reject_registered(rows: list[_Row], *, business, report: ImportReport) -> None:
    customers = scoped(Customer, business)
    for key, column in (("phone", "phone"), ("card", "card_code")):
        by_value = {getattr(row, key): row.line for row in rows if getattr(row, key)}
        values = list(by_value)
        for start in range(0, len(values), _BATCH):
            taken = customers.filter(**{f"{column}__in": values[start : start + _BATCH]})
            for value in taken.values_list(column, flat=True):
                report.reject(by_value[value], key, _("Already registered."))


def import_customers_csv(*, business, program, file) -> ImportReport:
    """Registers the customers of a CSV file (columns phone, name, email, birthday, category,
    card; a header line first) in `program`: all of them, or none when any line is bad, and
    the report lists every rejected line with its field and reason."""
    report = ImportReport()
    if program.business_id != business.pk:
        report.reject(0, "program", _("The program is of another business."))
        return report
    text = _read_text(file, report)
    if text is None:
        return report
    rows = _read_rows(text, business=business, program=program, report=report)
    if rows and not report.rejected:
        _reject_registered(rows, business=business, report=report)
    if report.rejected or not rows:
        report.rejected.sort(key=lambda rejected: rejected.line)
        return report
    default = _default_category(program)
    try:
        with transaction.atomic():
            for start in range(0, len(rows), _BATCH):
                batch = rows[start : start + _BATCH]
                customers = Customer.objects.bulk_create(
                    [
                        Customer(
                            business_id=business.pk,
                            phone=row.phone,
                            card_code=row.card or new_card_code(),
                            name=row.name,
                            email=row.email,
                            birthday=row.birthday,
                            channel=_channel_for(row.phone, row.email),
                        )
                        for row in batch
                    ]
                )
                Enrolment.objects.bulk_create(
                    [
                        Enrolment(
                            business_id=business.pk,
                            customer=customer,
                            program=program,
                            category=row.category or default,
                        )
                        for customer, row in zip(customers, batch, strict=True)
                    ]
                )
    except IntegrityError:
        report.reject(0, "file", _("Some customers were registered meanwhile: import again."))
        return report
    report.created = len(rows)
    return report
