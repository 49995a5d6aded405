import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.forms import BusinessModelForm
from core.tenancy import scoped
from customers.models import AccountType, Customer, CustomerCategory
from customers.phones import normalize_phone
from customers.services import new_card_code, normalize_card
from loyalty.models import Program

CARD_PATTERN = re.compile(r"^[A-Z0-9]{4,40}$")
KEY_HELP = _("A short identifier unique in the program: lower-case letters, digits, '-', '_'.")


class CustomerForm(BusinessModelForm):
    """A customer, with one category select per program of the business."""

    class Meta:
        model = Customer
        fields = [
            "phone",
            "name",
            "card_code",
            "email",
            "language",
            "birthday",
            "notes",
            "consent",
            "channel",
        ]
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "phone": _(
                "Any common format; numbers without a country code are read in the "
                "business's phone region. Stored as +380501234567."
            ),
            "card_code": _(
                "The code of the customer's digital card (its QR). Left empty, a new one is made."
            ),
            "consent": _("The customer agreed to receive messages."),
            "channel": _("How messages reach the customer."),
            "language": _("Messages are sent in this language; empty: the business's."),
        }

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card_code"].required = False
        self.category_fields = []
        categories_by_program = {}
        for category in scoped(CustomerCategory, self.business).select_related("program"):
            categories_by_program.setdefault(category.program, []).append(category)
        current = categories or {}
        for program in scoped(Program, self.business).order_by("name", "id"):
            options = categories_by_program.get(program, [])
            if not options:
                continue
            name = f"category_{program.pk}"
            self.fields[name] = forms.ModelChoiceField(
                label=_("Category in %(program)s") % {"program": program.name},
                queryset=scoped(CustomerCategory, self.business).filter(program=program),
                required=False,
                initial=current.get(program.pk),
                help_text=_("Rules may be limited to customers of some categories."),
            )
            self.category_fields.append((program, name))
            self._add_keep_field(program, name)

    def clean_phone(self):
        raw = self.cleaned_data.get("phone", "")
        if not raw.strip():
            return ""
        try:
            phone = normalize_phone(raw, self.business.phone_region)
        except DomainError as error:
            raise forms.ValidationError(error.message, code="invalid") from error
        others = scoped(Customer, self.business).filter(phone=phone)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Another customer of this business has the phone %(phone)s."),
                code="unique",
                params={"phone": phone},
            )
        return phone

    def clean_card_code(self):
        raw = self.cleaned_data.get("card_code", "")
        if not raw.strip():
            # A new customer gets a fresh card; an existing one keeps theirs.
            return self.instance.card_code or new_card_code()
        card = normalize_card(raw)
        if not CARD_PATTERN.match(card):
            raise forms.ValidationError(
                _("A card code has 4 to 40 letters and digits."), code="invalid"
            )
        return card

    def _add_keep_field(self, program, category_field):
        """promotions.md: a category set by hand with "keep" is never changed by tiers."""
        from .tiers import has_tiers, is_kept

        if not has_tiers(program):
            return
        name = f"keep_{program.pk}"
        self.fields[name] = forms.BooleanField(
            label=_("Keep this category in %(program)s") % {"program": program.name},
            required=False,
            initial=bool(self.instance.pk) and is_kept(customer=self.instance, program=program),
            help_text=_("Tiers never move a customer whose category is kept."),
        )
        self.keep_fields = getattr(self, "keep_fields", []) + [(program, name)]

    def chosen_keeps(self):
        """[(program, keep)] for the programs with tiers, as posted."""
        return [(p, bool(self.cleaned_data.get(n))) for p, n in getattr(self, "keep_fields", [])]

    def chosen_categories(self):
        """[(program, category or None)] as posted."""
        return [(program, self.cleaned_data.get(name)) for program, name in self.category_fields]


class CustomerImportForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("loyalty program"),
        queryset=Program.objects.none(),
        help_text=_("Imported customers are enrolled in this program."),
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with a header line. Nothing is saved if any line is wrong."),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = scoped(Program, business)


class AdjustmentForm(forms.Form):
    """A manager's correction of one account, with the reason kept in the ledger."""

    account = forms.ChoiceField(
        label=_("account"), help_text=_("The program and the account to correct.")
    )
    amount = forms.DecimalField(
        label=_("amount"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Positive to add, negative to take away, for example 50 or -20.50."),
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        help_text=_(
            "Kept in the customer's history, for example “compensation for a broken machine”."
        ),
    )

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        programs = list(scoped(Program, business).order_by("name", "id"))
        types = {}
        for account_type in scoped(AccountType, business):
            types.setdefault(account_type.program_id, []).append(account_type)
        choices = []
        for program in programs:
            options = [
                (f"{program.pk}:bonus", _("Bonus points")),
                (f"{program.pk}:special", _("Special (expiring) points")),
                *((f"{program.pk}:{t.key}", t.name) for t in types.get(program.pk, [])),
            ]
            choices.append((program.name, options))
        self.fields["account"].choices = choices
        self.programs = {program.pk: program for program in programs}

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount == Decimal("0"):
            raise forms.ValidationError(_("Enter an amount other than zero."), code="zero")
        return amount

    def clean_account(self):
        program_id, _sep, key = self.cleaned_data["account"].partition(":")
        program = self.programs.get(int(program_id)) if program_id.isdigit() else None
        if program is None or not key:
            raise forms.ValidationError(_("Choose an account."), code="invalid")
        return program, key


class CustomerCategoryForm(BusinessModelForm):
    class Meta:
        model = CustomerCategory
        fields = ["name", "key", "program", "is_default"]
        help_texts = {
            "key": KEY_HELP,
            "is_default": _("New customers of the program get this category."),
        }

    def clean(self):
        cleaned = super().clean()
        program = cleaned.get("program")
        if cleaned.get("is_default") and program is not None:
            others = scoped(CustomerCategory, self.business).filter(
                program=program, is_default=True
            )
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error(
                    "is_default",
                    _("%(name)s is already the default category of this program.")
                    % {"name": others.first().name},
                )
        return cleaned


class AccountTypeForm(BusinessModelForm):
    class Meta:
        model = AccountType
        fields = ["name", "key", "program", "kind"]
        help_texts = {
            "key": KEY_HELP,
            "kind": _(
                "Money: a prepaid balance. Goods or services: prepaid units, such as car "
                "washes. Points and achievements: counted, not spent as money."
            ),
        }

    # payments.md: which positions prepaid units pay for (kind "goods").
    pays_for_goods = forms.CharField(
        label=_("Pays for goods"),
        required=False,
        help_text=_("Goods codes separated by commas, such as WASH."),
    )
    pays_for_categories = forms.CharField(
        label=_("Pays for categories"),
        required=False,
        help_text=_("Category codes separated by commas."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pays = self.instance.pays_for or {}
        self.fields["pays_for_goods"].initial = ", ".join(pays.get("goods") or ())
        self.fields["pays_for_categories"].initial = ", ".join(pays.get("categories") or ())
        if self.instance.pk:
            # Accounts refer to their type by key and program: both are fixed once created.
            self.fields["key"].disabled = True
            self.fields["program"].disabled = True

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key in ("bonus", "special"):
            raise forms.ValidationError(
                _("“%(key)s” is a built-in account; choose another key."),
                code="reserved",
                params={"key": key},
            )
        return key

    def clean(self):
        data = super().clean()
        pays = {}
        for name in ("goods", "categories"):
            text = data.get(f"pays_for_{name}") or ""
            codes = [c.strip() for c in text.split(",") if c.strip()]
            if codes:
                pays[name] = codes
        if pays and data.get("kind") != AccountType.Kind.GOODS:
            self.add_error("pays_for_goods", _("Only a goods account pays for positions."))
        self.instance.pays_for = pays
        return data
