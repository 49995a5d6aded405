"""Import a program document into a business: one transaction, all or nothing, idempotent.

Objects are matched by key (goods and categories by code, brands by name) and updated in
place; a row is saved only when a value differs, so importing the same document twice
writes nothing the second time (no new rows, no `updated_at` change, no version bump).
Objects of the program that the document does not mention are left as they are.
"""

import logging
import re
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from certificates.models import CertificateCode, CertificateSeries, GiftCertificate
from core.tenancy import scoped
from coupons import series_rules
from coupons.models import Coupon, CouponSeries
from customers.models import AccountType, CustomerCategory
from giftcards.models import GiftCardSeries
from loyalty.models import Brand, Business, Goods, GoodsCategory, PointOfSale, Program, Rule
from loyalty.models.stamps import StampCard
from loyalty.models.tiers import Tier, TierPolicy
from loyalty.rules_validation import REWARD_FIELDS, rule_error_details
from loyalty.services.stamp_cards import stamp_card_problems

from . import values
from .errors import ProgramImportError
from .schema import Item, ProgramDocument, read_document, series_json_path

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# Rule model field -> its place in a rule's JSON (rules.md names).
RULE_JSON_PATHS = {
    "depends_measure": "depends_on.measure",
    "depends_period": "depends_on.period",
    "thresholds": "depends_on.thresholds",
    "credit_account": "credit.account",
    "credit_expires_in_days": "credit.expires_in_days",
    "credit_activates_in_days": "credit.activates_in_days",
    "coupon_series": "coupon.series",
    "coupon_per": "coupon.per",
    "coupon_quantity": "coupon.quantity",
    "date_from": "schedule.date_from",
    "date_to": "schedule.date_to",
    "weekdays": "schedule.weekdays",
    "time_from": "schedule.time_from",
    "time_to": "schedule.time_to",
    "birthday_days_before": "birthday.days_before",
    "birthday_days_after": "birthday.days_after",
}
SECTION_LABELS = {  # (one, several)
    "program": ("program", "programs"),
    "points_of_sale": ("point of sale", "points of sale"),
    "customer_categories": ("customer category", "customer categories"),
    "account_types": ("account type", "account types"),
    "gift_card_series": ("gift-card series", "gift-card series"),
    "categories": ("category", "categories"),
    "goods": ("goods item", "goods"),
    "coupon_series": ("coupon series", "coupon series"),
    "rules": ("rule", "rules"),
    "certificates": ("certificate", "certificates"),
    "stamp_cards": ("stamp card", "stamp cards"),
    "tiers": ("tier", "tiers"),
}


def rule_json_path(field_path: str) -> str:
    """`thresholds[1].from` -> `depends_on.thresholds[1].from`, `value` -> `value`."""
    head = re.match(r"[a-z_]+", field_path).group(0)
    return RULE_JSON_PATHS.get(head, head) + field_path[len(head) :]


@dataclass
class ImportResult:
    business: Business
    program: Program
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    business_created: bool = False
    codes_queued: dict = field(default_factory=dict)  # series key -> codes to generate

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def count(self, section: str, outcome: str):
        getattr(self, outcome)[section] += 1

    def summary(self) -> str:
        """One line: what was created and updated, per kind of object."""

        def part(counter):
            return ", ".join(
                f"{counter[s]} {SECTION_LABELS[s][counter[s] != 1]}"
                for s in SECTION_LABELS
                if counter[s]
            )

        created = part(self.created) or "nothing"
        updated = part(self.updated) or "nothing"
        unchanged = sum(self.unchanged.values())
        line = (
            f"Program “{self.program.key}” (id {self.program.pk}, version {self.program.version}) "
            f"in business “{self.business.slug}”: created {created}; updated {updated}; "
            f"{unchanged} unchanged."
        )
        if self.codes_queued:
            queued = ", ".join(f"{k}: {n}" for k, n in self.codes_queued.items())
            line += f" Codes to generate: {queued}."
        return line


def import_program(document: dict, *, business, create_business_kwargs=None) -> ImportResult:
    """Import `document` into `business` (a Business, or a slug).

    With `create_business_kwargs` (name, currency, timezone, phone_region, language) a slug
    that does not exist yet becomes a new business, inside the same transaction. Raises
    ProgramImportError listing every problem by JSON path; then nothing was written.
    """
    doc = read_document(document)
    try:
        with transaction.atomic():
            run = _Import(doc)
            run.resolve_business(business, create_business_kwargs)
            if not run.errors:
                run.run()
            if run.errors:
                raise ProgramImportError(run.errors)  # leaving the atomic block rolls back
            for series_id, count in run.to_generate:
                transaction.on_commit(partial(_generate_codes, series_id, count))
    except IntegrityError as exc:
        # Checked beforehand; only a concurrent import or edit of the same keys gets here.
        logger.warning("program import hit a constraint: %s", exc)
        raise ProgramImportError(
            [("$", _("The business was changed while importing; import the document again."))]
        ) from exc
    run.result.program.refresh_from_db(fields=["version"])
    return run.result


def _generate_codes(series_id: int, count: int):
    """Make the codes of a pregenerated series once its rows are committed."""
    try:
        from coupons.imports import generate_pregenerated
    except ImportError:  # the code generator is not installed yet: say so, do not fail
        logger.warning("coupons.imports.generate_pregenerated is missing: no codes made")
        return
    series = CouponSeries.objects.get(pk=series_id)
    generate_pregenerated(series=series, count=count)


def _quantize(value, exp):
    return None if value is None else Decimal(value).quantize(exp, rounding=ROUND_HALF_UP)


def _sync(instance, fields: dict) -> str:
    """Set `fields` on `instance` and save it only when something differs."""
    if instance.pk is None:
        for name, value in fields.items():
            setattr(instance, name, value)
        instance.save()
        return CREATED
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    if not changed:
        return UNCHANGED
    for name in changed:
        setattr(instance, name, fields[name])
    instance.save()
    return UPDATED


def _sync_links(manager, objects) -> bool:
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    manager.set(objects)
    return True


class _Import:
    def __init__(self, doc: ProgramDocument):
        self.doc = doc
        self.errors: list[tuple[str, str]] = []
        # keys of document objects that failed: references to them are not errors again
        self.failed: dict[str, set] = {
            "points_of_sale": set(),
            "customer_categories": set(),
            "coupon_series": set(),
            "rules": set(),
        }
        self.to_generate: list[tuple[int, int]] = []
        self.business = None
        self.result = None

    def error(self, path, message):
        self.errors.append((path, str(message)))

    def resolve(self, section, known, key, path, message):
        """The object `key` of `section`, or None with an error (unless it failed itself)."""
        obj = known.get(key)
        if obj is not None and obj.pk is not None:
            return obj
        if key not in self.failed[section]:
            self.error(path, message)
        return None

    # -- business ------------------------------------------------------------------------

    def resolve_business(self, business, create_kwargs):
        self.business_created = False
        if isinstance(business, Business):
            self.business = business
            return
        found = Business.objects.filter(slug=business).first()
        if found is not None:
            self.business = found
            return
        if create_kwargs is None:
            self.error("$", _("There is no business “%(slug)s”.") % {"slug": business})
            return
        kwargs = dict(create_kwargs)
        kwargs.setdefault(
            "name",
            (self.doc.program.refs.get("brands") or [None])[0] or self.doc.program.fields["name"],
        )
        new = Business(slug=business, **kwargs)
        try:
            new.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.error(f"business.{name}", " ".join(messages))
        if new.timezone not in zoneinfo.available_timezones():
            self.error("business.timezone", _("Unknown time zone “%(tz)s”.") % {"tz": new.timezone})
        if not re.fullmatch(r"[A-Z]{3}", new.currency or ""):
            self.error("business.currency", _("A currency is a three-letter ISO code."))
        if new.phone_region not in phonenumbers.SUPPORTED_REGIONS:
            self.error(
                "business.phone_region",
                _("Unknown phone region “%(r)s”.") % {"r": new.phone_region},
            )
        if not self.errors:
            new.save()
            self.business = new
            self.business_created = True

    # -- the whole document --------------------------------------------------------------

    def run(self):
        self.program = self.import_program()
        self.result = ImportResult(
            business=self.business, program=self.program, business_created=self.business_created
        )
        self.result.count("program", self.program_outcome)
        self.pos = self.import_points_of_sale()
        self.categories = self.import_customer_categories()
        self.account_types = self.import_account_types()
        self.import_gift_card_series()
        self.goods_categories = self.import_goods_categories()
        self.import_goods()
        self.series = self.import_series()
        self.rules = self.import_rules()
        self.link_series_rewards()
        self.import_stamp_cards()
        self.import_tiers()
        self.link_welcome_series()
        self.link_referral_series()
        self.import_certificates()
        self.queue_codes()

    def scoped(self, model):
        return scoped(model, self.business)

    def import_program(self):
        item = self.doc.program
        program = self.scoped(Program).filter(key=item.key).first()
        if program is None:
            program = Program(business=self.business, key=item.key)
        self.program_outcome = _sync(program, item.fields)
        brand_names = item.refs["brands"]
        if brand_names is not None:
            brands = [
                Brand.objects.get_or_create(business=self.business, name=name)[0]
                for name in brand_names
            ]
            if _sync_links(program.brands, brands) and self.program_outcome == UNCHANGED:
                self.program_outcome = UPDATED
        return program

    def _by_key(self, queryset, attr="key"):
        return {getattr(obj, attr): obj for obj in queryset}

    def import_points_of_sale(self):
        existing = self._by_key(self.scoped(PointOfSale))
        for item in self.doc.points_of_sale:
            pos = existing.get(item.key)
            if pos is not None and pos.program_id != self.program.pk:
                self.error(
                    f"{item.path}.key",
                    _("The point of sale “%(key)s” belongs to another program of the business.")
                    % {"key": item.key},
                )
                self.failed["points_of_sale"].add(item.key)
                continue
            pos = pos or PointOfSale(business=self.business, program=self.program, key=item.key)
            self.result.count("points_of_sale", _sync(pos, item.fields))
            existing[item.key] = pos
        return {k: p for k, p in existing.items() if p.program_id == self.program.pk}

    def import_customer_categories(self):
        existing = self._by_key(self.scoped(CustomerCategory).filter(program=self.program))
        new_default = any(item.fields["is_default"] for item in self.doc.customer_categories)
        listed = {item.key for item in self.doc.customer_categories}
        if new_default:  # one default per program: unmark the ones the document omits
            for key, category in existing.items():
                if key not in listed and category.is_default:
                    _sync(category, {"is_default": False})
        for item in self.doc.customer_categories:
            category = existing.get(item.key) or CustomerCategory(
                business=self.business, program=self.program, key=item.key
            )
            self.result.count("customer_categories", _sync(category, item.fields))
            existing[item.key] = category
        return existing

    def import_account_types(self):
        existing = self._by_key(self.scoped(AccountType).filter(program=self.program))
        for item in self.doc.account_types:
            account_type = existing.get(item.key) or AccountType(
                business=self.business, program=self.program, key=item.key
            )
            self.result.count("account_types", _sync(account_type, item.fields))
            existing[item.key] = account_type
        return set(existing)

    def import_gift_card_series(self):
        existing = self._by_key(self.scoped(GiftCardSeries).filter(program=self.program))
        for item in self.doc.gift_card_series:
            series = existing.get(item.key) or GiftCardSeries(
                business=self.business, program=self.program, key=item.key
            )
            self.result.count("gift_card_series", _sync(series, item.fields))

    def import_goods_categories(self):
        existing = self._by_key(self.scoped(GoodsCategory), "code")
        for item in self.doc.categories:
            category = existing.get(item.key) or GoodsCategory(
                business=self.business, code=item.key
            )
            self.result.count("categories", _sync(category, item.fields))
            existing[item.key] = category
        return existing

    def import_goods(self):
        existing = self._by_key(self.scoped(Goods), "code")
        for item in self.doc.goods:
            category_code = item.refs["category"]
            category = None
            if category_code is not None:
                category = self.goods_categories.get(category_code)
                if category is None:
                    self.error(
                        f"{item.path}.category",
                        _("Unknown category “%(code)s”: list it under “categories”.")
                        % {"code": category_code},
                    )
                    continue
            goods = existing.get(item.key) or Goods(business=self.business, code=item.key)
            fields = dict(item.fields, category_id=category.pk if category else None)
            self.result.count("goods", _sync(goods, fields))

    # -- coupon series, rules and the links between them ---------------------------------

    def import_series(self):
        existing = self._by_key(
            self.scoped(CouponSeries).filter(program=self.program).select_related("reward_rule")
        )
        self.series_outcomes = {}
        for item in self.doc.coupon_series:
            series = existing.get(item.key)
            fields = dict(item.fields)
            locked = series is not None and series_rules.has_issued(series)
            problems = []
            if fields["top_up_amount"] is not None and not locked:
                problems = series_rules.top_up_account_problems(
                    account=fields["top_up_account"], account_types=self.account_types
                )
            for name, message in problems:
                self.error(series_json_path(item.path, name), message)
            if problems:
                self.failed["coupon_series"].add(item.key)
                continue
            if locked and not self._series_change_allowed(item, series, fields):
                self.failed["coupon_series"].add(item.key)
                continue
            if series is None and "public_claim" not in fields:
                fields["public_claim"] = item.refs["public_claim_default"]
            series = series or CouponSeries(
                business=self.business, program=self.program, key=item.key
            )
            # the reward rule is linked by link_series_rewards, once the rules exist
            outcome = _sync(series, fields)
            self.series_outcomes[item.key] = outcome
            self.result.count("coupon_series", outcome)
            existing[item.key] = series
        return existing

    def _series_change_allowed(self, item, series, fields) -> bool:
        ok = True
        if (series.top_up_account, series.top_up_amount) != (
            fields["top_up_account"],
            fields["top_up_amount"],
        ) or (series.reward_rule.key if series.reward_rule else None) != item.refs["reward_rule"]:
            self.error(
                f"{item.path}.reward",
                _("Coupons of this series have been issued: its reward can no longer change."),
            )
            ok = False
        for name, message in series_rules.inventory_problems(
            inventory=fields["inventory"],
            code_mode=fields["code_mode"],
            issued_count=series.issued_count,
        ):
            self.error(series_json_path(item.path, name), message)
            ok = False
        return ok

    def import_rules(self):
        existing = self._by_key(self.scoped(Rule).filter(program=self.program))
        locked = set(
            self.scoped(CouponSeries)
            .filter(series_rules.HAS_ISSUED, program=self.program, reward_rule__isnull=False)
            .values_list("reward_rule_id", flat=True)
        )
        for item in self.doc.rules:
            data = self._rule_data(item)
            problems = rule_error_details(program=self.program, data=data) if data else []
            for field_path, message in problems:
                self.error(f"{item.path}.{rule_json_path(field_path)}", message)
            if data is None or problems:
                self.failed["rules"].add(item.key)
                continue
            rule = existing.get(item.key)
            fields = _rule_fields(data)
            if rule is not None and rule.pk in locked:
                changed = [name for name in REWARD_FIELDS if getattr(rule, name) != fields[name]]
                for name in changed:
                    self.error(
                        f"{item.path}.{rule_json_path(name)}",
                        _(
                            "Coupons with this rule as their reward have been issued: "
                            "it can no longer change."
                        ),
                    )
                if changed:
                    self.failed["rules"].add(item.key)
                    continue
            rule = rule or Rule(business=self.business, program=self.program, key=item.key)
            outcome = _sync(rule, fields)
            links_changed = _sync_links(rule.points_of_sale, data["points_of_sale"])
            links_changed |= _sync_links(rule.customer_categories, data["customer_categories"])
            if links_changed and outcome == UNCHANGED:
                outcome = UPDATED
            self.result.count("rules", outcome)
            existing[item.key] = rule
        return existing

    def _rule_data(self, item: Item) -> dict | None:
        """The rule's model field values with references resolved, or None (errors noted)."""
        ok = True
        series = None
        series_key = item.refs["coupon_series"]
        if series_key is not None:
            series = self.resolve(
                "coupon_series",
                self.series,
                series_key,
                f"{item.path}.coupon.series",
                _("Unknown coupon series “%(key)s”.") % {"key": series_key},
            )
            ok = series is not None
        links = {}
        for name, known, label in (
            ("points_of_sale", self.pos, _("point of sale")),
            ("customer_categories", self.categories, _("customer category")),
        ):
            links[name] = []
            for i, key in enumerate(item.refs[name]):
                obj = self.resolve(
                    name,
                    known,
                    key,
                    f"{item.path}.{name}[{i}]",
                    _("Unknown %(what)s “%(key)s”.") % {"what": label, "key": key},
                )
                ok = ok and obj is not None
                if obj is not None:
                    links[name].append(obj)
        if not ok:
            return None
        return dict(item.fields, coupon_series=series, **links)

    def link_series_rewards(self):
        for item in self.doc.coupon_series:
            series = self.series.get(item.key)
            if series is None or series.pk is None:
                continue
            rule = None
            rule_key = item.refs["reward_rule"]
            if rule_key is not None:
                rule = self.resolve(
                    "rules",
                    self.rules,
                    rule_key,
                    f"{item.path}.reward.rule",
                    _("Unknown rule “%(key)s”.") % {"key": rule_key},
                )
                if rule is None:
                    continue
                if rule.mode != Rule.Mode.COUPON:
                    self.error(
                        f"{item.path}.reward.rule",
                        _("The rule “%(key)s” is a reward only with mode “coupon”.")
                        % {"key": rule_key},
                    )
                    continue
            if series.reward_rule_id != (rule.pk if rule else None):
                series.reward_rule = rule
                series.save()
                if self.series_outcomes.get(item.key) == UNCHANGED:
                    self.result.unchanged["coupon_series"] -= 1
                    self.result.updated["coupon_series"] += 1
                # which rule a coupon applies is part of the compiled rule set
                Program.bump_version(self.program.pk)

    def import_stamp_cards(self):
        """promotions.md's stamp cards; their reward is a coupon series of the program."""
        existing = self._by_key(self.scoped(StampCard).filter(program=self.program))
        for item in self.doc.stamp_cards:
            reward_key = item.refs["reward"]
            reward = None
            if reward_key is not None:
                reward = self.resolve(
                    "coupon_series",
                    self.series,
                    reward_key,
                    f"{item.path}.reward",
                    _("Unknown coupon series “%(key)s”.") % {"key": reward_key},
                )
                if reward is None:
                    continue
            fields = dict(item.fields, reward=reward)
            problems = stamp_card_problems(program=self.program, data=fields)
            for name, message in problems:
                self.error(f"{item.path}.{name}", message)
            if problems:
                continue
            card = existing.get(item.key) or StampCard(
                business=self.business, program=self.program, key=item.key
            )
            self.result.count("stamp_cards", _sync(card, fields))
            existing[item.key] = card

    def import_tiers(self):
        """promotions.md's tiers: the document's list replaces the program's."""
        doc = self.doc.tiers
        if doc is None:
            return
        tiers = []
        for i, level in enumerate(doc["levels"]):
            category = self.resolve(
                "customer_categories",
                self.categories,
                level["category"],
                f"tiers.levels[{i}].category",
                _("Unknown customer category “%(key)s”.") % {"key": level["category"]},
            )
            tiers.append((category, level))
        if any(category is None for category, _level in tiers):
            return
        policy, created = TierPolicy.objects.get_or_create(
            program=self.program,
            defaults={
                "business": self.business,
                "measure": doc["measure"],
                "period": doc["period"],
            },
        )
        wanted = [(c.pk, level["threshold"], level["keep_days"]) for c, level in tiers]
        have = [
            (t.category_id, t.threshold, t.keep_days) for t in policy.tiers.order_by("threshold")
        ]
        if (policy.measure, policy.period, have) == (doc["measure"], doc["period"], wanted):
            self.result.count("tiers", UNCHANGED)
            return
        policy.measure, policy.period = doc["measure"], doc["period"]
        policy.save()
        policy.tiers.all().delete()
        Tier.objects.bulk_create(
            Tier(business=self.business, policy=policy, category_id=c, threshold=t, keep_days=k)
            for c, t, k in wanted
        )
        Program.bump_version(self.program.pk)
        self.result.count("tiers", CREATED if created else UPDATED)

    def link_referral_series(self):
        """`program.referral`'s coupons (the points were set with the program's fields)."""
        given = self.doc.program.refs.get("referral")
        if given is None:
            return
        changed = []
        for side, key in given.items():
            series = None
            if key:
                series = self.resolve(
                    "coupon_series",
                    self.series,
                    key,
                    f"{self.doc.program.path}.referral.{side}.series",
                    _("Unknown coupon series “%(key)s”.") % {"key": key},
                )
                if series is None:
                    continue
            name = f"referral_{side}_series"
            if getattr(self.program, f"{name}_id") != (series.pk if series else None):
                setattr(self.program, name, series)
                changed.append(name)
        if changed:
            self.program.save(update_fields=changed)
            if self.result.unchanged["program"]:
                self.result.unchanged["program"] -= 1
                self.result.updated["program"] += 1

    def link_welcome_series(self):
        given = self.doc.program.refs.get("welcome_series")
        if given is None:
            return
        series = None
        if given:
            series = self.resolve(
                "coupon_series",
                self.series,
                given[0],
                f"{self.doc.program.path}.welcome_series",
                _("Unknown coupon series “%(key)s”.") % {"key": given[0]},
            )
            if series is None or series.pk is None:
                return
        if self.program.welcome_series_id != (series.pk if series else None):
            self.program.welcome_series = series
            self.program.save(update_fields=["welcome_series"])
            if self.result.unchanged["program"]:
                self.result.unchanged["program"] -= 1
                self.result.updated["program"] += 1

    # -- certificates and codes ----------------------------------------------------------

    def import_certificates(self):
        existing = self._by_key(self.scoped(GiftCertificate).filter(program=self.program))
        for item in self.doc.certificates:
            certificate = existing.get(item.key)
            taken = (
                self.scoped(GiftCertificate)
                .filter(public_code_norm=item.fields["public_code_norm"])
                .exclude(pk=certificate.pk if certificate else None)
                .first()
            )
            if taken is None:
                code = (
                    self.scoped(CertificateCode)
                    .filter(code_norm=item.fields["public_code_norm"])
                    .select_related("certificate")
                    .first()
                )
                taken = code.certificate if code is not None else None
            if taken is not None:
                self.error(
                    f"{item.path}.public_code",
                    _("The code is already used by the certificate “%(name)s”.")
                    % {"name": taken.name},
                )
                continue
            bundle = []
            for key, count, entry_path in item.refs["bundle"]:
                series = self.resolve(
                    "coupon_series",
                    self.series,
                    key,
                    f"{entry_path}.series",
                    _("Unknown coupon series “%(key)s”.") % {"key": key},
                )
                if series is not None:
                    bundle.append((series, count))
            if len(bundle) != len(item.refs["bundle"]):
                continue
            certificate = certificate or GiftCertificate(
                business=self.business, program=self.program, key=item.key
            )
            outcome = _sync(certificate, item.fields)
            if self._sync_bundle(certificate, bundle) and outcome == UNCHANGED:
                outcome = UPDATED
            self.result.count("certificates", outcome)

    def _sync_bundle(self, certificate, bundle) -> bool:
        current = {
            e.series_id: e for e in CertificateSeries.objects.filter(certificate=certificate)
        }
        wanted = {series.pk: count for series, count in bundle}
        changed = False
        for series_id, entry in current.items():
            if series_id not in wanted:
                entry.delete()
                changed = True
            elif entry.count != wanted[series_id]:
                entry.count = wanted[series_id]
                entry.save(update_fields=["count"])
                changed = True
        for series, count in bundle:
            if series.pk not in current:
                CertificateSeries.objects.create(
                    business=self.business, certificate=certificate, series=series, count=count
                )
                changed = True
        return changed

    def queue_codes(self):
        """Pregenerated series get codes for their whole inventory, after the commit."""
        for item in self.doc.coupon_series:
            series = self.series.get(item.key)
            if series is None or series.pk is None:
                continue
            if series.code_mode != CouponSeries.CodeMode.PREGENERATED or not series.inventory:
                continue
            missing = series.inventory - Coupon.objects.filter(series=series).count()
            if missing > 0:
                self.to_generate.append((series.pk, missing))
                self.result.codes_queued[series.key] = missing


def _rule_fields(data: dict) -> dict:
    """Model values in their stored form: 2-place values, canonical thresholds."""
    fields = {
        name: value
        for name, value in data.items()
        if name not in ("points_of_sale", "customer_categories")
    }
    fields["value"] = _quantize(data["value"], values.CENT)
    fields["min_quantity"] = _quantize(data["min_quantity"], values.MILLI)
    fields["max_quantity"] = _quantize(data["max_quantity"], values.MILLI)
    fields["thresholds"] = values.canonical_thresholds(
        data["thresholds"], measure=data["depends_measure"]
    )
    fields["weekdays"] = sorted(data["weekdays"])
    fields["max_amount"] = _quantize(data.get("max_amount"), values.CENT)
    fields["quantity_limit"] = _quantize(data.get("quantity_limit"), values.MILLI)
    return fields
