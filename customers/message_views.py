"""Panel pages for the business's message templates (journey.md, Hear): every kind with its
text per language, an editor with a live preview and the SMS length, reset to default."""

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.errors import ValidationFailed
from core.permissions import panel_view
from customers.models import MessagingSettings
from customers.notify import editing, routing, texts
from customers.notify.kinds import KINDS, PLACEHOLDERS

MAX_TEXT = 2000


def _kind(key):
    if key not in KINDS:
        raise Http404
    return KINDS[key]


class TemplateForm(forms.Form):
    """One text per language; each is checked as the templates page promises."""

    def __init__(self, *args, business, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.business, self.kind = business, kind
        names = dict(settings.LANGUAGES)
        for language in texts.LANGUAGES:
            self.fields[f"text_{language}"] = forms.CharField(
                label=names[language],
                required=False,
                max_length=MAX_TEXT,
                strip=True,
                widget=forms.Textarea(
                    attrs={"rows": 4, "data-language": language, "lang": language}
                ),
            )

    def clean(self):
        data = super().clean()
        for language in texts.LANGUAGES:
            name = f"text_{language}"
            if name not in data:
                continue
            problems = texts.check_text(
                business=self.business, kind=self.kind.key, language=language, text=data[name]
            )
            for problem in problems:
                self.add_error(name, problem)
        return data


class ChannelOrderForm(forms.Form):
    channel_order = forms.CharField(
        label=_lazy("Channel order"),
        max_length=100,
        help_text=_lazy(
            "Tried after the customer's own channel, first to last, comma-separated: "
            "telegram, viber, sms, email."
        ),
    )

    def clean_channel_order(self):
        names = [n.strip().lower() for n in self.cleaned_data["channel_order"].split(",")]
        names = [n for n in names if n]
        unknown = [n for n in names if n not in routing.ADDRESS_FIELD]
        if unknown or not names:
            raise forms.ValidationError(
                _("Unknown channel: %(names)s. Use telegram, viber, sms, email.")
                % {"names": ", ".join(unknown) or "—"}
            )
        return ",".join(dict.fromkeys(names))


@panel_view()
def template_list(request):
    business = request.business
    current = MessagingSettings.objects.filter(business=business).first()
    order = current.channel_order if current else ",".join(routing.DEFAULT_ORDER)
    form = ChannelOrderForm(request.POST or None, initial={"channel_order": order})
    if request.method == "POST" and form.is_valid():
        MessagingSettings.objects.update_or_create(
            business=business, defaults={"channel_order": form.cleaned_data["channel_order"]}
        )
        messages.success(request, _("Channel order saved."))
        return redirect("panel:message_template_list")
    return render(
        request,
        "customers/message_templates.html",
        {
            "title": _("Message templates"),
            "rows": editing.current_texts(business),
            "form": form,
        },
    )


@panel_view()
def template_edit(request, kind):
    kind = _kind(kind)
    business = request.business
    current = {
        row["kind"].key: row for row in editing.current_texts(business) if row["kind"] == kind
    }[kind.key]
    initial = {f"text_{row['language']}": row["text"] for row in current["languages"]}
    reset = request.POST.get("reset", "")
    if request.method == "POST" and reset in texts.LANGUAGES:
        editing.reset_template(business=business, kind=kind.key, language=reset)
        messages.success(request, _("The default text is back."))
        return redirect("panel:message_template_edit", kind=kind.key)
    form = TemplateForm(request.POST or None, initial=initial, business=business, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for language in texts.LANGUAGES:
                    editing.save_template(
                        business=business,
                        kind=kind.key,
                        language=language,
                        text=form.cleaned_data[f"text_{language}"],
                    )
        except ValidationFailed as error:  # checked by the form already; a race at most
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Template saved."))
            return redirect("panel:message_template_list")
    previews = {
        row["language"]: editing.preview(
            business=business, kind=kind.key, language=row["language"], text=row["text"]
        )
        for row in current["languages"]
    }
    fields = [
        {
            "field": form[f"text_{row['language']}"],
            "language": row["language"],
            "custom": row["custom"],
            "preview": previews[row["language"]],
        }
        for row in current["languages"]
    ]
    return render(
        request,
        "customers/message_template_edit.html",
        {
            "title": _("Message: %(kind)s") % {"kind": kind.label},
            "kind": kind,
            "form": form,
            "fields": fields,
            "placeholders": [(name, PLACEHOLDERS[name]) for name in kind.placeholders],
        },
    )


@panel_view()
@require_POST
def template_preview(request, kind):
    """The text filled in with the sample customer, its SMS length and its problems."""
    kind = _kind(kind)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = {}
    language = data.get("language")
    text = data.get("text")
    if language not in texts.LANGUAGES or not isinstance(text, str) or len(text) > MAX_TEXT:
        return JsonResponse({"error": {"message": _("Give a language and a text.")}}, status=400)
    result = editing.preview(business=request.business, kind=kind.key, language=language, text=text)
    return JsonResponse(
        {
            "text": result.text,
            "characters": result.characters,
            "segments": result.segments,
            "encoding": result.encoding,
            "problems": result.problems,
        }
    )
