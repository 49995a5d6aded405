"""Panel forms for coupon series: the series itself, promotion channels, QR logos, issuing,
code generation and imports, statistics ranges and redemption searches.

Every form gets ``business`` from the view; choices are scoped to it, and every message is
attached to the field it is about.
"""

import io
import re
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.validators import MinValueValidator
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError, ValidationFailed
from core.forms import BusinessModelForm
from core.tenancy import scoped
from customers.models import AccountType, Customer, CustomerCategory
from customers.phones import normalize_phone
from loyalty.models import BusinessLogo, Program, Rule

from . import series_rules
from .imports import read_text
from .models import CodeJob, Coupon, CouponSeries, PromotionChannel
from .services import update_series

MAX_IMAGE_SIDE = 1200
MAX_CHART_DAYS = 366
MAX_GENERATE = 1_000_000
MAX_ISSUE_QUANTITY = 100
CHANNEL_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,59}$"  # as coupons.services counts channels
REWARD_RULE, REWARD_TOP_UP = "rule", "top_up"
REWARD_FIELDS = ("reward_kind", "reward_rule", "top_up_account", "top_up_amount")
DATE_WIDGET = {"type": "date"}


def max_upload_bytes() -> int:
    return getattr(settings, "PERKLINE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)


def too_big_message(limit: int) -> str:
    return _("The file is larger than %(mb)s MB.") % {"mb": f"{limit / (1024 * 1024):g}"}


# -- images ----------------------------------------------------------------------------------


def resized_image(upload, *, max_side: int = MAX_IMAGE_SIDE) -> ContentFile:
    """The upload re-encoded by Pillow, at most ``max_side`` px on its longest side.

    Re-encoding drops whatever the file carried besides pixels (metadata, trailing data)
    and keeps pages light. PNG when the image has transparency, else JPEG.
    """
    upload.seek(0)
    with Image.open(upload) as source:
        image = ImageOps.exif_transpose(source)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        has_alpha = image.mode in ("RGBA", "LA") or (
            image.mode == "P" and "transparency" in image.info
        )
        out = io.BytesIO()
        if has_alpha:
            image.convert("RGBA").save(out, format="PNG", optimize=True)
            suffix = ".png"
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
            suffix = ".jpg"
    stem = Path(getattr(upload, "name", "") or "image").stem[:60] or "image"
    return ContentFile(out.getvalue(), name=stem + suffix)


class CheckedImageField(forms.ImageField):
    """An image upload: refused above PERKLINE_MAX_UPLOAD_BYTES or when Pillow cannot read it
    (Django's ImageField check), then resized and re-encoded (``resized_image``)."""

    default_error_messages = {
        "invalid_image": _(
            "This file is not an image (or it is damaged): upload a PNG, JPEG, GIF or WebP."
        ),
    }

    def to_python(self, data):
        limit = max_upload_bytes()
        if data and getattr(data, "size", 0) > limit:
            raise forms.ValidationError(too_big_message(limit), code="too_large")
        upload = super().to_python(data)
        if upload is None:
            return None
        try:
            return resized_image(upload)
        except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError) as exc:
            raise forms.ValidationError(
                self.error_messages["invalid_image"], code="invalid"
            ) from exc


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class TextFilesField(forms.FileField):
    """One or several uploaded text files (CSV or one code a line)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.txt,text/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        cleaned = [super(TextFilesField, self).clean(f, initial) for f in files]
        for upload in cleaned:
            try:
                read_text(upload)  # size and "is it text" now, so nothing is queued in vain
            except DomainError as error:
                raise forms.ValidationError(
                    "%(name)s: %(message)s", params={"name": upload.name, "message": error.message}
                ) from error
            upload.seek(0)
        return cleaned


# -- the series -----------------------------------------------------------------------------

HELP = {
    "program": _("The loyalty program whose points of sale, goods and customers it works with."),
    "key": _(
        "A short identifier unique in the program (lower-case letters, digits, '-', '_'); "
        "rules, certificates and exports refer to the series by it."
    ),
    "name": _("Shown only in the panel."),
    "image": _(
        "What customers see next to the title. PNG, JPEG, GIF or WebP; resized to at most "
        "%(px)d px."
    )
    % {"px": MAX_IMAGE_SIDE},
    "reward_kind": _(
        "A coupon rule of the program (a discount, special price, points or coupons when the "
        "coupon is redeemed), or a top-up credited to a customer account."
    ),
    "reward_rule": _(
        "Only rules with mode “Coupon reward” of the same program. A free item is a special "
        "price of 0.00 on that item."
    ),
    "top_up_account": _("Bonus points or an account type of the program."),
    "top_up_amount": _("Credited when the coupon is redeemed, inside or outside a sale."),
    "min_spend": _("Optional: the check's amount before any discount must reach it."),
    "validity_type": _(
        "A fixed date range; or a number of days or hours from the moment the coupon "
        "reaches a customer (a free coupon of those has no window until then)."
    ),
    "valid_from": _("First day, in the business time zone."),
    "valid_to": _("Last day, inclusive."),
    "delay_days": _("The coupon starts this many days after it reaches the customer; 0: at once."),
    "valid_days": _("It ends this many days after it starts."),
    "valid_hours": _("From 1 to 23 hours after it reaches the customer."),
    "issue_until": _("Optional: nothing new is issued after this day."),
    "inventory": _(
        "The most coupons that can ever be issued; empty: unlimited. It can grow, but never "
        "below the coupons already issued."
    ),
    "code_mode": _(
        "Made on issue: a random code per coupon. Pregenerated: codes for the whole "
        "inventory are made at once (and more when it grows). Imported: codes come from "
        "your files."
    ),
    "code_prefix": _("Optional letters and digits before the random part, e.g. CR."),
    "code_length": _(
        "Random characters, prefix and dashes not counted; at least 9 so that a code "
        "cannot be guessed (40 bits)."
    ),
    "code_group": _("Characters per group joined by “-”; 0: one block."),
    "self_service": _("The customer may redeem it alone at a kiosk."),
    "transferable": _("The holder may give it to another customer."),
    "public_claim": _(
        "Anyone with the series' link or QR may take a coupon. Turn it off for rewards that "
        "rules give: the link then answers “not found”."
    ),
    "notify_giver": _("Tell the giver when the friend claims it."),
    "referral_reward": _(
        "Optional points credited to the giver when a friend redeems a coupon they passed on."
    ),
    "expiry_reminder_hours": _(
        "Optional: remind the holder this many hours before the coupon expires."
    ),
    "kiosk_price": _(
        "Optional price in points: the coupon can be bought at a kiosk wherever a kiosk offer "
        "rule of the program offers this series."
    ),
}


def languages():
    return list(settings.LANGUAGES)


class SeriesForm(BusinessModelForm):
    """A coupon series (coupons.md "Series settings").

    Once a coupon has been issued the reward (rule or top-up) and the program are locked:
    the fields are disabled and a posted change is refused; the code mode is locked as soon
    as the series has any code.
    """

    reward_kind = forms.ChoiceField(
        label=_("reward"),
        choices=[(REWARD_RULE, _("A coupon rule")), (REWARD_TOP_UP, _("A top-up"))],
        widget=forms.RadioSelect,
        initial=REWARD_RULE,
    )
    image = CheckedImageField(label=_("image"), required=False)
    # A select of the accounts, but the value is judged by the series' rules (model clean),
    # so that any account is refused in the same words as by the importer.
    top_up_account = forms.CharField(label=_("top-up account"), required=False, widget=forms.Select)

    class Meta:
        model = CouponSeries
        fields = [
            "program", "key", "name", "image",
            "reward_rule", "top_up_account", "top_up_amount", "min_spend",
            "validity_type", "valid_from", "valid_to", "delay_days", "valid_days", "valid_hours",
            "issue_until", "inventory",
            "code_mode", "code_prefix", "code_length", "code_group",
            "self_service", "transferable", "notify_giver", "referral_reward",
            "expiry_reminder_hours", "kiosk_price", "public_claim",
        ]  # fmt: skip
        widgets = {
            "validity_type": forms.RadioSelect,
            "code_mode": forms.RadioSelect,
            "valid_from": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "issue_until": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
        }
        help_texts = HELP
        labels = {"reward_rule": _("coupon rule")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        series = self.instance
        business = self.business
        self.text_fields = []
        for kind, label, widget in (
            ("title", _("title"), forms.TextInput),
            ("description", _("description"), forms.Textarea(attrs={"rows": 3})),
        ):
            for code, language in languages():  # titles first, then descriptions
                name = f"{kind}_{code}"
                self.fields[name] = forms.CharField(
                    label=f"{label} ({language})",
                    required=False,
                    max_length=200 if kind == "title" else 2000,
                    widget=widget,
                    initial=(getattr(series, kind) or {}).get(code, ""),
                    help_text=_("Empty: the name is shown.") if kind == "title" else "",
                )
                self.text_fields.append(name)
        programs = scoped(Program, business).order_by("name", "id")
        self.fields["program"].queryset = programs
        if series.pk is None and programs.count() == 1:
            self.fields["program"].initial = programs.first().pk
        # The current rule stays a valid choice even if its mode changed since.
        self.fields["reward_rule"].queryset = (
            scoped(Rule, business)
            .filter(Q(mode=Rule.Mode.COUPON) | Q(pk=series.reward_rule_id))
            .select_related("program")
            .order_by("program__name", "priority", "id")
        )
        self.fields["reward_rule"].label_from_instance = lambda r: f"{r.program.name} · {r.name}"
        self.fields["top_up_account"].widget.choices = self._account_choices()
        self.fields["reward_kind"].initial = (
            REWARD_TOP_UP if series.pk and series.is_top_up else REWARD_RULE
        )
        self.initial["top_up_account"] = series.top_up_account or series_rules.TOP_UP_DEFAULT
        for name in ("inventory", "code_length"):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1
        self.fields["valid_hours"].widget.attrs.update(min=1, max=23)
        self.issued = series_rules.has_issued(series)
        self.reward_locked = self.issued
        if self.reward_locked:
            for name in (*REWARD_FIELDS, "program"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Locked: coupons of this series have been issued.")
        self.code_mode_locked = (
            series.pk is not None and Coupon.objects.filter(series=series).exists()
        )
        if self.code_mode_locked:
            self.fields["code_mode"].disabled = True
            self.fields["code_mode"].help_text = _("Locked: the series already has codes.")

    def text_bound_fields(self):
        """Title and description fields, language by language, for the template."""
        return [self[name] for name in self.text_fields]

    def _account_choices(self):
        choices = [(series_rules.TOP_UP_DEFAULT, _("Bonus points"))]
        types = scoped(AccountType, self.business).select_related("program")
        choices += [(t.key, f"{t.name} ({t.program.name})") for t in types.order_by("name")]
        current = self.instance.top_up_account
        if current and current not in {key for key, _label in choices}:
            choices.append((current, current))  # an account type removed since
        seen, unique = set(), []
        for key, label in choices:  # one key may exist in several programs
            if key not in seen:
                seen.add(key)
                unique.append((key, label))
        return unique

    # -- validation --------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        if self.reward_locked:
            self._refuse_reward_change()
        program = data.get("program")
        kind = data.get("reward_kind")
        if kind == REWARD_RULE:
            rule = data.get("reward_rule")
            if rule is None:
                self.add_error("reward_rule", _("Choose the coupon rule this coupon applies."))
            elif program is not None and rule.program_id != program.pk:
                self.add_error(
                    "reward_rule",
                    _("Choose a coupon rule of the program %(program)s.")
                    % {"program": program.name},
                )
            data["top_up_amount"], data["top_up_account"] = None, ""
        elif kind == REWARD_TOP_UP:
            if data.get("top_up_amount") is None:
                self.add_error("top_up_amount", _("Enter the amount to credit."))
            account = data.get("top_up_account") or series_rules.TOP_UP_DEFAULT
            data["reward_rule"], data["top_up_account"] = None, account
        self._clean_validity(data)
        # The series' own rules (the amount, the account, validity, the giver, ...) are
        # CouponSeries.clean's, through coupons.series_rules.
        for name in ("referral_reward", "kiosk_price"):
            if data.get(name) == 0:
                data[name] = None  # zero means "none"
        if data.get("expiry_reminder_hours") == 0:
            data["expiry_reminder_hours"] = None
        return data

    def _refuse_reward_change(self):
        """A locked field is not posted by the browser; a posted different value is refused."""
        for name in (*REWARD_FIELDS, "program"):
            raw = self.data.get(self.add_prefix(name))
            if raw is None:
                continue
            field = self.fields[name]
            try:
                posted = field.to_python(raw)
            except forms.ValidationError:
                posted = raw
            if not _same_value(posted, self.get_initial_for_field(field, name)):
                self.add_error(
                    name,
                    _(
                        "The reward cannot change once coupons have been issued; create a new "
                        "series instead."
                    ),
                )

    def _update_errors(self, errors):
        # The model's clean may find a field this form refused already: keep one message
        # per field, and none on the rule for a top-up reward.
        if hasattr(errors, "error_dict"):
            top_up = self.cleaned_data.get("reward_kind") == REWARD_TOP_UP
            for name in list(errors.error_dict):
                if name in self._errors or (top_up and name == "reward_rule"):
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)

    def _clean_validity(self, data):
        kind = data.get("validity_type")
        if kind == CouponSeries.Validity.RANGE:
            data["delay_days"], data["valid_days"], data["valid_hours"] = 0, None, None
        elif kind == CouponSeries.Validity.RELATIVE:
            data["valid_from"] = data["valid_to"] = data["valid_hours"] = None
            if data.get("delay_days") is None:
                data["delay_days"] = 0
        elif kind == CouponSeries.Validity.HOURS:
            data["valid_from"] = data["valid_to"] = data["valid_days"] = None
            data["delay_days"] = 0
        if data.get("delay_days") is None:
            data["delay_days"] = 0

    def _post_clean(self):
        super()._post_clean()
        instance = self.instance
        instance.title = self._texts("title")
        instance.description = self._texts("description")

    def _texts(self, kind):
        data = getattr(self, "cleaned_data", {})
        texts = {}
        for code, _language in languages():
            value = (data.get(f"{kind}_{code}") or "").strip()
            if value:
                texts[code] = value
        return texts

    # -- saving ------------------------------------------------------------------------------

    def save(self, commit=True):
        """Create, or update without touching the counters (``issued_count``) that issues
        move concurrently; the inventory floor is checked again with the row locked."""
        series = self.instance
        if series.pk is None:
            return super().save(commit=commit)
        names = [
            f
            for f in self._meta.fields
            if f in self.fields and not self.fields[f].disabled and f != "image"
        ]
        names += ["title", "description"]
        if "image" in self.changed_data:
            names.append("image")
        try:
            return update_series(series=series, fields=names)
        except ValidationFailed as error:
            self.add_error(error.field, error.message)
            raise InventoryBelowIssued() from error


def _same_value(a, b) -> bool:
    a, b = getattr(a, "pk", a), getattr(b, "pk", b)
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except (InvalidOperation, ValueError):
        return str(a) == str(b)


class InventoryBelowIssued(Exception):
    """Raised by SeriesForm.save when issues overtook the inventory meanwhile."""


class ArchiveForm(forms.Form):
    """Confirms archiving (no fields: the POST itself confirms)."""


# -- promotion -------------------------------------------------------------------------------


class ChannelForm(BusinessModelForm):
    class Meta:
        model = PromotionChannel
        fields = ["name"]
        help_texts = {
            "name": _(
                "Lower-case letters, digits, '-' and '_', e.g. instagram, poster-lviv. Each "
                "channel's link counts its own visits and claims."
            )
        }

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series
        self.instance.series = series

    def clean_name(self):
        name = (self.cleaned_data.get("name") or "").strip().lower()
        if not re.match(CHANNEL_PATTERN, name):
            raise forms.ValidationError(
                _(
                    "Use lower-case letters, digits, '-' and '_' (up to 60), starting with a "
                    "letter or digit."
                )
            )
        if PromotionChannel.objects.filter(series=self.series, name=name).exists():
            raise forms.ValidationError(
                _("The channel “%(name)s” exists already."), params={"name": name}
            )
        return name


class QrLogoForm(forms.Form):
    """Which logo goes in the middle of the QR codes: none, one of the business's logos, or
    a new upload (saved as a BusinessLogo). The choice is remembered in
    ``business.last_qr_logo``."""

    logo = forms.ChoiceField(label=_("logo in the middle"), required=False)
    upload = CheckedImageField(
        label=_("or upload a new logo"),
        required=False,
        help_text=_("PNG with a transparent background works best."),
    )
    upload_name = forms.CharField(label=_("name of the new logo"), required=False, max_length=100)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        logos = list(scoped(BusinessLogo, business).order_by("-created_at", "-id"))
        self.logos = {str(logo.pk): logo for logo in logos}
        self.fields["logo"].choices = [("", _("No logo"))] + [
            (str(logo.pk), logo.name) for logo in logos
        ]
        self.fields["logo"].initial = str(business.last_qr_logo_id or "")

    def save(self):
        """Remember the chosen logo; answers it (None for "no logo")."""
        upload = self.cleaned_data.get("upload")
        with transaction.atomic():
            if upload:
                name = self.cleaned_data.get("upload_name") or Path(upload.name).stem
                logo = BusinessLogo(business=self.business, name=name[:100])
                logo.image.save(upload.name, upload, save=False)
                logo.save()
            else:
                logo = self.logos.get(self.cleaned_data.get("logo") or "")
            self.business.last_qr_logo = logo
            self.business.save(update_fields=["last_qr_logo"])
        return logo


# -- issuing, codes --------------------------------------------------------------------------


class IssueToCustomerForm(forms.Form):
    phone = forms.CharField(
        label=_("customer's phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Any common format; numbers without a country code use the business region."),
    )
    quantity = forms.IntegerField(
        label=_("coupons"), min_value=1, max_value=MAX_ISSUE_QUANTITY, initial=1
    )
    notify = forms.BooleanField(
        label=_("send the customer a message"), required=False, initial=True
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business

    def clean_phone(self):
        try:
            phone = normalize_phone(self.cleaned_data["phone"], self.business.phone_region)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        customer = scoped(Customer, self.business).filter(phone=phone).first()
        if customer is None:
            raise forms.ValidationError(
                _("No customer has the phone %(phone)s."), params={"phone": phone}
            )
        self.customer = customer
        return phone


class IssueToCategoryForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("customer category"),
        queryset=CustomerCategory.objects.none(),
        help_text=_("Every customer of this category in the series' program gets the coupons."),
    )
    quantity = forms.IntegerField(
        label=_("coupons each"), min_value=1, max_value=MAX_ISSUE_QUANTITY, initial=1
    )
    notify = forms.BooleanField(
        label=_("send each customer a message"), required=False, initial=True
    )

    def __init__(self, *args, business, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = scoped(CustomerCategory, business).filter(
            program_id=series.program_id
        )


class GenerateCodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("how many codes"),
        min_value=1,
        max_value=MAX_GENERATE,
        help_text=_("With an inventory, it grows by the same number."),
    )


class ImportCodesForm(forms.Form):
    files = TextFilesField(
        label=_("files of codes"),
        help_text=_(
            "CSV or plain text, one code a line (the first column of a CSV), up to 100,000 "
            "lines a file; several files at once are fine."
        ),
    )


def pending_generation(series) -> int:
    """Codes that queued or running generation jobs of ``series`` are still to make."""
    jobs = CodeJob.objects.filter(
        series=series,
        kind=CodeJob.Kind.GENERATE,
        state__in=[CodeJob.State.QUEUED, CodeJob.State.RUNNING],
    ).values_list("params", "done")
    return sum(max(int(params.get("count", 0)) - done, 0) for params, done in jobs)


def raise_inventory(series, count: int) -> None:
    """Generated codes beyond the inventory could never be issued: the inventory follows."""
    CouponSeries.objects.filter(pk=series.pk, inventory__isnull=False).update(
        inventory=F("inventory") + count
    )


# -- statistics and records ------------------------------------------------------------------


class DateRangeForm(forms.Form):
    """The chart's range: ``from`` and ``to`` dates, the last ``default_days`` (7) by default."""

    date_from = forms.DateField(
        label=_("from"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )
    date_to = forms.DateField(
        label=_("to"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET)
    )

    def __init__(self, data=None, *, today, default_days=7, **kwargs):
        data = {"date_from": data.get("from", ""), "date_to": data.get("to", "")} if data else {}
        super().__init__(data, **kwargs)
        self.today = today
        self.default_days = default_days

    def clean(self):
        data = super().clean()
        date_to = data.get("date_to") or self.today
        date_from = data.get("date_from") or date_to - timedelta(days=self.default_days - 1)
        if date_from > date_to:
            self.add_error("date_from", _("The start is after the end."))
        elif (date_to - date_from).days >= MAX_CHART_DAYS:
            self.add_error("date_from", _("Choose at most %(n)d days.") % {"n": MAX_CHART_DAYS})
        data["date_from"], data["date_to"] = date_from, date_to
        return data

    def range(self):
        """(from, to): the valid range asked for, else the default last days."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["date_from"], self.cleaned_data["date_to"]
        return self.today - timedelta(days=self.default_days - 1), self.today


class RedemptionSearchForm(forms.Form):
    date_from = forms.DateTimeField(
        label=_("from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    date_to = forms.DateTimeField(
        label=_("to"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    name = forms.CharField(label=_("customer name"), required=False, max_length=200)
    phone = forms.CharField(
        label=_("phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel"}),
        help_text=_("Exact number, any format."),
    )
    series = forms.ModelChoiceField(
        label=_("coupon series"), required=False, queryset=CouponSeries.objects.none()
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        self.fields["series"].queryset = scoped(CouponSeries, business).order_by("name", "id")

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "").strip()
        if not raw:
            return ""
        try:
            return normalize_phone(raw, self.business.phone_region)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end is before the start."))
        return data
