"""The owner's message templates: preview, save (checked first), reset to the default."""

from dataclasses import dataclass

from django.db import transaction

from core.errors import ValidationFailed

from ..models import MessageTemplate
from . import texts
from .kinds import KINDS
from .sms import measure


@dataclass(frozen=True)
class Preview:
    text: str  # filled in with the sample customer
    characters: int
    segments: int
    encoding: str
    problems: list[str]


def preview(*, business, kind: str, language: str, text: str) -> Preview:
    problems = texts.check_text(business=business, kind=kind, language=language, text=text)
    sample = texts.sample_values(business, language)
    filled = (
        texts.compose(business=business, kind=kind, language=language, values=sample, text=text)
        if text.strip()
        else ""
    )
    length = measure(filled)
    return Preview(filled, length.characters, length.segments, length.encoding, problems)


def current_texts(business) -> list[dict]:
    """Every kind with its text per language, and whether the business changed it."""
    own = {(t.kind, t.language): t.body for t in MessageTemplate.objects.filter(business=business)}
    rows = []
    for kind in KINDS.values():
        languages = []
        for language in texts.LANGUAGES:
            text = own.get((kind.key, language))
            body = text or texts.default_text(kind.key, language)
            sample = texts.sample_values(business, language)
            filled = texts.compose(
                business=business, kind=kind.key, language=language, values=sample, text=body
            )
            languages.append(
                {
                    "language": language,
                    "text": body,
                    "custom": text is not None,
                    "length": measure(filled),
                }
            )
        rows.append({"kind": kind, "languages": languages})
    return rows


def save_template(*, business, kind: str, language: str, text: str) -> MessageTemplate | None:
    """Stores the business's text; refused (ValidationFailed naming the kind, language and
    fault) with nothing written. The default's text itself stores no row."""
    if kind not in KINDS or language not in texts.LANGUAGES:
        raise ValidationFailed("unknown message kind or language", field="kind")
    text = text.replace("\r\n", "\n").strip()
    problems = texts.check_text(business=business, kind=kind, language=language, text=text)
    if problems:
        raise ValidationFailed(" ".join(problems), field=f"text_{language}")
    with transaction.atomic():
        if text == texts.default_text(kind, language):
            reset_template(business=business, kind=kind, language=language)
            return None
        template, _created = MessageTemplate.objects.update_or_create(
            business=business, kind=kind, language=language, defaults={"body": text}
        )
    texts.forget(business.pk)
    return template


def reset_template(*, business, kind: str, language: str) -> None:
    MessageTemplate.objects.filter(business=business, kind=kind, language=language).delete()
    texts.forget(business.pk)
