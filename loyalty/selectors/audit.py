"""Who changed what, when, from what to what: django-simple-history rows read for the panel.

The tracked models are Program, Rule, CouponSeries and GiftCertificate. A change is one
historical row compared with the row before it of the same object (`diff_against`); the
rows before are fetched in one query per model, not one per change.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates.models import GiftCertificate
from coupons.models import CouponSeries
from loyalty.models import Program, Rule

TRACKED = {
    "program": (Program, _("Program"), "panel:program_edit"),
    "rule": (Rule, _("Rule"), "panel:rule_edit"),
    "series": (CouponSeries, _("Coupon series"), "panel:series_detail"),
    "certificate": (GiftCertificate, _("Gift certificate"), "panel:certificate_detail"),
}
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
# Bookkeeping that changes with every save and says nothing to a person.
IGNORED = {"version", "updated_at", "issued_count", "uses_count", "public_code_norm"}
EMPTY = "—"


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Change:
    kind: str
    kind_label: str
    object_id: int
    object_name: str
    url: str | None
    when: datetime
    who: str
    action: str
    action_label: str
    changes: list[FieldChange] = field(default_factory=list)


def _show(model, name, value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if model_field.is_relation:
        # The name a person knows it by; the id only when the row is gone.
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    return str(value)


def _field_changes(model, record, before) -> list[FieldChange]:
    if before is None:
        return []
    delta = record.diff_against(before, excluded_fields=IGNORED)
    changes = []
    for change in delta.changes:
        label = str(model._meta.get_field(change.field).verbose_name)
        changes.append(
            FieldChange(
                label,
                _show(model, change.field, change.old),
                _show(model, change.field, change.new),
            )
        )
    return sorted(changes, key=lambda c: c.field)


def _changes(kind, records, before_by_history_id) -> list[Change]:
    model, label, url_name = TRACKED[kind]
    result = []
    for record in records:
        before = before_by_history_id.get(record.history_id)
        user = record.history_user
        result.append(
            Change(
                kind=kind,
                kind_label=str(label),
                object_id=record.id,
                object_name=getattr(record, "name", "") or str(record.id),
                url=reverse(url_name, args=[record.id]) if record.history_type != "-" else None,
                when=record.history_date,
                who=(user.email or user.get_username()) if user else "",
                action=record.history_type,
                action_label=str(ACTIONS.get(record.history_type, record.history_type)),
                changes=_field_changes(model, record, before),
            )
        )
    return result


def _with_previous(history_qs, limit):
    """The newest `limit` rows of `history_qs` and {history_id: the row before it}."""
    history = history_qs.model
    previous = (
        history.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    records = list(
        history_qs.annotate(previous_id=Subquery(previous))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    ids = [r.previous_id for r in records if r.previous_id]
    before = history.objects.in_bulk(ids) if ids else {}
    return records, {r.history_id: before.get(r.previous_id) for r in records}


def object_history(instance, *, limit=20) -> list[Change]:
    """The latest changes of one tracked object, newest first."""
    kind = next((k for k, (m, *_rest) in TRACKED.items() if isinstance(instance, m)), None)
    if kind is None or instance.pk is None:
        return []
    records, before = _with_previous(instance.history.all(), limit)
    return _changes(kind, records, before)


def business_history(*, business, kind=None, limit=100) -> list[Change]:
    """The latest changes to the business's programs, rules, series and certificates."""
    changes = []
    for key, (model, _label, _url) in TRACKED.items():
        if kind and key != kind:
            continue
        rows = model.history.filter(business_id=business.pk)
        records, before = _with_previous(rows, limit)
        changes += _changes(key, records, before)
    changes.sort(key=lambda c: c.when, reverse=True)
    return changes[:limit]
