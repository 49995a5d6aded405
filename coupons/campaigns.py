"""Campaigns (journey.md, Hear): a message to a segment of customers, now or at a set time,
only to those who accepted messages, through the outbox, optionally with a coupon each.

Here rather than in customers: a segment may ask who holds a series' coupon and a campaign
may issue coupons, and coupons sits above customers (design.md, Layers).

The run is a django-q2 job over the segment in primary-key batches: each batch commits its
messages (and coupons) and the campaign's `done`, so progress shows while it runs, a stop
between batches keeps what was sent, and a run started again (a worker restarted) skips the
customers it has messaged already (the messages' dedupe key).
"""

import functools
import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core import json_rows
from core.errors import ValidationFailed
from customers.models import Campaign, Customer, CustomerCategory, Enrolment, Notification
from customers.notify import routing, texts
from customers.notify.outbox import wake_sender
from loyalty.models import Sale, Tier

from . import campaign_coupons
from .models import Coupon, CouponEvent, CouponSeries
from .selectors import series_title

logger = logging.getLogger(__name__)

BATCH = 1000
SEGMENTS = ("all", "category", "tier", "not_seen", "birthday", "holds_series", "spent")
MAX_DAYS = 3660
MAX_BIRTHDAY_DAYS = 60


def _days(segment, name="days", most=MAX_DAYS) -> int:
    try:
        days = int(segment.get(name))
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= most:
        raise ValidationFailed(
            _("Give a number of days from 1 to %(most)d.") % {"most": most}, field=name
        )
    return days


def clean_segment(business, segment: dict) -> dict:
    """The segment with its values checked against the business; ValidationFailed naming
    the field otherwise."""
    kind = segment.get("kind")
    if kind == MATCH:
        return _clean_match(business, segment)
    if kind not in SEGMENTS:
        raise ValidationFailed(_("Choose who receives the campaign."), field="segment")
    if kind == "category":
        category = CustomerCategory.objects.filter(
            business=business, pk=_int(segment.get("category"))
        ).first()
        if category is None:
            raise ValidationFailed(_("Choose a customer category."), field="category")
        return {"kind": kind, "category": category.pk}
    if kind == "tier":
        # the tier's id, as the panel's customer-list filter names it too
        tier = Tier.objects.filter(business=business, pk=_int(segment.get("tier"))).first()
        if tier is None:
            raise ValidationFailed(_("Choose a tier."), field="tier")
        return {"kind": kind, "tier": tier.pk}
    if kind == "not_seen":
        return {"kind": kind, "days": _days(segment)}
    if kind == "birthday":
        return {"kind": kind, "days": _days(segment, most=MAX_BIRTHDAY_DAYS)}
    if kind == "holds_series":
        series = CouponSeries.objects.filter(business=business, pk=_int(segment.get("series")))
        if not series.exists():
            raise ValidationFailed(_("Choose a coupon series."), field="holds_series")
        return {"kind": kind, "series": series.first().pk}
    if kind == "spent":
        try:
            amount = Decimal(str(segment.get("amount"))).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            amount = Decimal("-1")
        if not amount.is_finite() or amount < 0:
            raise ValidationFailed(_("Give an amount of 0 or more."), field="amount")
        return {"kind": kind, "amount": str(amount), "days": _days(segment)}
    return {"kind": "all"}


# The customer list's filters, several at once (issue 21): {"kind": "match", "parts": [a
# segment of another kind, ...]}, each part checked as a segment of its own.
MATCH = "match"


def _clean_match(business, segment: dict) -> dict:
    parts = segment.get("parts")
    if not isinstance(parts, list) or not parts:
        raise ValidationFailed(_("Choose who receives the campaign."), field="segment")
    cleaned = []
    for part in parts:
        if not isinstance(part, dict) or part.get("kind") in (MATCH, "all", None):
            raise ValidationFailed(_("Choose who receives the campaign."), field="segment")
        cleaned.append(clean_segment(business, part))
    return {"kind": MATCH, "parts": cleaned}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def segment_customers(business, segment: dict, *, now=None, reachable=True):
    """The customers of `segment` who accepted messages and can be reached (every one of
    them with `reachable=False`: the customer list's filters)."""
    now = now or timezone.now()
    qs = Customer.objects.filter(business=business)
    if reachable:
        qs = qs.filter(consent=True).exclude(channel=Customer.Channel.NONE)
    kind = segment["kind"]
    if kind == MATCH:  # every part at once: the AND of their conditions
        for part in segment["parts"]:
            qs = qs & segment_customers(business, part, now=now, reachable=False)
        return qs
    if kind == "category":
        qs = qs.filter(
            Exists(Enrolment.objects.filter(customer=OuterRef("pk"), category=segment["category"]))
        )
    elif kind == "tier":
        # Those whose category in the tier's program is the tier's; a tier deleted since
        # the campaign was written reaches nobody.
        tier = (
            Tier.objects.filter(business=business, pk=segment["tier"])
            .values("category_id", "policy__program_id")
            .first()
        )
        if tier is None:
            return qs.none()
        qs = qs.filter(
            Exists(
                Enrolment.objects.filter(
                    customer=OuterRef("pk"),
                    program_id=tier["policy__program_id"],
                    category_id=tier["category_id"],
                )
            )
        )
    elif kind == "not_seen":
        # Last visit: the last completed sale, or joining for one who never bought.
        cutoff = now - timedelta(days=segment["days"])
        recent = Sale.objects.filter(
            business=business, customer=OuterRef("pk"), status=Sale.COMPLETED, time__gte=cutoff
        )
        qs = qs.filter(created_at__lt=cutoff).filter(~Exists(recent))
    elif kind == "birthday":
        today = texts.today_in(business)
        days = [today + timedelta(days=n) for n in range(segment["days"])]
        match = Q()
        for day in days:
            match |= Q(birthday__month=day.month, birthday__day=day.day)
        qs = qs.filter(match)
    elif kind == "holds_series":
        qs = qs.filter(
            Exists(
                Coupon.objects.filter(
                    series=segment["series"], customer=OuterRef("pk"), state=Coupon.State.IN_WALLET
                )
            )
        )
    elif kind == "spent":
        cutoff = now - timedelta(days=segment["days"])
        spenders = (
            Sale.objects.filter(business=business, status=Sale.COMPLETED, time__gte=cutoff)
            .exclude(customer=None)
            .values("customer")
            .annotate(total=Sum("amount"))
            .filter(total__gt=Decimal(segment["amount"]))
            .values("customer")
        )
        qs = qs.filter(pk__in=spenders)
    return qs


def count(business, segment: dict) -> int:
    return segment_customers(business, clean_segment(business, segment)).count()


def create_campaign(
    *,
    business,
    name: str,
    segment: dict,
    texts_by_language: dict,
    series=None,
    send_at=None,
    created_by=None,
) -> Campaign:
    """Checks and records a campaign and queues its run (now, or at `send_at`). Refused,
    with nothing written, for an empty segment, a text the templates page would refuse,
    or a series of another business."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the campaign a name."), field="name")
    segment = clean_segment(business, segment)
    if series is not None and series.business_id != business.pk:
        raise ValidationFailed(_("Choose a coupon series."), field="series")
    own = {}
    for language, text in (texts_by_language or {}).items():
        text = (text or "").strip()
        if language not in texts.LANGUAGES or not text:
            continue
        problems = texts.check_text(
            business=business, kind="campaign", language=language, text=text
        )
        if problems:
            raise ValidationFailed(" ".join(problems), field=f"text_{language}")
        couponless = {"code", "valid_to"} & set(texts.placeholders_of(text))
        if series is None and couponless:
            raise ValidationFailed(
                _("%(language)s: {%(name)s} needs a coupon issued with the message.")
                % {"language": language, "name": sorted(couponless)[0]},
                field=f"text_{language}",
            )
        own[language] = text
    if not own:
        raise ValidationFailed(_("Write the message in at least one language."), field="text")
    total = segment_customers(business, segment).count()
    if total == 0:
        raise ValidationFailed(
            _("Nobody in this segment accepts messages: nothing would be sent."),
            field="segment",
        )
    if send_at is not None and send_at <= timezone.now():
        send_at = None
    with transaction.atomic():
        campaign = Campaign.objects.create(
            business=business,
            name=name[:200],
            segment=segment,
            texts=own,
            series=series,
            send_at=send_at,
            total=total,
            created_by=created_by,
        )
        transaction.on_commit(lambda: _queue(campaign))
    return campaign


def _queue(campaign: Campaign) -> None:
    from django_q.models import Schedule
    from django_q.tasks import async_task

    if campaign.send_at is None:
        async_task("coupons.campaigns.run_campaign", campaign.pk)
    else:
        Schedule.objects.create(
            name=f"campaign-{campaign.pk}",
            func="coupons.campaigns.run_campaign",
            args=str(campaign.pk),
            schedule_type=Schedule.ONCE,
            next_run=campaign.send_at,
            repeats=1,
        )


def stop_campaign(*, campaign: Campaign) -> bool:
    """Stops a scheduled or running campaign after its current batch; what was sent
    stays recorded. False when it had finished already."""
    return bool(
        Campaign.objects.filter(
            pk=campaign.pk, state__in=[Campaign.State.SCHEDULED, Campaign.State.RUNNING]
        ).update(state=Campaign.State.STOPPED, finished_at=timezone.now())
    )


def run_campaign(campaign_id: int, *, batch: int = BATCH) -> int:
    """Sends the campaign's messages; returns how many this run queued."""
    started = Campaign.objects.filter(
        pk=campaign_id, state__in=[Campaign.State.SCHEDULED, Campaign.State.RUNNING]
    ).update(state=Campaign.State.RUNNING)
    if not started:
        return 0
    campaign = Campaign.objects.select_related("business", "series").get(pk=campaign_id)
    business = campaign.business
    # The segment is read once, as ids (4 MB at 100,000): a keyset query per batch re-ran
    # the segment's anti-join over the whole business each time (docs/benchmarks.md).
    everyone = list(
        segment_customers(business, campaign.segment).order_by("pk").values_list("pk", flat=True)
    )
    queued = 0
    for start in range(0, len(everyone), batch):
        ids = everyone[start : start + batch]
        with transaction.atomic():
            state = (
                Campaign.objects.select_for_update()
                .values_list("state", flat=True)
                .get(pk=campaign_id)
            )
            if state != Campaign.State.RUNNING:  # stopped
                return queued
            done = _send_batch(campaign, ids)
            queued += done
            Campaign.objects.filter(pk=campaign_id).update(done=F("done") + len(ids))
    Campaign.objects.filter(pk=campaign_id, state=Campaign.State.RUNNING).update(
        state=Campaign.State.DONE, finished_at=timezone.now()
    )
    return queued


# What a batch reads of each customer: plain rows, not model instances (a third of the
# job's time at 100,000 customers went to building models; docs/benchmarks.md).
_FIELDS = (
    "pk",
    "name",
    "language",
    "channel",
    "phone",
    "email",
    "telegram_chat_id",
    "viber_user_id",
)


@functools.cache
def _insert_sql() -> str:
    columns = [f.column for f in json_rows.model_columns(Notification)]
    # a customer messaged already by an earlier run of this campaign: its dedupe key
    return json_rows.insert_sql(
        Notification._meta.db_table, columns, suffix=" ON CONFLICT DO NOTHING"
    )


def _send_batch(campaign: Campaign, ids: list[int]) -> int:
    business = campaign.business
    already = set(
        Notification.objects.filter(
            business=business, campaign=campaign, customer_id__in=ids
        ).values_list("customer_id", flat=True)
    )
    todo = [i for i in ids if i not in already]
    one_by_one = campaign.series_id and campaign.series.code_mode != CouponSeries.CodeMode.ON_ISSUE
    if one_by_one:  # stock codes are issued through the model, one customer at a time
        batch = list(Customer.objects.filter(pk__in=todo).order_by("pk"))
    else:
        rows = Customer.objects.filter(pk__in=todo).order_by("pk").values(*_FIELDS)
        batch = [SimpleNamespace(business_id=business.pk, **row) for row in rows]
    now = timezone.now()
    routed = [(customer, routing.routes(customer)) for customer in batch]
    routed = [(customer, found) for customer, found in routed if found]
    coupons = {}
    if campaign.series_id and not one_by_one:  # the batch's coupons together
        coupons = campaign_coupons.issue_batch(
            series=campaign.series,
            customers=[customer for customer, _found in routed],
            at=now,
            actor=f"campaign:{campaign.pk}",
        )
    wallet = _wallet(business)
    subject = f"{business.name}: {campaign.name}"[:200]
    columns = json_rows.model_columns(Notification)
    blank = json_rows.model_row(
        Notification(business=business, kind="campaign", campaign=campaign, subject=subject),
        columns,
    )
    rows = []
    for customer, found in routed:
        channel, recipient = found[0]
        language = texts.language_of(customer, business)
        values = {"customer": customer.name, "link": wallet}
        if one_by_one:
            coupon = _issue(campaign, customer, now)
            if coupon is not None:
                coupons[customer.pk] = (coupon.code, coupon.valid_to)
        if customer.pk in coupons:
            code, valid_to = coupons[customer.pk]
            values.update(
                code=code,
                link=texts.public_url("public:coupon", code),
                benefit=series_title(campaign.series, language),
                valid_to=texts.local_date(valid_to, business, language),
            )
        values.setdefault("code", "")
        values.setdefault("benefit", campaign.name)
        values.setdefault("valid_to", "")
        text = (
            campaign.texts.get(language)
            or campaign.texts.get(business.language)
            or next(iter(campaign.texts.values()))
        )
        rows.append(
            {
                **blank,
                "customer_id": customer.pk,
                "channel": channel,
                "recipient": recipient,
                "body": texts.compose(
                    business=business,
                    kind="campaign",
                    language=language,
                    values=values,
                    text=text,
                ),
                "dedupe_key": f"campaign:{campaign.pk}:{customer.pk}",
                "created_at": now,
            }
        )
    if rows:
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(), [json_rows.dumps(rows)])
        transaction.on_commit(wake_sender)
    return len(rows)


def _wallet(business) -> str:
    return texts.public_url("public:wallet", business.slug)


def _issue(campaign, customer, now):
    """One coupon for the campaign's message; None when the series cannot issue (its
    inventory ran out): the message still goes, without a code."""
    from . import services

    try:
        with transaction.atomic():
            [coupon] = services.issue_coupons(
                series=campaign.series,
                quantity=1,
                at=now,
                customer=customer,
                actor_kind="system",
                actor=f"campaign:{campaign.pk}",
                notify=False,
            )
    except Exception as exc:  # a refusal: exhausted, archived, past issue_until
        logger.info("campaign %s: no coupon for %s: %s", campaign.pk, customer.pk, exc)
        return None
    return coupon


def results(campaign: Campaign) -> dict:
    """Sent, failed, delivered (where the channel reports it), pending; the coupons it
    issued, those redeemed and the sales they came with."""
    messages = Notification.objects.filter(business_id=campaign.business_id, campaign=campaign)
    states = dict(messages.values("state").annotate(n=Count("pk")).values_list("state", "n"))
    issued = CouponEvent.objects.filter(
        business_id=campaign.business_id, actor=f"campaign:{campaign.pk}", from_state=""
    ).values("coupon_id")
    coupons = Coupon.objects.filter(business_id=campaign.business_id, pk__in=issued)
    redeemed = coupons.filter(state=Coupon.State.REDEEMED)
    sales = Sale.objects.filter(
        business_id=campaign.business_id,
        pk__in=redeemed.exclude(redeemed_sale=None).values("redeemed_sale"),
        status=Sale.COMPLETED,
    ).aggregate(n=Count("pk"), amount=Sum("amount"))
    return {
        "queued": sum(states.values()),
        "sent": states.get(Notification.State.SENT, 0),
        "failed": states.get(Notification.State.FAILED, 0),
        "pending": states.get(Notification.State.PENDING, 0),
        "delivered": messages.exclude(delivered_at=None).count(),
        "coupons": coupons.count(),
        "redeemed": redeemed.count(),
        "sales": sales["n"] or 0,
        "sales_amount": sales["amount"] or Decimal("0.00"),
    }
