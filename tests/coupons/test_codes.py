"""Codes: alphabet, canonical form, normalisation, entropy (coupons.md "Codes")."""

import math

import pytest

from core.errors import ValidationFailed
from coupons.codes import (
    ALPHABET,
    check_format,
    entropy_bits,
    format_code,
    generate_code,
    generate_codes,
    normalize_code,
    random_parts,
)
from tests.factories import CouponSeriesFactory


def test_alphabet_has_no_look_alikes():
    assert len(ALPHABET) == 31 == len(set(ALPHABET))
    assert not set("0O1IL") & set(ALPHABET)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("cr-k7q2-m9xd", "CRK7Q2M9XD"),
        ("  CR K7Q2 M9XD  ", "CRK7Q2M9XD"),
        ("CR—K7Q2–M9XD", "CRK7Q2M9XD"),  # em and en dashes from word processors
        ("cr_k7q2.m9xd", "CRK7Q2M9XD"),
        ("СR-К7Q2-М9ХD", "CRK7Q2M9XD"),  # Cyrillic С, К, М, Х typed on a Ukrainian keyboard
        ("ＣＲ-Ｋ７", "CRK7"),  # full-width forms
        ("", ""),
    ],
)
def test_normalize_code(raw, expected):
    assert normalize_code(raw) == expected


def test_normalize_keeps_other_characters_so_they_do_not_match():
    assert normalize_code("AB#12") == "AB#12"


@pytest.mark.parametrize(
    ("part", "prefix", "group", "expected"),
    [
        ("K7Q2M9XD4T", "CR", 4, "CR-K7Q2-M9XD-4T"),
        ("K7Q2M9XD", "CR", 4, "CR-K7Q2-M9XD"),
        ("K7Q2M9XD4T", "", 4, "K7Q2-M9XD-4T"),
        ("K7Q2M9XD4T", "CR", 0, "CR-K7Q2M9XD4T"),
        ("k7q2m9xd4t", "cr", 5, "CR-K7Q2M-9XD4T"),
    ],
)
def test_format_code(part, prefix, group, expected):
    code = format_code(part, prefix=prefix, group=group)
    assert code == expected
    assert normalize_code(code) == normalize_code(prefix) + part.upper()


def test_entropy_bits():
    assert entropy_bits(9) == pytest.approx(9 * math.log2(31))
    assert entropy_bits(8) < 40 < entropy_bits(9)


def test_check_format_refuses_less_than_40_bits():
    with pytest.raises(ValidationFailed) as err:
        check_format(prefix="CR", length=8, group=4)
    assert err.value.field == "code_format.length"
    assert "9" in err.value.message  # says how many characters are needed
    check_format(prefix="CR", length=9, group=3)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"prefix": "C#", "length": 10, "group": 4}, "code_format.prefix"),
        ({"prefix": "X" * 13, "length": 10, "group": 4}, "code_format.prefix"),
        ({"prefix": "", "length": 41, "group": 4}, "code_format.length"),
        (
            {"prefix": "", "length": 10, "group": 11},
            "code_format.length".replace("length", "group"),
        ),
        ({"prefix": "", "length": "ten", "group": 4}, "code_format.length"),
    ],
)
def test_check_format_other_errors(kwargs, field):
    with pytest.raises(ValidationFailed) as err:
        check_format(**kwargs)
    assert err.value.field == field


@pytest.mark.django_db
def test_generate_code_uses_the_series_format():
    series = CouponSeriesFactory(code_prefix="cr", code_length=10, code_group=4)
    code, norm = generate_code(series)
    assert code.startswith("CR-") and len(code) == len("CR-XXXX-XXXX-XX")
    assert norm == normalize_code(code) and len(norm) == 12
    assert set(norm[2:]) <= set(ALPHABET)


def test_random_parts_are_uniform_enough_and_distinct():
    parts = random_parts(20000, 10)
    assert len(set(parts)) == 20000
    counts = {c: 0 for c in ALPHABET}
    for part in parts:
        for c in part:
            counts[c] += 1
    expected = 20000 * 10 / 31
    assert all(abs(n - expected) < expected * 0.1 for n in counts.values())


@pytest.mark.parametrize(
    ("prefix", "length", "group"),
    [("BN", 10, 4), ("", 9, 3), ("cr", 10, 0), ("X", 12, 12), ("AB", 11, 5)],
)
def test_generated_codes_are_in_canonical_form(prefix, length, group):
    from types import SimpleNamespace

    series = SimpleNamespace(code_prefix=prefix, code_length=length, code_group=group)
    norm_prefix = normalize_code(prefix)
    for code, norm in generate_codes(series, 50):
        assert code == format_code(norm[len(norm_prefix) :], prefix=prefix, group=group)
        assert normalize_code(code) == norm and len(norm) == len(norm_prefix) + length
