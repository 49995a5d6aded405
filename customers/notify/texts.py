"""What a message says: the business's template for its kind (or the default) filled in,
in the customer's language, with dates in the business's time zone.

`compose` is what senders call; `check_text` is what the templates page calls before it
saves; `sample_values` feed its preview.
"""

import string
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from ..models import MessageTemplate
from .kinds import KINDS, get_kind
from .sms import MAX_SEGMENTS, measure

LANGUAGES = [code for code, _name in settings.LANGUAGES]

# {business id: (loaded at, {(kind, language): body})}. Templates change rarely and a
# coupon issued inside a confirm should not cost a query: another process sees an edit
# within PERKLINE_MESSAGE_TEMPLATE_CACHE_SECONDS; this one at once (forget()).
_cache: dict[int, tuple[float, dict]] = {}


def forget(business_id: int) -> None:
    _cache.pop(business_id, None)


def _templates(business_id: int) -> dict:
    ttl = getattr(settings, "PERKLINE_MESSAGE_TEMPLATE_CACHE_SECONDS", 30)
    hit = _cache.get(business_id)
    if hit is not None and time.monotonic() - hit[0] < ttl:
        return hit[1]
    rows = MessageTemplate.objects.filter(business_id=business_id).values_list(
        "kind", "language", "body"
    )
    texts = {(kind, language): body for kind, language, body in rows}
    _cache[business_id] = (time.monotonic(), texts)
    return texts


def language_of(customer, business) -> str:
    language = getattr(customer, "language", "") or getattr(business, "language", "")
    return language if language in LANGUAGES else settings.LANGUAGE_CODE


def default_text(kind: str, language: str) -> str:
    with translation.override(language):
        return str(get_kind(kind).default)


def template_text(business, kind: str, language: str) -> str:
    business_id = getattr(business, "pk", business)
    return _templates(business_id).get((kind, language)) or default_text(kind, language)


def local_date(moment, business, language: str) -> str:
    """A day as the customer reads it: "31 December 2026", "31 грудня 2026" (the month's
    genitive, without the "р." whose dot doubled up at a sentence's end)."""
    if moment is None:
        with translation.override(language):
            return _("further notice")
    if isinstance(moment, datetime):
        moment = moment.astimezone(ZoneInfo(business.timezone or "UTC")).date()
    with translation.override(language):
        return formats.date_format(moment, "j E Y")


def public_url(name: str, *args) -> str:
    base = getattr(settings, "PERKLINE_PUBLIC_URL", "").rstrip("/")
    return base + reverse(name, args=args)


def render(text: str, values: dict) -> str:
    """Fills the placeholders; one unknown to `values` stays as typed (check_text refuses
    them when saved, so only a kind changed under a saved text meets this)."""
    out = []
    for literal, field, _spec, _conv in string.Formatter().parse(text):
        out.append(literal)
        if field is not None:
            out.append(str(values[field]) if field in values else "{" + field + "}")
    return "".join(out)


def compose(*, business, kind: str, language: str, values: dict, text: str = "") -> str:
    """The message of `kind` for `business` in `language`; `values` fill its placeholders
    (`business` is added). `text`: a text to use instead of the template (campaigns)."""
    values = {"business": business.name, **values}
    with translation.override(language):
        return render(text or template_text(business, kind, language), values).strip()


def subject(*, business, kind: str, language: str, values: dict) -> str:
    """An e-mail's subject: the business's name and what the message is about."""
    with translation.override(language):
        about = values.get("benefit") or str(get_kind(kind).label)
    return f"{business.name}: {about}"[:200]


def placeholders_of(text: str) -> list[str]:
    """The placeholder names in `text`; ValueError for a stray brace."""
    return [field for _l, field, _s, _c in string.Formatter().parse(text) if field is not None]


def check_text(*, business, kind: str, language: str, text: str) -> list[str]:
    """The problems of an owner's text, each naming the kind, language and what is wrong;
    [] when it can be saved."""
    where = _("%(kind)s (%(language)s)") % {
        "kind": get_kind(kind).label,
        "language": dict(settings.LANGUAGES)[language],
    }
    if not text.strip():
        return [_("%(where)s: the text is empty.") % {"where": where}]
    try:
        names = placeholders_of(text)
    except ValueError:
        return [
            _("%(where)s: a brace is not closed; write {{ and }} for braces themselves.")
            % {"where": where}
        ]
    allowed = set(get_kind(kind).placeholders)
    problems = []
    for name in dict.fromkeys(names):
        if name not in allowed:
            problems.append(
                _("%(where)s: unknown placeholder {%(name)s}; this message knows %(known)s.")
                % {
                    "where": where,
                    "name": name,
                    "known": ", ".join(f"{{{n}}}" for n in get_kind(kind).placeholders),
                }
            )
    if problems:
        return problems
    length = measure(
        compose(
            business=business,
            kind=kind,
            language=language,
            values=sample_values(business, language),
            text=text,
        )
    )
    if length.segments > MAX_SEGMENTS:
        problems.append(
            _(
                "%(where)s: with the sample customer the SMS takes %(segments)d parts "
                "(%(characters)d characters, %(encoding)s); at most %(max)d."
            )
            % {
                "where": where,
                "segments": length.segments,
                "characters": length.characters,
                "encoding": length.encoding,
                "max": MAX_SEGMENTS,
            }
        )
    return problems


def sample_values(business, language: str) -> dict:
    """A sample customer's values for the preview and the length check; links as long as
    real ones."""
    with translation.override(language):
        today = timezone.now().astimezone(ZoneInfo(business.timezone or "UTC")).date()
        return {
            "business": business.name,
            "customer": _("Olena"),
            "code": "PK7Q-4MX2-9T",
            "link": public_url("public:coupon", "PK7Q4MX29T"),
            "benefit": _("Free cappuccino"),
            "valid_to": local_date(today + timedelta(days=30), business, language),
            "balance": "120",
            "points": "35",
            "friend": _("Andrii"),
            "tier": _("Gold"),
            "count": "1",
        }


def all_kinds():
    return list(KINDS.values())


def points(value) -> str:
    """Points as a message shows them: no trailing zeros ("35", "12.5")."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def today_in(business) -> date:
    return timezone.now().astimezone(ZoneInfo(business.timezone or "UTC")).date()
