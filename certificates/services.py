"""Gift certificates: finding a code, activating it, single-use code batches.

Activation is one transaction that writes nothing when it is refused. Limits hold exactly
under concurrency:

- ``max_uses``: a conditional ``UPDATE ... SET uses_count = uses_count + 1 WHERE uses_count
  < max_uses``; the row lock it takes also orders concurrent activations of the certificate;
- per customer (``max_uses_per_customer``, ``min_interval_hours``): the customer's row is
  locked (``SELECT ... FOR UPDATE``) before their past activations are counted, so two
  activations by one customer never both see the same history;
- a single-use code: ``UPDATE ... SET used_at WHERE used_at IS NULL``.

Locks are taken in one order (customer, single-use code, certificate, coupon series by
primary key) so that concurrent activations cannot deadlock one another.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import jobs
from core.errors import NotFound, Refused, ValidationFailed
from core.tenancy import scoped
from coupons.codes import check_format, generate_codes, normalize_code
from coupons.imports import ImportReport, check_codes, read_codes, read_text
from coupons.models import Coupon
from coupons.services import issue_coupons
from coupons.validity import business_tz
from customers.models import Customer

from .models import Activation, CertificateCode, CertificateCodeJob, GiftCertificate
from .selectors import certificate_stats

__all__ = [
    "ActivationResult",
    "activate_certificate",
    "certificate_stats",
    "find_certificate",
    "check_batch",
    "generate_certificate_codes",
    "import_certificate_codes",
    "start_code_batch",
]

MAX_CODES = 100_000  # a batch; more is a second batch
CODES_BATCH = 5_000  # codes a transaction: what the progress bar moves by

CHANNELS = ("terminal", "kiosk", "public", "api", "panel")
ACTOR_KIND = {
    "terminal": "device",
    "kiosk": "device",
    "api": "device",
    "public": "customer",
    "panel": "staff",
}

MESSAGES = {
    "certificate_not_found": gettext_lazy("No gift certificate with this code."),
    "certificate_not_yet_valid": gettext_lazy("This gift certificate is not valid yet."),
    "certificate_expired": gettext_lazy("This gift certificate has expired."),
    "certificate_exhausted": gettext_lazy("This gift certificate has been used up."),
    "certificate_customer_limit": gettext_lazy(
        "You have already activated this gift certificate as often as allowed."
    ),
    "certificate_interval": gettext_lazy("This gift certificate can be activated again later."),
    "coupon_series_exhausted": gettext_lazy("The coupons of this gift certificate have run out."),
}


def _refused(code, **extra):
    return Refused(MESSAGES[code], code=code, extra=extra or None)


def _not_found():
    return NotFound(MESSAGES["certificate_not_found"], code="certificate_not_found")


@dataclass
class ActivationResult:
    certificate: GiftCertificate
    coupons: list[Coupon]
    # [{"series": key, "count": n, "code": "coupon_series_exhausted"}]
    not_given: list[dict] = field(default_factory=list)
    message: str = ""
    activation: Activation | None = None


def find_certificate(
    *, business, code: str
) -> tuple[GiftCertificate, CertificateCode | None] | None:
    """``(certificate, single_use_code)`` for a single-use code, ``(certificate, None)`` for a
    public code, or None. Codes match in any spelling (case, spaces, dashes)."""
    norm = normalize_code(code)
    if not norm:
        return None
    single = (
        scoped(CertificateCode, business)
        .filter(code_norm=norm)
        .select_related("certificate", "certificate__business")
        .first()
    )
    if single is not None:
        return single.certificate, single
    certificate = (
        scoped(GiftCertificate, business)
        .filter(public_code_norm=norm)
        .select_related("business")
        .first()
    )
    return (certificate, None) if certificate is not None else None


def _check_dates(certificate, at):
    today = at.astimezone(business_tz(certificate.business)).date()
    if certificate.valid_from and today < certificate.valid_from:
        raise _refused("certificate_not_yet_valid", valid_from=certificate.valid_from.isoformat())
    if certificate.valid_to and today > certificate.valid_to:
        raise _refused("certificate_expired")


def _check_customer_limits(certificate, customer, at):
    """Call with the customer's row locked: their past activations cannot change meanwhile."""
    if not certificate.max_uses_per_customer and not certificate.min_interval_hours:
        return
    past = Activation.objects.filter(certificate=certificate, customer=customer)
    if certificate.max_uses_per_customer and past.count() >= certificate.max_uses_per_customer:
        raise _refused("certificate_customer_limit")
    if certificate.min_interval_hours:
        last = past.order_by("-at").values_list("at", flat=True).first()
        if last is not None:
            next_allowed = last + timedelta(hours=certificate.min_interval_hours)
            if at < next_allowed:
                raise _refused("certificate_interval", next_allowed_at=next_allowed.isoformat())


def _draw(bundle, certificate, rng):
    """The bundle rows to give: all, or ``random_count`` distinct ones drawn by ``rng``."""
    if certificate.random_count and certificate.random_count < len(bundle):
        rng = rng if rng is not None else secrets.SystemRandom()
        drawn = rng.sample(bundle, certificate.random_count)
        return sorted(drawn, key=lambda row: row.series_id)
    return bundle


def _issue_what_fits(series, count, *, customer, at, actor_kind, actor, point_of_sale):
    """Issue up to ``count`` coupons: all at once, else one by one until the series runs out."""
    try:
        return issue_coupons(
            series=series,
            quantity=count,
            at=at,
            customer=customer,
            actor_kind=actor_kind,
            actor=actor,
            point_of_sale=point_of_sale,
        )
    except Refused as exc:
        if exc.code != "coupon_series_exhausted":
            raise
        if count == 1:
            return []
    given = []
    for _one in range(count):
        try:
            given += issue_coupons(
                series=series,
                quantity=1,
                at=at,
                customer=customer,
                actor_kind=actor_kind,
                actor=actor,
                point_of_sale=point_of_sale,
            )
        except Refused as exc:
            if exc.code != "coupon_series_exhausted":
                raise
            break
    return given


def _use_single(single, at) -> bool:
    return bool(
        CertificateCode.objects.filter(pk=single.pk, used_at__isnull=True).update(used_at=at)
    )


def _message(count: int) -> str:
    return ngettext(
        "%(count)d coupon has been added to your wallet",
        "%(count)d coupons have been added to your wallet",
        count,
    ) % {"count": count}


def activate_certificate(
    *, business, code: str, customer, channel: str, point_of_sale=None, at=None, rng=None
) -> ActivationResult:
    """Activate a certificate code for ``customer``: its coupons go to their wallet.

    Refusals (nothing written): ``certificate_not_found`` (404; also a certificate of
    another program than the point of sale's), ``certificate_not_yet_valid``,
    ``certificate_expired``, ``certificate_exhausted`` (max_uses reached or single-use code
    used), ``certificate_customer_limit``, ``certificate_interval`` (``next_allowed_at`` in
    the error), ``coupon_series_exhausted`` (``all_or_nothing`` not met, or nothing at all
    could be given). Otherwise series out of stock are reported in ``not_given``.
    ``rng`` (a ``random.Random``) draws the series of a ``random_count`` certificate.
    """
    at = at or timezone.now()
    if channel not in CHANNELS:
        raise ValidationFailed(_("Unknown channel."), field="channel")
    found = find_certificate(business=business, code=code)
    if found is None:
        raise _not_found()
    certificate, single = found
    if point_of_sale is not None and point_of_sale.program_id != certificate.program_id:
        raise _not_found()  # a device sees only its own program
    if customer.business_id != certificate.business_id:
        raise _not_found()
    _check_dates(certificate, at)
    if single is not None and single.used_at is not None:
        raise _refused("certificate_exhausted")
    if certificate.max_uses is not None and certificate.uses_count >= certificate.max_uses:
        raise _refused("certificate_exhausted")  # cheap early answer; re-checked below
    actor_kind = ACTOR_KIND[channel]
    actor = f"certificate:{certificate.key}"
    bundle = list(certificate.bundle.select_related("series", "series__business"))

    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        _check_customer_limits(certificate, customer, at)
        if single is not None and not _use_single(single, at):
            raise _refused("certificate_exhausted")
        counted = (
            GiftCertificate.objects.filter(pk=certificate.pk)
            .filter(Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")))
            .update(uses_count=F("uses_count") + 1)
        )
        if not counted:
            raise _refused("certificate_exhausted")

        coupons, not_given = [], []
        for row in _draw(bundle, certificate, rng):
            given = _issue_what_fits(
                row.series,
                row.count,
                customer=customer,
                at=at,
                actor_kind=actor_kind,
                actor=actor,
                point_of_sale=point_of_sale,
            )
            coupons += given
            if len(given) < row.count:
                not_given.append(
                    {
                        "series": row.series.key,
                        "count": row.count - len(given),
                        "code": "coupon_series_exhausted",
                    }
                )
        if not_given and (certificate.all_or_nothing or not coupons):
            # Raising rolls back the counters and any coupons issued above.
            raise _refused("coupon_series_exhausted", not_given=not_given)

        activation = Activation.objects.create(
            business_id=certificate.business_id,
            certificate=certificate,
            code=single.code if single is not None else certificate.public_code,
            customer=customer,
            at=at,
            channel=channel,
            point_of_sale=point_of_sale,
            coupons_given=len(coupons),
        )
        activation.coupons.set(coupons)
    certificate.uses_count += 1
    return ActivationResult(
        certificate=certificate,
        coupons=coupons,
        not_given=not_given,
        message=_message(len(coupons)),
        activation=activation,
    )


def check_batch(*, count: int, prefix: str = "", length: int = 10, group: int = 4) -> None:
    """Refuse a batch the panel must not queue: a guessable format or a count out of range."""
    check_format(prefix=prefix, length=length, group=group)
    if not 1 <= int(count) <= MAX_CODES:
        raise ValidationFailed(_("Make between 1 and 100,000 codes."), field="count")


def generate_certificate_codes(
    *, certificate, count: int, prefix: str = "", length: int = 10, group: int = 4, job=None
) -> list[CertificateCode]:
    """A batch of single-use codes for printing, made like coupon codes (>= 40 bits).

    Committed in batches of CODES_BATCH, each reported to ``job`` (a CertificateCodeJob), so
    that the panel sees the progress; a batch that meets a code taken meanwhile is drawn
    again. A job stopped half way keeps the batches made, and says how many.
    """
    check_batch(count=count, prefix=prefix, length=length, group=group)
    count = int(count)
    fmt = _CodeFormat(prefix, length, group)
    made: list[CertificateCode] = []
    if job is not None:
        job.report(total=count, done=0)
    while len(made) < count:
        batch = [
            CertificateCode(
                business_id=certificate.business_id,
                certificate=certificate,
                code=code,
                code_norm=norm,
            )
            for code, norm in dict(generate_codes(fmt, min(CODES_BATCH, count - len(made)))).items()
        ]
        try:
            with transaction.atomic():
                made += CertificateCode.objects.bulk_create(batch)
        except IntegrityError:
            continue  # a code is taken already: draw the batch again
        if job is not None:
            job.report(done=len(made), accepted=len(made))
    return made


def start_code_batch(*, certificate, count, prefix="", length=10, group=4, staff=None):
    """Check the batch at once (the form shows what is wrong), then make it in the
    background: a CertificateCodeJob the codes page follows."""
    check_batch(count=count, prefix=prefix, length=length, group=group)
    job = CertificateCodeJob(
        business_id=certificate.business_id,
        certificate=certificate,
        total=int(count),
        params={"count": int(count), "prefix": prefix, "length": length, "group": group},
        created_by=staff,
    )
    return jobs.queue(job, "certificates.tasks.run_code_batch")


def import_certificate_codes(*, certificate, file) -> ImportReport:
    """Import printed single-use codes (CSV or plain text, one a line), like coupon imports:
    bad, repeated and already present codes are reported, the rest stored in one transaction.
    """
    cells = read_codes(read_text(file))
    report = ImportReport()
    accepted = check_codes(cells, certificate.business_id, report)
    try:
        with transaction.atomic():
            CertificateCode.objects.bulk_create(
                [
                    CertificateCode(
                        business_id=certificate.business_id,
                        certificate=certificate,
                        code=code,
                        code_norm=norm,
                    )
                    for code, norm in accepted
                ],
                batch_size=5000,
            )
    except IntegrityError as exc:  # a code arrived meanwhile: nothing was stored
        raise ValidationFailed(
            _("Some codes were added elsewhere meanwhile; import the file again."), field="file"
        ) from exc
    report.accepted = len(accepted)
    return report


@dataclass
class _CodeFormat:
    code_prefix: str
    code_length: int
    code_group: int
