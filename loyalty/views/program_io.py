"""Program documents in the panel: download a program as JSON, upload one to import it.

The work is done by loyalty.program_io (shared with the `import_program` command); these
views only move bytes and show the result or every problem by its JSON path.
"""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from core.permissions import panel_view
from core.tenancy import get_scoped, scoped
from loyalty.models import Program
from loyalty.program_io import ProgramImportError, export_program, import_program, parse_document


class ProgramUploadForm(forms.Form):
    file = forms.FileField(label=_("Program document (JSON)"))


@panel_view()
def program_export(request, pk):
    program = get_scoped(Program, request.business, pk=pk)
    body = json.dumps(export_program(program), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{program.key}.json"'
    return response


@panel_view()
def program_import(request):
    form = ProgramUploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            document = parse_document(form.cleaned_data["file"].read())
            result = import_program(document, business=request.business)
        except ProgramImportError as error:
            errors = error.errors
            form.add_error("file", _("The document has errors; nothing was imported."))
        else:
            messages.success(request, result.summary())
            return redirect("panel:program_list")
    return render(
        request,
        "panel/program_io.html",
        {
            "form": form,
            "errors": errors,
            "programs": scoped(Program, request.business).order_by("name"),
            "title": _("Export and import programs"),
        },
    )
