"""Writes of the scoring app: schemes, runs (compute + snapshot), the run workflow, objections, office entries.

:func:`run_transition` is the only code that writes a run's ``status`` (through
:func:`apps.review.services.workflow_step`: row lock, version, table, one event), and records an audit event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

import calc.scoring
from apps.accounts.models import User
from apps.audit.models import AuditAction
from apps.audit.services import record
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.uploads import CheckedUpload, check_upload, safe_filename
from apps.core.validation import check_instances
from apps.evidence.services import evidence_attach
from apps.geo.models import Department
from apps.programs.access import require_manage
from apps.programs.models import Program
from apps.review.services import workflow_step
from calc.scoring.engine import Scoring, score
from calc.scoring.inputs import period_pattern
from calc.scoring.scheme import Manual
from calc.scoring.scheme import Scheme as SchemeData
from calc.scoring.schemefile import SchemeError, dumps, load
from calc.scoring.sheet import apply_rows, item_rows
from calc.scoring.text import explain

from .access import can_object
from .facts import (
    GROUP_OF_KIND,
    Inputs,
    department_id,
    load_inputs,
    office_keys,
    period_range,
    scheme_subjects,
)
from .models import (
    ItemScore,
    ManualScore,
    ManualScoreRevision,
    Objection,
    OfficeFact,
    OfficeFactRevision,
    Scheme,
    ScoreRun,
    SubjectScore,
)
from .workflow import RUN_WORKFLOW, ObjectionStatus, RunAction, RunStatus

FRAMES = ("subjects", "facts", "exemptions", "manual")
BATCH = 2000
SCHEMES_DIR = Path(calc.scoring.__file__).parent / "schemes"
#: Indicator values the demo schemes read (fact key → indicator code of the national framework).
DEFAULT_SOURCES = {"air.good_days": "2019-07a", "water.drinking.attained": "2019-27", "building.green_share": "2019-33"}


@cache
def code_version() -> str:
    """The engine's version: the SHA-256 of calc/scoring's source (12 hex digits)."""
    digest = hashlib.sha256()
    for path in sorted(Path(calc.scoring.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def _validation_message(error: ValidationError) -> str:
    return "；".join(m for messages in error.message_dict.values() for m in messages)


# --- schemes ----------------------------------------------------------------------------------------


@transaction.atomic
def scheme_save(*, program: Program, text: str, actor: User | None, sources: dict[str, str] | None = None) -> Scheme:
    """Store a scheme version from its TOML text (checked on save); the same code and version is replaced only
    while no run uses it."""
    if actor is not None:
        require_manage(actor, program, "只有生态办管理员可以修改评分细则。")
    scheme = Scheme(program=program, text=text, sources=DEFAULT_SOURCES if sources is None else sources,
                    created_by=actor)
    try:
        scheme.clean()
    except ValidationError as error:
        raise DomainError(_validation_message(error)) from error
    existing = Scheme.objects.filter(program=program, code=scheme.code, version=scheme.version).first()
    if existing is not None:
        if existing.runs.exists():
            raise DomainError(f"评分细则「{scheme.code}」第{scheme.version}版已用于计分，修改后请提高版本号。")
        existing.text, existing.sources = scheme.text, scheme.sources
        existing.__dict__.pop("data", None)
        existing.save()
        return existing
    scheme.save()
    return scheme


def latest_version(scheme: Scheme) -> Scheme:
    """The latest stored version of a scheme's code (the one a new version follows)."""
    return Scheme.objects.filter(program_id=scheme.program_id, code=scheme.code).order_by("-version").first() or scheme


def toml_upload(*, name: str, data: bytes) -> CheckedUpload:
    """A scheme's TOML file as an upload to stage: UTF-8 text within the upload limit (content is checked by
    the scheme import's check, which names every problem)."""
    if not data:
        raise DomainError("文件为空。")
    if len(data) > settings.ECOCIV_MAX_UPLOAD_BYTES:
        raise DomainError("文件过大。")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DomainError("TOML 文件应为 UTF-8 编码的文本。") from error
    return CheckedUpload(name=safe_filename(name), kind="toml", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                         data=data)


def scheme_upload(file: Any) -> CheckedUpload:
    """A new version's file: a ``.toml`` scheme (UTF-8 text) or, by its content, a 评分细则表 xlsx."""
    name = file.name or ""
    if name.lower().endswith(".toml"):
        return toml_upload(name=name, data=file.read())
    return check_upload(file, allowed={"xlsx"})


@dataclass(frozen=True)
class ItemEdit:
    """An item's texts and numbers as the scheme's edit form has them (the sheet's columns)."""

    name: str
    points: str
    source: str
    params: str
    other: str


@transaction.atomic
def scheme_item_edit(*, scheme: Scheme, code: str, edit: ItemEdit, actor: User) -> Scheme:
    """Change one item (name, points, source, rule parameters, other settings) of the latest version of a
    scheme: stored as the next version; runs keep the version they scored."""
    require_manage(actor, scheme.program, "只有生态办管理员可以修改评分细则。")
    latest = latest_version(scheme)
    rows = item_rows(latest.data)
    if code not in {row.code for row in rows}:
        raise DomainError(f"评分细则中没有评分项「{code}」。")
    edited = [replace(row, row=0, name=edit.name.strip(), points=edit.points.strip(), source=edit.source.strip(),
                      params=edit.params.strip(), other=edit.other.strip()) if row.code == code else row
              for row in rows]
    try:
        new = apply_rows(latest.data, edited, version=latest.version + 1)
    except SchemeError as error:
        raise DomainError("；".join(str(p) for p in error.problems)) from error
    if replace(new, version=latest.version) == latest.data:
        raise DomainError("没有修改任何内容。")
    return scheme_save(program=scheme.program, text=dumps(new), actor=actor, sources=latest.sources)


def schemes_load(*, program: Program, actor: User | None = None) -> list[Scheme]:
    """Store the bundled schemes (calc/scoring/schemes/*.toml) for a program (a scheme already used is kept)."""
    stored = []
    for path in sorted(SCHEMES_DIR.glob("*.toml")):
        data = load(path)
        used = Scheme.objects.filter(program=program, code=data.code, version=data.version, runs__isnull=False).first()
        stored.append(used or scheme_save(program=program, text=path.read_text(encoding="utf-8"), actor=actor))
    return stored


def current_scheme(program: Program, code: str | None = None, name: str | None = None) -> Scheme:
    """The latest version of a scheme by code or name; without either, the program's only scheme."""
    schemes = Scheme.objects.filter(program=program)
    if code or name:
        schemes = schemes.filter(code=code) if code else schemes.filter(name=name)
        scheme = schemes.order_by("-version").first()
        if scheme is None:
            raise DomainError(f"没有评分细则「{code or name}」。")
        return scheme
    codes = set(schemes.values_list("code", flat=True))
    if len(codes) != 1:
        raise DomainError("该创建工作有多个评分细则，请指定 --scheme。" if codes else "该创建工作还没有评分细则。")
    return schemes.order_by("-version").first()  # type: ignore[return-value]


# --- snapshots --------------------------------------------------------------------------------------


def pack(inputs: Inputs) -> bytes:
    """The four input frames as Parquet files in one zip (fixed timestamps: equal inputs give equal bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in FRAMES:
            data = io.BytesIO()
            getattr(inputs, name).write_parquet(data)
            archive.writestr(zipfile.ZipInfo(f"{name}.parquet", date_time=(2020, 1, 1, 0, 0, 0)), data.getvalue())
    return buffer.getvalue()


def unpack(data: bytes) -> Inputs:
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        frames = {name: pl.read_parquet(io.BytesIO(archive.read(f"{name}.parquet"))) for name in FRAMES}
    return Inputs(**frames)


def check_period(scheme: SchemeData, period: str) -> None:
    """Refuse a period label that is not one of the scheme's kind (a year scheme scores 2025, not 2025-H1)."""
    try:
        period_range(period)
        if not period_pattern(scheme.period).fullmatch(period):
            raise ValueError
    except (ValueError, IndexError) as error:
        raise DomainError(f"考核期「{period}」与细则的考核周期不符。") from error


def compute(scheme: SchemeData, inputs: Inputs, period: str) -> Scoring:
    check_period(scheme, period)
    try:
        return score(scheme, inputs.subjects, inputs.facts, periods=[period], exemptions=inputs.exemptions,
                     manual=inputs.manual)
    except (ValueError, TypeError) as error:
        raise DomainError(f"计分失败：{error}") from error


def rescore(run: ScoreRun) -> Scoring:
    """Score a stored run's input snapshot again (by its stored scheme version): the same numbers, always."""
    inputs = unpack(run.inputs)
    if hashlib.sha256(bytes(run.inputs)).hexdigest() != run.inputs_sha256:
        raise DomainError("输入快照已损坏（SHA-256 不符）。")
    return compute(run.scheme.data, inputs, run.period)


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


def trace_json(row: dict[str, Any]) -> dict[str, Any]:
    """A trace row as JSON: its set fields, decimals as strings (exact), without subject, period and group."""
    return {k: _json(v) for k, v in row.items() if v is not None and k not in ("subject", "period", "group")}


def _store_results(run: ScoreRun, scheme: SchemeData, result: Scoring, units: dict[int, Department],
                   manual: pl.DataFrame) -> None:
    subjects = []
    for row in result.totals.iter_rows(named=True):
        unit = units[department_id(row["subject"])]
        subjects.append(SubjectScore(
            run=run, department=unit, name=unit.name, group=row["group"], total=row["total"], base=row["base"],
            bonus=row["bonus"], deduction=row["deduction"], band_grade=row["band_grade"], grade=row["grade"],
            vetoed=row["vetoed"], capped=row["capped"], rank=row["rank"], ranked=row["ranked"]))
    created = {s.department_id: s for s in SubjectScore.objects.bulk_create(subjects)}
    order = {code: n for n, code in enumerate([i.code for i in scheme.items] + [a.code for a in scheme.adjustments])}
    names = {i.code: (scheme.section_of(i.code).name, i.name) for i in scheme.items}
    names.update({a.code: ("否决与封顶", a.name) for a in scheme.adjustments})
    # A manual item's points come from one ManualScore: its trace row names it as the source.
    sources = {(m["subject"], m["item"]): m.get("source_id") for m in manual.iter_rows(named=True)}
    items = []
    for row in result.trace.iter_rows(named=True):
        section, name = names[row["item"]]
        trace = trace_json(row)
        source = sources.get((row["subject"], row["item"])) if row["rule"] == "manual" else None
        if source is not None:
            trace.update(source_kind="manual_score", source_id=source)
        items.append(ItemScore(
            run=run, subject=created[department_id(row["subject"])], order=order[row["item"]], section=section,
            item=row["item"], name=name, kind=row["kind"], status=row["status"], points=row["points"],
            max=row["max"] if row["max"] is not None else 0, trace=trace, sentence=explain(row, scheme)))
    ItemScore.objects.bulk_create(items, batch_size=2000)


def _audit(actor: User | None, action: str, run: ScoreRun, **details: Any) -> None:
    record(actor, action, run, region_id=run.program.region_id, **details)


@transaction.atomic
def run_create(*, program: Program, scheme: Scheme, period: str, actor: User | None, note: str = "",
               today: dt.date | None = None, replaces: ScoreRun | None = None) -> ScoreRun:
    """Score a scheme for a period from the current data: snapshot the inputs, store the results (a draft)."""
    if actor is not None:
        require_manage(actor, program, "只有生态办管理员可以计分。")
    if scheme.program_id != program.id:
        raise DomainError("评分细则不属于该创建工作。")
    data = scheme.data
    check_period(data, period)
    inputs = load_inputs(program, data, scheme.sources, period, today)
    result = compute(data, inputs, period)
    packed = pack(inputs)
    run = ScoreRun.objects.create(
        program=program, scheme=scheme, scheme_code=scheme.code, scheme_version=scheme.version, period=period,
        code_version=code_version(), inputs=packed, inputs_sha256=hashlib.sha256(packed).hexdigest(),
        fact_count=inputs.facts.height, previous=replaces, note=note, created_by=actor)
    units = {u.id: u for u in scheme_subjects(program, data.groups)}
    _store_results(run, data, result, units, inputs.manual)
    _audit(actor, AuditAction.SCORING_RUN, run, period=period, scheme=scheme.code, version=scheme.version,
           sha256=run.inputs_sha256)
    return run


def run_rerun(*, run: ScoreRun, actor: User, note: str = "") -> ScoreRun:
    """Score the run's scheme and period again from the current data (after corrections, e.g. an upheld
    objection); the old run is superseded, its snapshot and objections kept."""
    with transaction.atomic():
        run_transition(run=run, action=RunAction.SUPERSEDE, actor=actor, comment=note or "按更正后的数据重新计分。")
        return run_create(program=run.program, scheme=run.scheme, period=run.period, actor=actor, note=note,
                          replaces=run)


def _no_open_objections(run: ScoreRun) -> Callable[[], dict[str, object]]:
    def check() -> dict[str, object]:
        open_count = run.objections.filter(status=ObjectionStatus.OPEN).count()
        if open_count:
            raise DomainError(f"还有{open_count}条异议未裁定，不能定稿。")
        return {"objections": run.objections.count()}
    return check


@transaction.atomic
def run_transition(*, run: ScoreRun, action: str, actor: User, comment: str = "",
                   expected_version: int | None = None) -> ScoreRun:
    """Move a run in its workflow: only the office, one event, one audit entry; finalising needs every
    objection ruled on."""
    if action not in RunAction.values:
        raise DomainError(f"未知操作「{action}」。")
    action = RunAction(action)
    require_manage(actor, run.program, "只有生态办管理员可以定稿或发布考核结果。")
    data = _no_open_objections(run) if action == RunAction.FINALISE else None
    workflow_step(obj=run, workflow=RUN_WORKFLOW, action=action, actor=actor, comment=(comment or "").strip(),
                  expected_version=expected_version, data=data)
    _audit(actor, AuditAction.PUBLICATION if action == RunAction.PUBLISH else AuditAction.SCORING_STEP, run,
           step=str(action), status=run.status)
    return run


# --- objections --------------------------------------------------------------------------------------


@transaction.atomic
def objection_create(*, run: ScoreRun, subject: SubjectScore, item: str, reason: str, actor: User,
                     files: Sequence[CheckedUpload] = ()) -> Objection:
    """A subject objects to an item of its own sheet (or its total), during the objection period, with its
    evidence files (already checked by ``apps.core.uploads.check_upload``)."""
    if not can_object(actor, run, subject):
        raise PermissionDeniedError("只有考核对象本单位可以在异议期内提出异议。")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写异议理由。")
    if item and not subject.items.filter(item=item).exists():
        raise DomainError(f"评分表中没有评分项「{item}」。")
    ScoreRun.objects.select_for_update().filter(pk=run.pk).first()
    if ScoreRun.objects.get(pk=run.pk).status != RunStatus.OBJECTION:
        raise DomainError("异议期已结束。")
    objection = Objection.objects.create(run=run, subject=subject, item=item, reason=reason[:4000], created_by=actor)
    _attach(objection, files, actor, "异议佐证")
    return objection


@transaction.atomic
def objection_evidence_add(*, objection: Objection, files: Sequence[CheckedUpload], actor: User) -> Objection:
    """More evidence for an open objection, by the objecting unit while the objection period lasts."""
    run = ScoreRun.objects.select_for_update().get(pk=objection.run_id)
    if not can_object(actor, run, objection.subject):
        raise PermissionDeniedError("只有提出异议的单位可以在异议期内补充佐证材料。")
    if Objection.objects.get(pk=objection.pk).status != ObjectionStatus.OPEN:
        raise DomainError("该异议已裁定，不能再补充佐证材料。")
    if not files:
        raise DomainError("请选择佐证材料文件。")
    _attach(objection, files, actor, "异议佐证")
    return objection


@transaction.atomic
def objection_rule(*, objection: Objection, upheld: bool, ruling: str, actor: User,
                   points: Decimal | None = None) -> Objection:
    """The office rules on an objection with its reasons. Upheld with ``points`` on a manual item: the item's
    manual points are set (rerun the run to apply them); upheld otherwise: correct the data, then rerun."""
    require_manage(actor, objection.run.program, "只有生态办管理员可以裁定异议。")
    ruling = (ruling or "").strip()
    if not ruling:
        raise DomainError("请填写裁定意见。")
    current = Objection.objects.select_for_update().get(pk=objection.pk)
    if current.status != ObjectionStatus.OPEN:
        raise DomainError("该异议已裁定。")
    if objection.run.status != RunStatus.OBJECTION:
        raise DomainError("只能在异议期内裁定异议。")
    if upheld and points is not None:
        if not objection.item:
            raise DomainError("调整分值须针对具体评分项。")
        manual_set(program=objection.run.program, scheme_code=objection.run.scheme_code,
                   department=objection.subject.department, period=objection.run.period, item=objection.item,
                   points=points, reason=f"异议成立：{ruling}"[:300], actor=actor)
    Objection.objects.filter(pk=objection.pk).update(
        status=ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED, ruling=ruling[:4000], ruled_by=actor,
        ruled_at=timezone.now())
    objection.refresh_from_db()
    _audit(actor, AuditAction.SCORING_STEP, objection.run, step="objection", objection=objection.pk,
           upheld=upheld)
    return objection


# --- the office's entries -------------------------------------------------------------------------------


@transaction.atomic
def manual_set(*, program: Program, scheme_code: str, department: Department, period: str, item: str,
               points: Decimal, reason: str, actor: User, files: Sequence[CheckedUpload] = ()) -> ManualScore:
    """The points of a manual item for a subject, with the reason (checked against the scheme's item) and its
    evidence files (already checked by ``apps.core.uploads.check_upload``). A change appends a revision (points,
    reason, who, when, the revision it follows) and updates the entry (one row per scheme, subject, period and
    item: the latest revision, what the loader reads), with an audit event; the same points and reason again
    write nothing (files are still attached). The runs that scored old points keep them in their snapshot."""
    require_manage(actor, program, "只有生态办管理员可以录入人工评分。")
    scheme = Scheme.objects.filter(program=program, code=scheme_code).order_by("-version").first()
    if scheme is None:
        raise DomainError(f"没有评分细则「{scheme_code}」。")
    _field, problem = manual_problem(scheme.data, item, points, department)
    if problem:
        raise DomainError(problem)
    if not (reason or "").strip():
        raise DomainError("请填写评分理由。")
    reason = reason.strip()[:300]
    entry = ManualScore.objects.select_for_update().filter(
        program=program, scheme_code=scheme_code, department=department, period=period, item=item).first()
    if entry is None or (entry.points, entry.reason) != (points, reason):
        previous = None if entry is None else _latest_revisions(ManualScoreRevision, "entry", [entry.pk]).get(entry.pk)
        if entry is None:
            entry = ManualScore(program=program, scheme_code=scheme_code, department=department, period=period,
                                item=item)
        entry.points, entry.reason, entry.created_by = points, reason, actor
        entry.save()
        ManualScoreRevision.objects.create(entry=entry, points=points, reason=reason, author=actor,
                                           at=entry.created_at, previous_id=previous)
        record(actor, AuditAction.SCORING_ENTRY, entry, region_id=program.region_id, scheme=scheme_code,
               item=item, period=period, points=points, previous=previous)
    _attach(entry, files, actor, "人工评分依据")
    return entry


def manual_problem(data: SchemeData, item: str, points: Decimal, department: Department) -> tuple[str, str]:
    """Why ``points`` cannot be the points of ``item`` for ``department``, as (``"item"`` or ``"points"``, the
    message); ("", "") when they can. The item is not in the scheme, not a manual item, not for the unit's group,
    or the points are outside 0 … its points or have more than the scheme's decimals. The one check of the form,
    the API and the facts workbook's 人工评分 sheet."""
    try:
        spec = data.item(item)
    except KeyError:
        return "item", f"评分细则中没有评分项「{item}」。"
    if not isinstance(spec.rule, Manual):
        return "item", f"评分项「{spec.name}」按规则计分，不能人工录入分值；请更正其数据后重新计分。"
    if spec.groups and GROUP_OF_KIND.get(department.kind) not in spec.groups:
        return "item", f"评分项「{spec.name}」不适用于「{department.name}」。"
    if not (0 <= points <= spec.points) or points != points.quantize(Decimal(1).scaleb(-data.places)):
        return "points", f"「{spec.name}」的得分应在0到{spec.points}之间，最多{data.places}位小数。"
    return "", ""


@dataclass(frozen=True)
class ManualEntry:
    department: Department
    period: str
    item: str
    points: Decimal
    reason: str


@transaction.atomic
def manual_scores_set(*, program: Program, scheme: Scheme, entries: list[ManualEntry], actor: User) -> int:
    """Many manual points of one scheme at once (the facts workbook's 人工评分 sheet): the checks of
    :func:`manual_set` against the scheme's latest version; the new and changed entries written in bulk, each with
    its revision as :func:`manual_set` appends it, and one audit event; unchanged entries write nothing. Returns
    how many entries were written."""
    require_manage(actor, program, "只有生态办管理员可以录入人工评分。")
    latest = latest_version(scheme)
    wanted: dict[tuple[int, str, str], ManualEntry] = {}
    for entry in entries:
        _field, problem = manual_problem(latest.data, entry.item, entry.points, entry.department)
        if problem or not entry.reason.strip():
            raise DomainError(f"{entry.department.name}「{entry.item}」：{problem or '请填写评分理由。'}")
        wanted[entry.department.id, entry.period, entry.item] = entry
    stored = {(m.department_id, m.period, m.item): m for m in ManualScore.objects.select_for_update().filter(
        program=program, scheme_code=latest.code, department_id__in={k[0] for k in wanted},
        period__in={k[1] for k in wanted}, item__in={k[2] for k in wanted})}
    now = timezone.now()
    new, changed = [], []
    for key, entry in wanted.items():
        reason, row = entry.reason.strip()[:300], stored.get(key)
        if row is None:
            new.append(ManualScore(program=program, scheme_code=latest.code, department=entry.department,
                                   period=entry.period, item=entry.item, points=entry.points, reason=reason,
                                   created_by=actor, created_at=now))
        elif (row.points, row.reason) != (entry.points, reason):
            row.points, row.reason, row.created_by, row.created_at = entry.points, reason, actor, now
            changed.append(row)
    check_instances(new + changed)  # the model's bounds, as a save would check them (a bulk write sends no pre_save)
    previous = _latest_revisions(ManualScoreRevision, "entry", [row.pk for row in changed])
    ManualScore.objects.bulk_create(new, batch_size=BATCH)  # sets the ids (PostgreSQL, SQLite ≥ 3.35)
    ManualScore.objects.bulk_update(changed, ["points", "reason", "created_by", "created_at"], batch_size=BATCH)
    ManualScoreRevision.objects.bulk_create(
        [ManualScoreRevision(entry=row, points=row.points, reason=row.reason, author=actor, at=row.created_at,
                             previous_id=previous.get(row.pk)) for row in new + changed], batch_size=BATCH)
    if new or changed:
        record(actor, AuditAction.SCORING_ENTRY, program, region_id=program.region_id, scheme=latest.code,
               manual_new=len(new), manual_changed=len(changed))
    return len(new) + len(changed)


def _attach(subject: ManualScore | OfficeFact | Objection, files: Sequence[CheckedUpload], actor: User,
            note: str) -> None:
    for upload in files:
        evidence_attach(subject=subject, upload=upload, actor=actor, note=note)


@transaction.atomic
def office_evidence_add(*, entry: ManualScore | OfficeFact, files: Sequence[CheckedUpload], actor: User) -> None:
    """More evidence for an office fact or manual points (the office only)."""
    require_manage(actor, entry.program, "只有生态办管理员可以上传考核事实的佐证材料。")
    if not files:
        raise DomainError("请选择佐证材料文件。")
    _attach(entry, files, actor, "考核事实依据" if isinstance(entry, OfficeFact) else "人工评分依据")


def fact_keys(program: Program, scheme: Scheme | None = None) -> frozenset[str]:
    """The fact keys the office may enter: those the scheme's latest version reads that the system does not
    supply (:func:`apps.scoring.facts.office_keys`); without a scheme, those of any of the program's schemes."""
    if scheme is not None:
        latest = latest_version(scheme)
        return frozenset(office_keys(latest.data, latest.sources))
    keys: set[str] = set()
    latest: dict[str, Scheme] = {}
    for version in Scheme.objects.filter(program=program).order_by("code", "-version"):  # in Python: any database
        latest.setdefault(version.code, version)
    for version in latest.values():
        keys.update(office_keys(version.data, version.sources))
    return frozenset(keys)


def fact_key_problem(key: str, keys: frozenset[str]) -> str:
    """Why the office may not enter ``key`` ("" when it may): the scheme does not read it, or the system supplies
    it (a rate, a count of notices, a mapped indicator's approved value)."""
    if key in keys:
        return ""
    return f"考核方案未使用事实键「{key}」：评分细则不读取它，或它由系统自动取数，不能人工录入。"


@transaction.atomic
def office_fact_set(*, program: Program, department: Department, period: str, key: str, actor: User,
                    value: Decimal | None = None, text: str = "", na: bool = False, reason: str,
                    part: str = "", files: Sequence[CheckedUpload] = (), scheme: Scheme | None = None) -> OfficeFact:
    """A fact the system does not hold (an honour, an incident, a verification), entered with its basis and
    evidence files; its key must be one the scheme (or, without one, any of the program's schemes) reads and the
    system does not supply (:func:`fact_keys`). A change appends a revision and updates the fact (the latest
    revision, what the loader reads), with an audit event; the same content again writes nothing."""
    require_manage(actor, program, "只有生态办管理员可以录入考核事实。")
    problem = fact_key_problem(key.strip(), fact_keys(program, scheme))
    if problem:
        raise DomainError(problem)
    if not (reason or "").strip():
        raise DomainError("请填写依据。")
    if value is None and not text and not na:
        raise DomainError("请填写数值、等级或标记为不涉及。")
    if value is not None and value != value.quantize(Decimal("0.000001")):
        raise DomainError("数值最多6位小数。")
    key, part, text, reason = key.strip(), part.strip(), text.strip(), reason.strip()[:300]
    fact = OfficeFact.objects.select_for_update().filter(program=program, department=department, period=period,
                                                         key=key, part=part).first()
    if fact is None or _fact_content(fact) != (value, text, na, reason):
        previous = None if fact is None else _latest_revisions(OfficeFactRevision, "fact", [fact.pk]).get(fact.pk)
        if fact is None:
            fact = OfficeFact(program=program, department=department, period=period, key=key, part=part)
        fact.value, fact.text, fact.na, fact.reason, fact.created_by = value, text, na, reason, actor
        fact.save()
        OfficeFactRevision.objects.create(fact=fact, value=value, text=text, na=na, reason=reason, author=actor,
                                          at=fact.created_at, previous_id=previous)
        record(actor, AuditAction.SCORING_ENTRY, fact, region_id=program.region_id, key=key, part=part,
               period=period, value=value, text=text, na=na, previous=previous)
    _attach(fact, files, actor, "考核事实依据")
    return fact


@dataclass(frozen=True)
class FactEntry:
    department: Department
    period: str
    key: str
    value: Decimal | None = None
    text: str = ""
    na: bool = False
    reason: str = ""
    part: str = ""


def subject_units(program: Program) -> dict[str, Department]:
    """The program's county governments and departments by name and by their other names (one query)."""
    units: dict[str, Department] = {}
    for unit in scheme_subjects(program, ("county", "department")):
        for name in (*unit.aliases, unit.name):  # the name wins over another unit's alias
            units[name] = unit
    return units


@transaction.atomic
def office_facts_set(*, program: Program, entries: list[FactEntry], actor: User) -> int:
    """Many office facts at once (an import, the demo): the checks of :func:`office_fact_set`; the new and changed
    facts written in bulk, each with its revision, and one audit event; unchanged facts write nothing. Returns how
    many facts were written."""
    require_manage(actor, program, "只有生态办管理员可以录入考核事实。")
    wanted: dict[tuple[int, str, str, str], FactEntry] = {}
    for entry in entries:
        if not entry.reason.strip() or (entry.value is None and not entry.text and not entry.na):
            raise DomainError(f"{entry.department.name}「{entry.key}」：请填写数值或等级，并写明依据。")
        wanted[entry.department.id, entry.period, entry.key, entry.part] = entry
    stored = {(f.department_id, f.period, f.key, f.part): f for f in OfficeFact.objects.select_for_update().filter(
        program=program, department_id__in={k[0] for k in wanted}, period__in={k[1] for k in wanted},
        key__in={k[2] for k in wanted})}
    now = timezone.now()
    new, changed = [], []
    for key, entry in wanted.items():
        content = (entry.value, entry.text, entry.na, entry.reason[:300])
        row = stored.get(key)
        if row is None:
            new.append(OfficeFact(program=program, department=entry.department, period=entry.period, key=entry.key,
                                  part=entry.part, value=entry.value, text=entry.text, na=entry.na,
                                  reason=entry.reason[:300], created_by=actor, created_at=now))
        elif _fact_content(row) != content:
            row.value, row.text, row.na, row.reason = content
            row.created_by, row.created_at = actor, now
            changed.append(row)
    check_instances(new + changed)  # the model's bounds, as a save would check them (a bulk write sends no pre_save)
    previous = _latest_revisions(OfficeFactRevision, "fact", [row.pk for row in changed])
    OfficeFact.objects.bulk_create(new, batch_size=BATCH)  # sets the ids (PostgreSQL, SQLite ≥ 3.35)
    OfficeFact.objects.bulk_update(changed, ["value", "text", "na", "reason", "created_by", "created_at"],
                                   batch_size=BATCH)
    OfficeFactRevision.objects.bulk_create(
        [OfficeFactRevision(fact=row, value=row.value, text=row.text, na=row.na, reason=row.reason, author=actor,
                            at=row.created_at, previous_id=previous.get(row.pk)) for row in new + changed],
        batch_size=BATCH)
    if new or changed:
        record(actor, AuditAction.SCORING_ENTRY, program, region_id=program.region_id, facts_new=len(new),
               facts_changed=len(changed))
    return len(new) + len(changed)


def _fact_content(fact: OfficeFact) -> tuple[Decimal | None, str, bool, str]:
    return fact.value, fact.text, fact.na, fact.reason


def _latest_revisions(model: type[OfficeFactRevision | ManualScoreRevision], field: str,
                      ids: list[int]) -> dict[int, int]:
    """The latest revision of each entry (entry id → revision id), found in SQL (``MAX(id)`` per entry)."""
    latest: dict[int, int] = {}
    for start in range(0, len(ids), BATCH):
        latest.update(model.objects.filter(**{f"{field}_id__in": ids[start:start + BATCH]}).order_by()
                      .values(f"{field}_id").annotate(last=Max("id")).values_list(f"{field}_id", "last"))
    return latest
