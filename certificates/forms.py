"""Panel forms for gift certificates: the certificate with its bundle of coupon series,
single-use code batches and imports."""

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import BusinessModelForm
from core.tenancy import scoped
from coupons.codes import normalize_code
from coupons.forms import DATE_WIDGET, CheckedImageField, TextFilesField
from coupons.imports import IMPORTED_CODE_RE
from coupons.models import Coupon, CouponSeries
from loyalty.models import Program

from .models import CertificateCode, CertificateSeries, GiftCertificate

BUNDLE_EXTRA_ROWS = 3
MAX_BATCH = 100_000

HELP = {
    "program": _("Decides which points of sale, goods, customers and coupon series it works with."),
    "key": _("A short identifier unique in the program (lower-case letters, digits, '-', '_')."),
    "name": _("Shown only in the panel."),
    "image": _("An illustration for the public page. PNG, JPEG, GIF or WebP; resized."),
    "valid_from": _("First day it can be activated (business time zone). Empty: at once."),
    "valid_to": _("Last day it can be activated, inclusive. Empty: no end."),
    "public_code": _(
        "One code that many customers may activate (within the limits below), e.g. "
        "SPRING2030. Unique in the business; case, spaces and dashes do not matter."
    ),
    "random_count": _(
        "Optional: give coupons of this many different bundled series, drawn at random, "
        "instead of all of them."
    ),
    "max_uses": _("Optional: how many activations in total."),
    "max_uses_per_customer": _("Optional: how many activations one customer may make."),
    "min_interval_hours": _(
        "Optional: the least time between two activations by the same customer."
    ),
    "all_or_nothing": _(
        "When a bundled series is out of stock: give nothing (ticked) or what is left."
    ),
}


def _code_taken(business, norm, *, certificate=None) -> bool:
    """Is ``norm`` already a code in the business (certificate, single-use or coupon code)?"""
    others = scoped(GiftCertificate, business).filter(public_code_norm=norm)
    if certificate is not None and certificate.pk:
        others = others.exclude(pk=certificate.pk)
    return (
        others.exists()
        or scoped(CertificateCode, business).filter(code_norm=norm).exists()
        or scoped(Coupon, business).filter(code_norm=norm).exists()
    )


class OneMessagePerField:
    """Models repeat some checks of their forms in ``clean()``: show one message per field."""

    def _update_errors(self, errors):
        if hasattr(errors, "error_dict"):
            for name in list(errors.error_dict):
                if name in self._errors:
                    del errors.error_dict[name]
            if not errors.error_dict:
                return
        super()._update_errors(errors)


class CertificateForm(OneMessagePerField, BusinessModelForm):
    image = CheckedImageField(label=_("image"), required=False)

    class Meta:
        model = GiftCertificate
        fields = [
            "program", "key", "name", "image", "valid_from", "valid_to", "public_code",
            "random_count", "max_uses", "max_uses_per_customer", "min_interval_hours",
            "all_or_nothing",
        ]  # fmt: skip
        widgets = {
            "valid_from": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
            "public_code": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        certificate = self.instance
        self.text_fields = []
        for kind, label, widget in (
            ("title", _("title"), forms.TextInput),
            ("description", _("description"), forms.Textarea(attrs={"rows": 3})),
        ):
            for code, language in settings.LANGUAGES:  # titles first, then descriptions
                name = f"{kind}_{code}"
                self.fields[name] = forms.CharField(
                    label=f"{label} ({language})",
                    required=False,
                    max_length=200 if kind == "title" else 2000,
                    widget=widget,
                    initial=(getattr(certificate, kind) or {}).get(code, ""),
                    help_text=_("Empty: the name is shown.") if kind == "title" else "",
                )
                self.text_fields.append(name)
        programs = scoped(Program, self.business).order_by("name", "id")
        self.fields["program"].queryset = programs
        if certificate.pk is None and programs.count() == 1:
            self.fields["program"].initial = programs.first().pk
        for name in ("random_count", "max_uses", "max_uses_per_customer", "min_interval_hours"):
            self.fields[name].validators.append(MinValueValidator(1))
            self.fields[name].widget.attrs["min"] = 1
        if certificate.pk and certificate.uses_count:
            # Activations hold coupons of the bundled series: its program stays.
            self.fields["program"].disabled = True
            self.fields["program"].help_text = _("Locked: the certificate has been activated.")

    def text_bound_fields(self):
        return [self[name] for name in self.text_fields]

    def clean_public_code(self):
        raw = (self.cleaned_data.get("public_code") or "").strip()
        norm = normalize_code(raw)
        if not IMPORTED_CODE_RE.match(norm):
            raise forms.ValidationError(
                _("Use 4 to 40 letters and digits (spaces and dashes are ignored).")
            )
        if _code_taken(self.business, norm, certificate=self.instance):
            raise forms.ValidationError(
                _("The code “%(code)s” is already used in this business; choose another."),
                params={"code": raw},
            )
        self.instance.public_code_norm = norm  # what the unique constraint compares
        return raw.upper()

    def clean_max_uses(self):
        value = self.cleaned_data.get("max_uses")
        used = self.instance.uses_count if self.instance.pk else 0
        if value is not None and value < used:
            raise forms.ValidationError(
                _("It cannot be below the %(n)d activations made already."), params={"n": used}
            )
        return value

    def _post_clean(self):
        super()._post_clean()
        data = getattr(self, "cleaned_data", {})
        for kind in ("title", "description"):
            texts = {}
            for code, _language in settings.LANGUAGES:
                value = (data.get(f"{kind}_{code}") or "").strip()
                if value:
                    texts[code] = value
            setattr(self.instance, kind, texts)


class BundleRowForm(OneMessagePerField, forms.ModelForm):
    class Meta:
        model = CertificateSeries
        fields = ["series", "count"]
        labels = {"series": _("coupon series"), "count": _("coupons")}

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        if self.instance.business_id is None:
            self.instance.business = business
        self.fields["count"].validators.append(MinValueValidator(1))
        self.fields["count"].widget.attrs["min"] = 1
        current = self.instance.series_id
        # Archived series issue nothing; one already bundled stays visible.
        self.fields["series"].queryset = (
            scoped(CouponSeries, business)
            .filter(Q(is_archived=False) | Q(pk=current))
            .select_related("program")
            .order_by("program__name", "name", "id")
        )
        self.fields["series"].label_from_instance = lambda s: f"{s.program.name} · {s.name}"


class BaseBundleFormSet(BaseInlineFormSet):
    """The bundled series: at least one, each of the certificate's program, no repeats."""

    def __init__(self, *args, business, **kwargs):
        self.business = business
        self.program = None  # the program chosen in the certificate form, set before validating
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["business"] = self.business
        return kwargs

    def rows(self):
        """The valid, kept rows: (series, count)."""
        chosen = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE") or not data.get("series"):
                continue
            chosen.append((data["series"], data.get("count") or 1))
        return chosen

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("series"):
                continue
            series = data["series"]
            if self.program is not None and series.program_id != self.program.pk:
                form.add_error(
                    "series",
                    _("Choose a coupon series of the program %(program)s.")
                    % {"program": self.program.name},
                )
            if series.pk in seen:
                form.add_error("series", _("This series is in the bundle already."))
            seen.add(series.pk)
        if not seen:
            raise forms.ValidationError(
                _("Bundle at least one coupon series: activation gives its coupons.")
            )


BundleFormSet = inlineformset_factory(
    GiftCertificate,
    CertificateSeries,
    form=BundleRowForm,
    formset=BaseBundleFormSet,
    extra=BUNDLE_EXTRA_ROWS,
    can_delete=True,
)


def check_random_count(form, formset) -> bool:
    """``random_count`` draws distinct bundled series: it cannot exceed how many there are."""
    wanted = form.cleaned_data.get("random_count")
    available = len(formset.rows())
    if wanted is not None and wanted > available:
        form.add_error(
            "random_count",
            _("At most %(n)d: the bundle holds %(n)d series.") % {"n": available},
        )
        return False
    return True


class GenerateCertificateCodesForm(forms.Form):
    count = forms.IntegerField(label=_("how many codes"), min_value=1, max_value=MAX_BATCH)
    prefix = forms.CharField(
        label=_("prefix"),
        required=False,
        max_length=12,
        help_text=_("Optional letters and digits before the random part."),
    )
    length = forms.IntegerField(
        label=_("random characters"),
        initial=10,
        min_value=1,
        max_value=40,
        help_text=_("At least 9 so that a code cannot be guessed (40 bits)."),
    )
    group = forms.IntegerField(
        label=_("characters per group"),
        initial=4,
        min_value=0,
        max_value=40,
        help_text=_("Joined by “-”; 0: one block."),
    )

    FIELDS = {
        "code_format.prefix": "prefix",
        "code_format.length": "length",
        "code_format.group": "group",
        "count": "count",
    }


class ImportCertificateCodesForm(forms.Form):
    files = TextFilesField(
        label=_("files of codes"),
        help_text=_(
            "CSV or plain text, one code a line, up to 100,000 lines a file. Badly formatted, "
            "repeated and already present codes are not imported."
        ),
    )
