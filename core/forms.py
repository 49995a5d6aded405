"""The base of every panel form: tenant-scoped choices and errors that name the field."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .tenancy import scoped

# Django 6.1's own Ukrainian catalogue lacks the label of empty choices; ours has it.
gettext_noop("- Select an option -")

# Columns the form fills itself; a unique constraint over them is reported on the other field.
TENANT_FIELDS = frozenset({"business", "program"})


def scope_choices(form, business):
    """Limit every model choice field to rows of `business` (nothing of another tenant leaks)."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        model_fields = {f.name for f in queryset.model._meta.get_fields()}
        if "business" in model_fields:
            field.queryset = scoped(queryset, business)


class BusinessModelForm(forms.ModelForm):
    """A ModelForm for one business's rows: `business` is given by the view, never posted."""

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.business = business
        if hasattr(self.instance, "business_id") and self.instance.business_id is None:
            self.instance.business = business
        scope_choices(self, business)

    def _get_validation_exclusions(self):
        # business is set above, so constraints over (business, code) are checked here
        # instead of failing later as an IntegrityError.
        exclude = super()._get_validation_exclusions()
        exclude.discard("business")
        return exclude

    def validate_constraints(self):
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            self._add_constraint_errors(error)

    def _add_constraint_errors(self, error):
        for field, messages in error.error_dict.items():
            for message in messages:
                target = field
                if field == NON_FIELD_ERRORS and message.code in ("unique", "unique_together"):
                    named = [
                        f for f in message.params.get("unique_check", ()) if f not in TENANT_FIELDS
                    ]
                    if len(named) == 1 and named[0] in self.fields:
                        target = named[0]
                        message = ValidationError(
                            _("“%(value)s” is already used; choose another %(field)s."),
                            code="unique",
                            params={
                                "value": self.cleaned_data.get(target, ""),
                                "field": self.fields[target].label.lower(),
                            },
                        )
                self.add_error(None if target == NON_FIELD_ERRORS else target, message)


class NewPasswordForm(forms.Form):
    """A password typed twice, for anyone who sets their own (sign-up, an invitation)."""

    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data
