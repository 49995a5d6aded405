"""core.links: the public link of a code, and the code of a scanned link or bare code."""

import pytest

from core.links import CERTIFICATE, COUPON, GIFT_CARD, Scanned, parse_scanned, public_path
from coupons.codes import normalize_code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CR-K7Q2-M9XD", Scanned(None, "CR-K7Q2-M9XD")),
        ("  cr k7q2 ", Scanned(None, "cr k7q2")),
        ("https://perkline.example/c/CR-K7Q2-M9XD", Scanned(COUPON, "CR-K7Q2-M9XD")),
        ("http://x.test/c/CR-K7Q2-M9XD/?b=cafe#top", Scanned(COUPON, "CR-K7Q2-M9XD")),
        ("https://x.test/g/GIFT-1", Scanned(CERTIFICATE, "GIFT-1")),
        ("https://x.test/gc/GC-12", Scanned(GIFT_CARD, "GC-12")),
        ("/c/AB%20CD", Scanned(COUPON, "AB CD")),
        ("https://x.test/w/cafe/", Scanned(None, "https://x.test/w/cafe/")),
        ("https://x.test/c/A/B", Scanned(None, "https://x.test/c/A/B")),
        ("AB/CD", Scanned(None, "AB/CD")),
        ("http://[::1/c/X", Scanned(None, "http://[::1/c/X")),
        ("", Scanned(None, "")),
    ],
)
def test_parse_scanned(text, expected):
    assert parse_scanned(text) == expected


def test_public_path_round_trips():
    for kind in (COUPON, CERTIFICATE, GIFT_CARD):
        assert parse_scanned("https://h.test" + public_path(kind, "AB CD/1")) == Scanned(
            kind, "AB CD/1"
        )


def test_every_code_look_up_reads_links():
    assert normalize_code("https://h.test/c/cr-k7q2-m9xd") == "CRK7Q2M9XD"
    assert normalize_code("cr-k7q2-m9xd") == "CRK7Q2M9XD"
