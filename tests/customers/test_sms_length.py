"""SMS characters and parts as the network counts them (3GPP TS 23.038)."""

import pytest

from customers.notify.sms import measure


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # an extension character is two septets
        ("€" * 81, "GSM-7", 162, 2),
        # 152 septets then an escape pair: the pair is not split across parts
        ("a" * 152 + "{" + "a" * 10, "GSM-7", 164, 2),
        ("a" * 152 + "{" + "a" * 152, "GSM-7", 306, 3),
        ("Привіт" * 11 + "пр", "UCS-2", 68, 1),
        ("ї" * 70, "UCS-2", 70, 1),
        ("ї" * 71, "UCS-2", 71, 2),
        ("ї" * 134, "UCS-2", 134, 2),
        ("ї" * 135, "UCS-2", 135, 3),
        ("a" * 159 + "і", "UCS-2", 160, 3),  # one Cyrillic letter makes it all UCS-2
        ("😀" * 35, "UCS-2", 70, 1),  # beyond the basic plane: two units
        ("😀" * 34 + "a", "UCS-2", 69, 1),
        ("a" + "😀" * 34, "UCS-2", 69, 1),
        ("a" * 66 + "😀" + "a" * 66, "UCS-2", 134, 3),  # the pair is not split either
    ],
)
def test_measure(text, encoding, units, segments):
    length = measure(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)
    assert length.characters == len(text)
