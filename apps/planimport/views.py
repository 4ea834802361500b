"""The plan import pages: upload a document, the preview beside it (correct, confirm), for the program's office."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.errors import DomainError
from apps.core.web import cleaned, form_message, page
from apps.staging.services import (
    SMALL_INLINE,
    staged_import_authorize,
    staged_import_commit,
    staged_import_discard,
    staged_import_recover,
)

from .access import access_plan_import, access_plan_program
from .forms import CorrectionForm, PlanUploadForm
from .selectors import plan_imports, plan_preview, plan_summary_latest
from .services import KIND, plan_correct, plan_upload


@page
def plan_import(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_plan_program(request.user, program_id)
    form = PlanUploadForm()
    if request.method == "POST":
        staged_import_authorize(kind=KIND, actor=request.user, program=program)  # before the file is read
        form = PlanUploadForm(request.POST, request.FILES)
        if form.is_valid():
            staged = plan_upload(program=program, actor=request.user, checked=form.cleaned_data["file"])
            return redirect("plan_import_preview", program_id=program.id, import_id=staged.id)
        messages.error(request, form_message(form))
    return render(request, "planimport/upload.html", {
        "program": program, "form": form, "imports": plan_imports(program=program, actor=request.user),
        "summary": plan_summary_latest(program=program)})


@page
def plan_import_preview(request: HttpRequest, program_id: int, import_id: int) -> HttpResponse:
    program, staged = access_plan_import(request.user, program_id, import_id)
    staged = staged_import_recover(staged=staged)
    return render(request, "planimport/preview.html", {
        "program": program, "staged": staged, "preview": plan_preview(program=program, staged=staged)})


@require_POST
@page(back="plan_import_preview")
def plan_import_correct(request: HttpRequest, program_id: int, import_id: int) -> HttpResponse:
    _program, staged = access_plan_import(request.user, program_id, import_id)
    form = CorrectionForm(request.POST)
    cleaned(form)
    correction, version = form.correction()
    plan_correct(staged=staged, actor=request.user, correction=correction, version=version)
    messages.success(request, _("已更正。"))
    url = redirect("plan_import_preview", program_id=program_id, import_id=import_id).url
    return redirect(f"{url}#item-{correction.key}" if correction.key else url)


@require_POST
@page(back="plan_import_preview")
def plan_import_confirm(request: HttpRequest, program_id: int, import_id: int) -> HttpResponse:
    _program, staged = access_plan_import(request.user, program_id, import_id)
    staged = staged_import_commit(staged=staged, actor=request.user, backend=SMALL_INLINE)
    if staged.result:
        messages.success(request, _("规划文件已写入：%(summary)s") % {"summary": staged.summary})
    return redirect("plan_import_preview", program_id=program_id, import_id=import_id)


@require_POST
@page(back="plan_import_preview")
def plan_import_discard(request: HttpRequest, program_id: int, import_id: int) -> HttpResponse:
    _program, staged = access_plan_import(request.user, program_id, import_id)
    if staged.status == "committed":
        raise DomainError(_("已写入的导入不能放弃。"))
    staged_import_discard(staged=staged)
    messages.success(request, _("已放弃该导入。"))
    return redirect("plan_import", program_id=program_id)
