"""Public links of codes, and reading a scanned or typed code that may be one.

Every QR of a coupon, certificate or gift card holds its public link (`/c/<code>`,
`/g/<code>`, `/gc/<code>`; journey.md "Links in every QR"), so that a phone's camera leads
somewhere; tills and kiosks read both the link and the bare code. `parse_scanned` is the one
place that tells them apart: `coupons.codes.normalize_code` (every coupon and certificate
code look-up) calls it, so the API and every page accept both. A customer's card QR stays
the bare card code (journey.md "The card": read by the till as today).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

COUPON, CERTIFICATE, GIFT_CARD = "coupon", "certificate", "gift_card"
PREFIXES = {COUPON: "c", CERTIFICATE: "g", GIFT_CARD: "gc"}
KINDS = {prefix: kind for kind, prefix in PREFIXES.items()}

# Only our own paths: /c/<code>, /g/<code>, /gc/<code>, an optional trailing slash.
_PATH = re.compile(r"^/(c|g|gc)/([^/]+)/?$")
MAX_SCANNED = 2000  # longer text is no link of ours, and is not parsed


@dataclass(frozen=True)
class Scanned:
    kind: str | None  # COUPON, CERTIFICATE, GIFT_CARD, or None for a bare code
    code: str


def public_path(kind: str, code: str) -> str:
    return f"/{PREFIXES[kind]}/{quote(code, safe='')}"


def public_link(kind: str, code: str, request=None) -> str:
    """The absolute link where a request is at hand, else the path."""
    path = public_path(kind, code)
    return request.build_absolute_uri(path) if request is not None else path


def parse_scanned(text) -> Scanned:
    """The code in `text`: the code of one of our public links, else the text itself."""
    raw = str(text or "").strip()
    if "/" not in raw or len(raw) > MAX_SCANNED:
        return Scanned(None, raw)
    try:
        path = urlsplit(raw).path if "://" in raw else raw.split("?", 1)[0].split("#", 1)[0]
    except ValueError:  # a malformed URL (an unclosed IPv6 bracket): not a link of ours
        return Scanned(None, raw)
    found = _PATH.match(path)
    if found is None:
        return Scanned(None, raw)
    return Scanned(KINDS[found.group(1)], unquote(found.group(2)).strip())
