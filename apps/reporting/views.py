"""HTML pages for reporting: fetch-and-authorize, call a selector or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from apps.core.downloads import xlsx_response
from apps.core.errors import PermissionDeniedError
from apps.core.web import cleaned, form_message, page, query_int, submit
from apps.evidence.access import access_evidence
from apps.evidence.views import evidence_response
from apps.geo.access import visible_departments
from apps.programs.access import access_program, can_manage_program, require_manage
from apps.programs.selectors import program_indicators, program_regions
from apps.programs.web import manager_form
from apps.review.services import review_history
from apps.review.workflow import EDITABLE, ReviewAction, ReviewStatus, allowed_actions
from apps.staging.models import StagedImport, StagedStatus
from apps.staging.services import staged_import_recover
from apps.staging.web import StagedImportStep, staged_import_context, staged_import_page

from . import imports, services
from .access import VALUES_IMPORT, access_round, access_value, access_values_import, round_cell
from .exports import department_template, round_progress_xlsx
from .forms import (
    ROUND_VIEWS,
    BulkApproveForm,
    EvidenceForm,
    RoundForm,
    RoundTransitionForm,
    RoundViewForm,
    SubmitDraftsForm,
    TransitionForm,
    ValueForm,
)
from .models import IndicatorValue, PeriodType, ReportingRound
from .selectors import (
    evidence_completeness,
    inbox,
    inbox_obligations,
    review_contexts,
    review_queue,
    round_progress,
    round_row_values,
    round_rows,
    value_entry,
    value_history,
)


@page
def rounds(request: HttpRequest, program_id: int) -> HttpResponse:
    program, can_manage, form, reporting_round = manager_form(
        request, program_id, RoundForm, _("只有生态办管理员可以发起调度。"),
        lambda program, data: services.reporting_round_create(program=program, actor=request.user, **data))
    if reporting_round is not None:
        messages.success(request, _("已发起「%(name)s」。") % {"name": reporting_round.name})
        return redirect("reporting_round", program_id=program.id, round_id=reporting_round.id)
    if request.method == "POST":
        messages.error(request, form_message(form))
    context = {
        "program": program, "can_manage": can_manage, "form": form,
        "rounds": ReportingRound.objects.filter(program=program).annotate(
            indicator_count=Count("indicators", distinct=True), region_count=Count("regions", distinct=True)),
        "period_types": PeriodType.choices,
        "indicators": [i for i in program_indicators(program) if i.scope_levels],
        "regions": program_regions(program), "today": timezone.localdate(),
    }
    return render(request, "reporting/rounds.html", context)


#: Lines or rows on one page of the round page's views.
ROUND_PAGE_SIZE = 50


@page
def round_page(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """The round's progress as the user may read it (a county office: its county), in one of four views: by unit,
    by region, by indicator (a page of lines each), or its rows, filtered, a page at a time."""
    reporting_round = access_round(request.user, program_id, round_id)
    progress = round_progress(reporting_round, user=request.user)
    form = RoundViewForm(request.GET, progress)
    view = form.view
    if view == "rows":
        lines: list[object] = list(round_rows(progress, lines=form.lines, status=form.choice("status")))
    else:
        lines = list({"reporter": progress.by_reporter, "region": progress.by_region,
                      "indicator": progress.by_indicator}[view])
    current = Paginator(lines, ROUND_PAGE_SIZE).get_page(request.GET.get("page"))
    if view == "rows":
        current.object_list = round_row_values(list(current.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reporting/round.html", {
        "program": reporting_round.program, "round": reporting_round, "progress": progress,
        "can_manage": can_manage_program(request.user, reporting_round.program),
        "form": form, "view": view, "views": ROUND_VIEWS, "page_obj": current, "query": query.urlencode(),
        "round_history": review_history(reporting_round),
    })


@page(back="reporting_round")
@require_POST
def round_transition(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """关闭填报 / 重新开放 (with its reason): the office only; the service decides."""
    reporting_round = access_round(request.user, program_id, round_id)
    data = cleaned(RoundTransitionForm(request.POST))
    services.reporting_round_transition(reporting_round=reporting_round, action=data["action"], actor=request.user,
                                        comment=data["comment"], expected_version=data["version"])
    messages.success(request, _("已关闭填报：不再接受保存、提交和导入；已提交的数值仍可审核。")
                     if reporting_round.is_closed else _("已重新开放填报。"))
    return redirect("reporting_round", program_id=program_id, round_id=round_id)


@page
def progress_export(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """The round's progress as xlsx (whoever may open the round page may download it)."""
    return xlsx_response(*round_progress_xlsx(access_round(request.user, program_id, round_id), request.user))


@page
def my_inbox(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    latest = ReportingRound.objects.filter(program=program).first()
    if latest is None:
        messages.info(request, _("尚未发起调度。"))
        return redirect("reporting_rounds", program_id=program.id)
    return redirect("reporting_inbox", program_id=program.id, round_id=latest.id)


@page
def inbox_page(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """The user's rows of the round by what is left to do, each group a page of rows at a time."""
    reporting_round = access_round(request.user, program_id, round_id)
    box = inbox(request.user, reporting_round)
    pages = {name: Paginator(getattr(box, name), ROUND_PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
             for name in ("returned", "to_do", "waiting", "done")}
    shown = iter(inbox_obligations([row for current in pages.values() for row in current.object_list]))
    groups = {}
    for name, current in pages.items():
        current.object_list = [next(shown) for _row in current.object_list]
        query = request.GET.copy()
        query.pop(f"{name}_page", None)
        groups[name] = {"page_obj": current, "param": f"{name}_page", "query": query.urlencode()}
    return render(request, "reporting/inbox.html", {
        "program": reporting_round.program, "round": reporting_round, "box": box, "groups": groups,
        "rounds": ReportingRound.objects.filter(program=reporting_round.program),
    })


@require_POST
@page(back="reporting_inbox")
def submit_drafts(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """Submit all my drafts of the round; the summary says which were submitted and which stay drafts, why."""
    reporting_round = access_round(request.user, program_id, round_id)
    reason = cleaned(SubmitDraftsForm(request.POST))["reason"]
    result = services.indicator_values_submit_drafts(reporting_round=reporting_round, actor=request.user,
                                                     reason=reason)
    count = len(result.submitted)
    if count:
        messages.success(request, ngettext("已提交 %(count)s 项。", "已提交 %(count)s 项。", count) % {"count": count})
    elif not result.failed:
        messages.info(request, _("没有可提交的草稿。"))
    for failure in result.failed:
        messages.error(request, _("%(label)s 未提交：%(reason)s") % {"label": failure.label, "reason": failure.reason})
    return redirect("reporting_inbox", program_id=program_id, round_id=round_id)


@page
def entry(request: HttpRequest, program_id: int, round_id: int, region_id: int, indicator_id: int) -> HttpResponse:
    reporting_round = access_round(request.user, program_id, round_id)
    program = reporting_round.program
    region, indicator = round_cell(reporting_round, region_id, indicator_id)
    data = value_entry(reporting_round, region, indicator)
    probe = data.value or IndicatorValue(program=program, region=region, indicator=indicator)
    probe.program = program
    if not probe.review_can_report(request.user):
        raise PermissionDeniedError(_("您无权填报该指标值。"))
    context: dict[str, object] = {"program": program, "round": reporting_round, "region": region,
                                  "indicator": indicator, "value": data.value, "target_text": data.target_text,
                                  "qualitative": data.qualitative, "qualitative_choices": data.qualitative_choices,
                                  "previous": data.previous}
    if request.method == "POST":
        form = ValueForm(request.POST)
        value = submit(form, lambda data: services.indicator_value_save(
            reporting_round=reporting_round, region=region, indicator=indicator, actor=request.user,
            data=form.value_input(), expected_version=data["version"],
            confirm_warnings=bool(data["confirm"]), submit=bool(data["submit"]), comment=data["comment"]))
        if value is not None:
            messages.success(request, _("已保存并提交审核。") if form.cleaned_data["submit"] else _("已保存为草稿。"))
            return redirect("reporting_value", program_id=program.id, value_id=value.id)
        context["posted"] = form.data
        if isinstance(form.refusal, services.WarningsUnconfirmed):
            context["warnings"] = form.refusal.warnings
        else:
            context["message"] = form_message(form)
    return render(request, "reporting/entry.html", context)


@page
def value_page(request: HttpRequest, program_id: int, value_id: int) -> HttpResponse:
    value = access_value(request.user, program_id, value_id)
    evidence = list(value.evidence.select_related("uploaded_by"))
    can_report, can_review = value.review_can_report(request.user), value.review_can_review(request.user)
    actions = [a for a in allowed_actions(value.status)
               if (can_report if a == ReviewAction.SUBMIT else can_review)]
    return render(request, "reporting/value.html", {
        "program": value.program, "value": value, "history": value_history(value), "evidence": evidence,
        "completeness": evidence_completeness(value.indicator, evidence), "actions": actions,
        "action_labels": dict(ReviewAction.choices), "can_edit": can_report and value.status in EDITABLE,
        "checklist": value.indicator.evidence_checklist,
        "review": review_contexts(value.program, [value])[value.id],
    })


@page(back="reporting_value")
@require_POST
def value_transition(request: HttpRequest, program_id: int, value_id: int) -> HttpResponse:
    value = access_value(request.user, program_id, value_id)
    data = cleaned(TransitionForm(request.POST))
    event = services.indicator_value_transition(value=value, action=data["action"], actor=request.user,
                                                comment=data["comment"], expected_version=data["version"])
    messages.success(request, _("操作成功。"))
    if event.data.get("evidence_override"):
        messages.warning(request, _("已审核通过，但缺少必需的佐证材料：%(items)s（已记录为例外放行）。")
                         % {"items": "、".join(event.data["evidence_override"])})
    return redirect("reporting_value", program_id=program_id, value_id=value.id)


@page(back="reporting_value")
@require_POST
def evidence_upload(request: HttpRequest, program_id: int, value_id: int) -> HttpResponse:
    value = access_value(request.user, program_id, value_id)
    data = cleaned(EvidenceForm(request.POST, request.FILES))
    evidence = services.evidence_upload(value=value, upload=data["file"], actor=request.user,
                                        checklist_item=data["checklist_item"])
    messages.success(request, _("已上传「%(name)s」。") % {"name": evidence.original_name})
    return redirect("reporting_value", program_id=program_id, value_id=value.id)


@page
def evidence_download(request: HttpRequest, program_id: int, value_id: int, evidence_id: int) -> HttpResponse:
    """The value's address of the one evidence download (``apps.evidence``): same check, same response."""
    value = access_value(request.user, program_id, value_id)
    return evidence_response(access_evidence(request.user, evidence_id, subject=value))


@page
def review_page(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_program(request.user, program_id)
    require_manage(request.user, program, _("只有生态办管理员可以审核。"))
    if request.method == "POST":
        ids = cleaned(BulkApproveForm(request.POST))["value_ids"]
        result = services.indicator_values_bulk_approve(program=program, value_ids=ids, actor=request.user)
        if result.approved:
            count = len(result.approved)
            messages.success(request, ngettext("已审核通过 %(count)s 项。", "已审核通过 %(count)s 项。", count)
                             % {"count": count})
        for failure in result.failed:
            messages.error(request, f"#{failure.id}：{failure.reason}")
        for override in result.overridden:
            messages.warning(request, _("#%(id)s 缺少必需的佐证材料：%(items)s（已记录为例外放行）。")
                             % {"id": override.id, "items": "、".join(override.missing)})
        return redirect(request.get_full_path())
    filters = {k: query_int(request, k) for k in ("round", "region", "department")}
    status = request.GET.get("status") or None
    rows = list(review_queue(program, round_id=filters["round"], region_id=filters["region"],
                             department_id=filters["department"], status=status))
    contexts = review_contexts(program, rows)
    for row in rows:
        row.completeness = evidence_completeness(row.indicator, list(row.evidence.all()))
        row.review = contexts[row.id]
    return render(request, "reporting/review.html", {
        "program": program, "rows": rows, "filters": filters, "status": status or "",
        "lacking": sum(1 for row in rows if row.completeness.required_missing),
        "rounds": ReportingRound.objects.filter(program=program), "regions": program_regions(program),
        "departments": visible_departments(request.user).filter(region=program.region),
        "statuses": ReviewStatus.choices,
    })


@page
def template_xlsx(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    reporting_round = access_round(request.user, program_id, round_id)
    data, filename = department_template(reporting_round, request.user)
    return xlsx_response(data, filename)


def _import_context(reporting_round: ReportingRound) -> dict[str, object]:
    return {"program": reporting_round.program, "round": reporting_round,
            "action": reverse("reporting_import", kwargs={"program_id": reporting_round.program_id,
                                                          "round_id": reporting_round.pk})}


@page
def import_page(request: HttpRequest, program_id: int, round_id: int) -> HttpResponse:
    """Upload → preview (old → new per field) or row-level errors → confirm → the commit runs as a job.

    Inline the commit has finished when the confirm returns; on a thread the import's page polls it. A
    refused confirm (warnings not confirmed, a failed re-check) shows the same staged import again.
    """
    reporting_round = access_round(request.user, program_id, round_id)
    context = _import_context(reporting_round)
    if request.method != "POST":
        return render(request, "reporting/import.html", context)

    def done(staged: StagedImport, confirmed: bool) -> HttpResponse | None:
        if staged.status == StagedStatus.COMMITTED:
            count = staged.result["values"]
            messages.success(request, ngettext("已导入 %(count)s 项数值（草稿，待提交）。",
                                               "已导入 %(count)s 项数值（草稿，待提交）。", count) % {"count": count})
            return redirect("reporting_inbox", program_id=program_id, round_id=round_id)
        if confirmed:  # committing in the background: its page polls
            return redirect("reporting_import_status", program_id=program_id, round_id=round_id, import_id=staged.pk)
        return None

    step = StagedImportStep(
        kind=VALUES_IMPORT, program=reporting_round.program, actor=request.user,
        upload=lambda checked: imports.values_import_upload(reporting_round=reporting_round, actor=request.user,
                                                            checked=checked),
        find=lambda token: access_values_import(request.user, reporting_round, token, previewed=True),
        confirm=lambda staged, data: imports.values_import_confirm(
            staged=staged, actor=request.user, confirm_warnings=bool(data["confirm"]), note=data["note"]))
    return staged_import_page(request, step, template="reporting/import.html", context=context, done=done)


@page
def import_status(request: HttpRequest, program_id: int, round_id: int, import_id: int) -> HttpResponse:
    """One staged values import of the user: its progress while it commits, then what it wrote or refused."""
    reporting_round = access_round(request.user, program_id, round_id)
    staged = staged_import_recover(staged=access_values_import(request.user, reporting_round, import_id))
    return render(request, "reporting/import.html", {**_import_context(reporting_round),
                                                     **staged_import_context(staged)})


@page
def import_progress(request: HttpRequest, program_id: int, round_id: int, import_id: int) -> HttpResponse:
    reporting_round = access_round(request.user, program_id, round_id)
    staged = staged_import_recover(staged=access_values_import(request.user, reporting_round, import_id))
    response = render(request, "reporting/_import_progress.html",
                      {"program": reporting_round.program, "round": reporting_round, "staged": staged})
    if staged.finished and request.headers.get("HX-Request") and request.GET.get("polling"):
        response["HX-Refresh"] = "true"  # show what was written or refused
    return response
