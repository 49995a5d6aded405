"""Coupon and certificate codes: alphabet, canonical form, normalisation, generation.

A code has a canonical form (what is printed and answered: ``PREFIX-GROUP-GROUP``) and a
normalised form (upper case, separators removed) that is the look-up key, unique within a
business. The prefix is joined to the random part by a dash like any other group, so
``format_code("K7Q2M9XD4T", prefix="CR", group=4) == "CR-K7Q2-M9XD-4T"``.
"""

import math
import re
import secrets
import unicodedata

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.links import parse_scanned

# No 0/O, 1/I/L: a code read aloud or typed from paper cannot be mistyped into another one.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MIN_ENTROPY_BITS = 40
MAX_RANDOM_LENGTH = 40
MAX_PREFIX_LENGTH = 12

# Separators people type or that printing adds: whitespace, every kind of dash, '_' and '.'.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]+")
# Cyrillic letters that look like Latin ones: a Ukrainian keyboard types them for codes read
# off paper. Only unambiguous look-alikes are mapped.
_CYRILLIC_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХУІЈЅ",
    "ABEKMHOPCTXYIJS",
)
_PREFIX_RE = re.compile(r"^[A-Z0-9]*$")

# Bytes below 248 = 8 * 31 map onto the alphabet without bias; the rest are dropped.
_BYTE_TABLE = bytes(ord(ALPHABET[b % len(ALPHABET)]) if b < 248 else 0 for b in range(256))
_DROP = bytes(range(248, 256))


def normalize_code(raw: str) -> str:
    """The look-up key: upper case, Cyrillic look-alikes as Latin, separators removed.

    A scanned public link (`https://…/c/<code>`) gives its code (core.links)."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", parse_scanned(raw).code).upper()
    text = text.translate(_CYRILLIC_LOOKALIKES)
    return _SEPARATORS.sub("", text)


def format_code(random_part: str, *, prefix: str, group: int) -> str:
    """Canonical form: the prefix and groups of ``group`` characters joined by dashes.

    ``group`` 0 leaves the random part in one piece.
    """
    random_part = random_part.upper()
    if group and group > 0:
        parts = [random_part[i : i + group] for i in range(0, len(random_part), group)]
    else:
        parts = [random_part]
    prefix = normalize_code(prefix)
    if prefix:
        parts.insert(0, prefix)
    return "-".join(p for p in parts if p)


def entropy_bits(length: int) -> float:
    """Bits of entropy of a random part of ``length`` characters of ALPHABET."""
    return max(length, 0) * math.log2(len(ALPHABET))


def check_format(*, prefix, length, group) -> None:
    """Refuse a code format that cannot give 40 bits, or that would not fit a code column."""
    prefix = prefix or ""
    norm_prefix = normalize_code(prefix)
    if len(norm_prefix) > MAX_PREFIX_LENGTH or not _PREFIX_RE.match(norm_prefix):
        raise ValidationFailed(
            _("The prefix may hold up to %(n)d letters and digits.") % {"n": MAX_PREFIX_LENGTH},
            field="code_format.prefix",
        )
    try:
        length = int(length)
        group = int(group or 0)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("Enter a whole number."), field="code_format.length") from exc
    if entropy_bits(length) < MIN_ENTROPY_BITS:
        minimum = math.ceil(MIN_ENTROPY_BITS / math.log2(len(ALPHABET)))
        raise ValidationFailed(
            _(
                "A code of %(length)d random characters has %(bits).1f bits of entropy; "
                "at least %(min_bits)d are needed, so use %(minimum)d characters or more."
            )
            % {
                "length": length,
                "bits": entropy_bits(length),
                "min_bits": MIN_ENTROPY_BITS,
                "minimum": minimum,
            },
            field="code_format.length",
        )
    if length > MAX_RANDOM_LENGTH:
        raise ValidationFailed(
            _("A code may have at most %(n)d random characters.") % {"n": MAX_RANDOM_LENGTH},
            field="code_format.length",
        )
    if group < 0 or group > length:
        raise ValidationFailed(
            _("Characters per group must be between 0 (no groups) and the code length."),
            field="code_format.group",
        )


def random_parts(count: int, length: int) -> list[str]:
    """``count`` random strings of ALPHABET from ``secrets``: fast enough for a million."""
    need = count * length
    chars = bytearray()
    while len(chars) < need:
        # ~3% of bytes are dropped to stay unbiased; ask for a little more than needed.
        chunk = secrets.token_bytes(int((need - len(chars)) * 1.05) + 16)
        chars += chunk.translate(_BYTE_TABLE, _DROP)
    text = chars[:need].decode("ascii")
    return [text[i : i + length] for i in range(0, need, length)]


def generate_codes(series, count: int) -> list[tuple[str, str]]:
    """``count`` (canonical, normalised) codes in the series' format."""
    prefix = normalize_code(series.code_prefix)
    length, group = series.code_length, series.code_group or 0
    parts = random_parts(count, length)
    lead = prefix + "-" if prefix else ""
    if not group or group >= length:
        return [(lead + part, prefix + part) for part in parts]
    # Same result as format_code, without re-normalising the prefix a million times.
    cuts = [slice(i, i + group) for i in range(0, length, group)]
    return [(lead + "-".join([part[c] for c in cuts]), prefix + part) for part in parts]


def generate_code(series) -> tuple[str, str]:
    """One (canonical, normalised) code in the series' format."""
    return generate_codes(series, 1)[0]
