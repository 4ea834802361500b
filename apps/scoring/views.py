"""HTML pages of scoring (thin: fetch-and-authorize, call a selector or service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.downloads import docx_response, file_response, xlsx_response
from apps.core.errors import DomainError, found
from apps.core.forms import StepForm
from apps.core.web import back_to, cleaned, page, submit
from apps.geo.models import Department
from apps.programs.access import can_manage_program
from apps.staging.models import StagedImport
from apps.staging.services import staged_import_upload
from apps.staging.web import StagedImportStep, staged_import_context, staged_import_page, when_committed
from calc.scoring.sheet import item_rows

from . import exports, imports, selectors, services
from .access import (
    access_objection,
    access_ranking,
    access_run,
    access_scheme,
    access_scoring,
    access_sheet,
    can_object,
    can_see_sheet,
    own_units,
    sees_ranking,
    visible_runs,
    with_evidence_rights,
)
from .facts import scheme_subjects
from .forms import FactForm, ItemEditForm, ManualForm, ObjectionForm, RulingForm, RunForm
from .models import Scheme
from .workflow import RUN_WORKFLOW, RunStatus


@page
def index(request: HttpRequest, program_id: int) -> HttpResponse:
    program = access_scoring(request.user, program_id)
    manages = can_manage_program(request.user, program)
    if request.method == "POST":
        access_scoring(request.user, program_id, manage=True)
        data = cleaned(RunForm(request.POST))
        scheme = access_scheme(request.user, program_id, data["scheme"], manage=True)
        run = services.run_create(program=program, scheme=scheme, period=data["period"], actor=request.user,
                                  note=data["note"])
        messages.success(request, f"已计分：{run.scheme.name} {run.period}。")
        return redirect("scoring_run", program_id=program.id, run_id=run.id)
    runs = list(visible_runs(request.user, program))
    return render(request, "scoring/index.html", {
        "program": program, "manages": manages, "runs": runs, "own_units": own_units(request.user, program),
        "schemes": Scheme.objects.filter(program=program).order_by("code", "-version"),
    })


@page
def scheme(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    item = access_scheme(request.user, program_id, scheme_id)
    data = item.data
    latest = services.latest_version(item)
    return render(request, "scoring/scheme.html", {
        "program": item.program, "scheme": item, "data": data, "eco_shares": item.eco_shares(),
        "sections": [(s, s.items) for s in data.sections], "latest": latest,
        "editable": latest.pk == item.pk and can_manage_program(request.user, item.program),
        "versions": Scheme.objects.filter(program=item.program, code=item.code).order_by("-version"),
    })


def _scheme_file_name(item: Scheme, extension: str) -> tuple[str, str]:
    return f"{item.name}（第{item.version}版）.{extension}", f"scheme-{item.code}-v{item.version}.{extension}"


@page
def scheme_toml(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    item = access_scheme(request.user, program_id, scheme_id)
    name, fallback = _scheme_file_name(item, "toml")
    return file_response(item.text.encode("utf-8"), name, "application/toml; charset=utf-8", fallback)


@page
def scheme_xlsx(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    item = access_scheme(request.user, program_id, scheme_id)
    return xlsx_response(exports.scheme_sheet(item), *_scheme_file_name(item, "xlsx"))


@page
def scheme_import(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    """A new version from a TOML file or the 评分细则表: upload → preview (old → new per item, or the problems as
    row errors) → confirm."""
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    step = StagedImportStep(kind=imports.SCHEME, program=item.program, actor=request.user,
                            upload=lambda checked: staged_import_upload(
                                kind=imports.SCHEME, actor=request.user, checked=checked, program=item.program,
                                options={"scheme": item.pk}))
    context = {"program": item.program, "scheme": services.latest_version(item)}

    def committed(staged: StagedImport) -> HttpResponse:
        messages.success(request, _("已保存为第%(version)s版。") % staged.result)
        return redirect("scoring_scheme", program_id=program_id, scheme_id=staged.result["scheme"])

    upload = request.FILES.get("file")
    if request.method == "POST" and upload is not None and upload.name.lower().endswith(".toml"):
        staged = step.upload(services.toml_upload(name=upload.name, data=upload.read()))
        context.update(staged_import_context(staged), action=request.path)
        return render(request, "scoring/scheme_import.html", context)
    return staged_import_page(request, step, template="scoring/scheme_import.html", context=context,
                              done=when_committed(committed))


@page(back="scoring_scheme_item")
def scheme_item(request: HttpRequest, program_id: int, scheme_id: int, code: str) -> HttpResponse:
    """Edit one item of the latest version (name, points, source, rule parameters, other settings)."""
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    latest = services.latest_version(item)
    row = found(next((r for r in item_rows(latest.data) if r.code == code), None), _("评分项不存在。"))
    form = ItemEditForm(request.POST or None, initial={"name": row.name, "points": row.points, "source": row.source,
                                                       "params": row.params, "other": row.other})
    if request.method == "POST":
        stored = submit(form, lambda data: services.scheme_item_edit(
            scheme=latest, code=code, edit=services.ItemEdit(**data), actor=request.user))
        if stored is not None:
            messages.success(request, _("已保存为第%(version)s版。") % {"version": stored.version})
            return redirect("scoring_scheme", program_id=program_id, scheme_id=stored.pk)
    return render(request, "scoring/scheme_item.html", {"program": item.program, "scheme": latest, "row": row,
                                                        "form": form})


def _period(request: HttpRequest, scheme: Scheme) -> str:
    """The period asked (``?period=``, or the form's): last year when none or, on a GET, when it is not one of
    the scheme's periods; a POST with a wrong period is refused."""
    period = (request.POST.get("period") if request.method == "POST" else request.GET.get("period")) or ""
    try:
        services.check_period(scheme.data, period.strip())
    except DomainError:
        if request.method == "POST" and period:
            raise
        return str(timezone.localdate().year - 1)
    return period.strip()


def _entries_url(program_id: int, scheme_id: int, period: str) -> str:
    return reverse("scoring_entries", kwargs={"program_id": program_id, "scheme_id": scheme_id}) + f"?period={period}"


_entries_back = back_to("scoring_entries", "program_id", "scheme_id")


@page(back=_entries_back)
def entries(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    """考核事实与人工评分: the office enters the facts the scheme reads that the system does not hold, and the points
    of the manual items, per subject and period, each with its basis and evidence files."""
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    period = _period(request, item)
    if request.method == "POST":
        units = {u.id: u for u in scheme_subjects(item.program, item.data.groups)}
        if request.POST.get("form") == "manual":
            data = cleaned(ManualForm(request.POST, request.FILES))
            services.manual_set(program=item.program, scheme_code=item.code, department=_subject(units, data),
                                period=period, item=data["item"], points=data["points"], reason=data["reason"],
                                files=data["files"], actor=request.user)
        else:
            data = cleaned(FactForm(request.POST, request.FILES))
            services.office_fact_set(program=item.program, department=_subject(units, data), period=period,
                                     key=data["key"], part=data["part"], value=data["value"], text=data["text"],
                                     na=data["na"], reason=data["reason"], files=data["files"], actor=request.user,
                                     scheme=item)
        messages.success(request, _("已保存。重新计分后生效。"))
        return redirect(_entries_url(program_id, scheme_id, period))
    return render(request, "scoring/entries.html", {
        "program": item.program, "scheme": item, "period": period,
        "data": selectors.office_entries(item.program, item, period),
    })


def _subject(units: dict[int, Department], data: dict) -> Department:
    unit = units.get(data["department"])
    if unit is None:
        raise DomainError(_("该单位不是本细则的考核对象。"))
    return unit


@page
def facts_xlsx(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    """The facts sheet of a scheme and period: what the office entered, and a row to fill per missing fact."""
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    period = _period(request, item)
    data = exports.fact_sheet(selectors.office_entries(item.program, item, period))
    return xlsx_response(data, f"考核事实-{item.name}-{period}.xlsx", f"scoring-facts-{period}.xlsx")


@page
def facts_import(request: HttpRequest, program_id: int, scheme_id: int) -> HttpResponse:
    """The office facts workbook (sheets 考核事实 and 人工评分) for this scheme: upload → preview (old → new per fact
    and per manual points, or row errors) → confirm."""
    item = access_scheme(request.user, program_id, scheme_id, manage=True)
    period = _period(request, item)

    def committed(staged: StagedImport) -> HttpResponse:
        messages.success(request, _("已导入%(written)s条考核事实、%(manual)s条人工评分，%(unchanged)s条无变化。重新计分后生效。")
                         % {"manual": 0, **staged.result})
        return redirect(_entries_url(program_id, scheme_id, period))

    step = StagedImportStep(kind=imports.FACTS, program=item.program, actor=request.user,
                            upload=lambda checked: staged_import_upload(
                                kind=imports.FACTS, actor=request.user, checked=checked, program=item.program,
                                options={"scheme": item.pk}))
    return staged_import_page(request, step, template="scoring/facts_import.html",
                              context={"program": item.program, "scheme": item, "period": period},
                              done=when_committed(committed))


@page(back="scoring_run")
def run(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    item = access_run(request.user, program_id, run_id)
    if request.method == "POST":
        item = access_run(request.user, program_id, run_id, manage=True)
        step = cleaned(StepForm(request.POST))
        if step["action"] == "rerun":
            new = services.run_rerun(run=item, actor=request.user, note=request.POST.get("comment", "")[:300])
            messages.success(request, "已按当前数据重新计分，原结果已被取代。")
            return redirect("scoring_run", program_id=program_id, run_id=new.id)
        services.run_transition(run=item, action=step["action"], actor=request.user,
                                comment=request.POST.get("comment", ""), expected_version=step["version"])
        messages.success(request, f"考核结果已{RUN_WORKFLOW.action_label(step['action'])}。")
        return redirect("scoring_run", program_id=program_id, run_id=run_id)
    user = request.user
    if not sees_ranking(user, item):
        mine = sorted(own_units(user, item.program))
        return render(request, "scoring/run.html", {
            "program": item.program, "run": item, "subject_view": True,
            "ranking": selectors.ranking(item, set(mine)),
        })
    manages = can_manage_program(user, item.program)
    return render(request, "scoring/run.html", {
        "program": item.program, "run": item, "manages": manages, "ranking": selectors.ranking(item),
        "objections": with_evidence_rights(user, item.program, list(selectors.objections(item))),
        "actions": [(a, RUN_WORKFLOW.action_label(a)) for a in RUN_WORKFLOW.allowed_actions(item.status)]
        if manages else [],
        "can_rerun": manages and item.status in (RunStatus.DRAFT, RunStatus.OBJECTION),
        "open_units": {s.department_id for g in selectors.ranking(item).groups for s in g.rows},
    })


@page
def compare(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    item = access_ranking(request.user, program_id, run_id)
    return render(request, "scoring/compare.html", {"program": item.program, "run": item,
                                                    "data": selectors.comparison(item)})


@page(back="scoring_sheet")
def sheet(request: HttpRequest, program_id: int, run_id: int, department_id: int) -> HttpResponse:
    item, subject = access_sheet(request.user, program_id, run_id, department_id)
    if request.method == "POST":
        data = cleaned(ObjectionForm(request.POST, request.FILES))
        services.objection_create(run=item, subject=subject, item=data["item"], reason=data["reason"],
                                  files=data["files"], actor=request.user)
        messages.success(request, "异议已提交，请等待生态办裁定。")
        return redirect("scoring_sheet", program_id=program_id, run_id=run_id, department_id=department_id)
    return render(request, "scoring/sheet.html", {
        "program": item.program, "run": item, "subject": subject, "items": list(selectors.sheet_items(subject)),
        "objections": with_evidence_rights(request.user, item.program, list(selectors.objections(item, subject))),
        "can_object": can_object(request.user, item, subject),
        "manages": can_manage_program(request.user, item.program),
        "sees_ranking": sees_ranking(request.user, item),
    })


def _run_url(*, program_id: int, run_id: int, **_: object) -> str:
    return reverse("scoring_run", kwargs={"program_id": program_id, "run_id": run_id})


@page(back=_run_url)
def rule(request: HttpRequest, program_id: int, run_id: int, objection_id: int) -> HttpResponse:
    item = access_run(request.user, program_id, run_id, manage=True)
    objection = access_objection(item, objection_id)
    if request.method == "POST":
        data = cleaned(RulingForm(request.POST))
        services.objection_rule(objection=objection, upheld=data["decision"] == "uphold", ruling=data["ruling"],
                                points=data["points"], actor=request.user)
        messages.success(request, "已裁定。")
    return redirect("scoring_run", program_id=program_id, run_id=run_id)


@page
def ranking_xlsx(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    item = access_run(request.user, program_id, run_id)
    units = None if sees_ranking(request.user, item) else {
        u for u in own_units(request.user, item.program) if can_see_sheet(request.user, item, u)}
    data = exports.score_table(item, units)
    return xlsx_response(data, f"{item.scheme.name}-{item.period}.xlsx", f"scoring-{item.period}.xlsx")


@page
def notice_docx(request: HttpRequest, program_id: int, run_id: int) -> HttpResponse:
    item = access_run(request.user, program_id, run_id, manage=True)
    return docx_response(exports.notice_draft(item), f"{item.period}年度考核结果通报（草稿）.docx",
                         f"scoring-notice-{item.period}.docx")
