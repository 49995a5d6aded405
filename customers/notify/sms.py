"""SMS length: characters and segments as a phone network counts them (3GPP TS 23.038).

A text of GSM-7 characters only takes 160 septets in one message, 153 per part when split
(the user data header takes the rest); an extension character (`{`, `€`...) is sent as an
escape plus the character, two septets, and a part never splits the pair. Any other
character makes the whole text UCS-2: 70 UTF-16 units in one message, 67 per part; a
character beyond the basic plane (most emoji) is two units and never split either.
"""

from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("\f^{}\\[~]|€")

MAX_SEGMENTS = 3


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # as the customer sees them
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def _parts(sizes: list[int], single: int, part: int) -> int:
    """How many messages the units take; `sizes` are the unsplittable units per character."""
    total = sum(sizes)
    if total == 0:
        return 0
    if total <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts, used = parts + 1, 0
        used += size
    return parts


def measure(text: str) -> SmsLength:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        sizes = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        return SmsLength("GSM-7", len(text), sum(sizes), _parts(sizes, 160, 153))
    sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    return SmsLength("UCS-2", len(text), sum(sizes), _parts(sizes, 70, 67))
