"""The preview → confirm → commit page of every staged import, on one pattern.

A POST with a file stages and checks it (``upload``) and shows its preview: old → new per changed field, the
number of unchanged rows, warnings, or its row errors (``templates/staging/_preview.html``). A POST with the
previewed import's ``token`` confirms it (``confirm``); a refused confirm (unconfirmed warnings, data changed
since the preview, a re-check that found row errors) shows the same import again: the staged file is kept.
The API has the same two steps (:func:`staged_import_api_upload`, :func:`staged_import_api_commit`) and
answers every kind with :class:`apps.staging.schemas.StagedImportOut`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import File, Form, Router
from ninja.files import UploadedFile

from apps.core.errors import DomainError, NotFoundError
from apps.core.uploads import CheckedUpload, check_upload
from apps.core.web import form_message, submit

from .forms import StagedImportForm
from .models import StagedImport, StagedStatus
from .schemas import StagedImportOut
from .selectors import staged_import_for_confirm, staged_import_own, staged_import_preview
from .services import (
    SMALL_INLINE,
    raise_outcome,
    staged_import_authorize,
    staged_import_commit,
    staged_import_upload,
    staged_import_upload_and_commit,
)


def staged_import_context(staged: StagedImport) -> dict[str, object]:
    """What a page shows of a staged import: the import, its preview, and the token to confirm it."""
    context: dict[str, object] = {"staged": staged}
    if staged.status in (StagedStatus.PREVIEWED, StagedStatus.REJECTED, StagedStatus.FAILED):
        context["preview"] = staged_import_preview(staged)
    if staged.status == StagedStatus.PREVIEWED:
        context["token"] = staged.pk
    return context


class StagedImportStep:
    """A staged-import page's POST: ``upload`` a new sheet, or ``find`` the previewed import ``token`` and
    ``confirm`` it. Keeps the import it reached, so that a refused confirm shows that import again.

    By default a sheet is staged as ``kind`` of ``program`` and checked at once, the token is one of the
    actor's own previewed imports, and the confirm commits it inline (a list is small).
    """

    def __init__(self, *, kind: str, program: Any, actor: Any,
                 upload: Callable[[CheckedUpload], StagedImport] | None = None,
                 find: Callable[[str], StagedImport] | None = None,
                 confirm: Callable[[StagedImport, dict[str, Any]], StagedImport] | None = None) -> None:
        self.kind, self.program, self.actor = kind, program, actor
        self.upload = upload or (lambda checked: staged_import_upload(kind=kind, actor=actor, checked=checked,
                                                                      program=program))
        self.find = find or (lambda token: staged_import_for_confirm(actor=actor, kind=kind, staged_id=token,
                                                                     program=program))
        self.confirm = confirm or (lambda staged, _data: staged_import_commit(staged=staged, actor=actor,
                                                                              backend=SMALL_INLINE))
        self.staged: StagedImport | None = None

    def __call__(self, data: dict[str, Any]) -> StagedImport:
        if not data["token"]:
            self.staged = self.upload(data["checked"])
            return self.staged
        self.staged = self.find(data["token"])
        return self.confirm(self.staged, data)


def staged_import_page(request: HttpRequest, step: StagedImportStep, *, template: str, context: dict[str, object],
                       done: Callable[[StagedImport, bool], HttpResponse | None]) -> HttpResponse:
    """The import page: a GET shows ``template`` with ``context`` (the upload form); a POST runs the step and
    ``done(staged, confirmed)`` answers a carried-out step (a redirect) or None to show the import's preview (a
    new upload's) on ``template``. The forms post to ``context["action"]``, by default this page."""
    context.setdefault("action", request.path)
    if request.method != "POST":
        return render(request, template, context)
    staged_import_authorize(kind=step.kind, actor=step.actor, program=step.program)  # before the file is read
    form = StagedImportForm(request.POST, request.FILES)
    staged = submit(form, step)
    if staged is not None:
        response = done(staged, bool(form.cleaned_data["token"]))
        if response is not None:
            return response
    if step.staged is not None:  # a new upload's preview or row errors, or a refused confirm's import again
        if form.errors:  # unconfirmed warnings (still previewed) or the commit's re-check (previewed again, rejected)
            step.staged.refresh_from_db()
        context.update(staged_import_context(step.staged))
    if form.errors:
        context.update(message=form_message(form), errors=form.row_errors)
    return render(request, template, context)


def when_committed(answer: Callable[[StagedImport], HttpResponse]) -> Callable[[StagedImport, bool], HttpResponse | None]:
    """The ``done`` of a page whose only carried-out step is the commit: ``answer(staged)`` once the import is
    committed; anything else (a preview, a refused confirm) shows the import again."""
    return lambda staged, _confirmed: answer(staged) if staged.status == StagedStatus.COMMITTED else None


# --- API ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPlace:
    """Where a staged import goes: its program (None for a province's sheet) and the options that name the part
    of it the import is for (a scheme, a survey, a province). An import is confirmed only at its own place."""

    program: Any = None
    options: dict[str, Any] = field(default_factory=dict)


def _at_place(staged: StagedImport, place: ImportPlace, refusal: Exception) -> StagedImport:
    """``staged`` if it was made at ``place`` (same program, same options), else raise ``refusal``."""
    if any(staged.options.get(key) != value for key, value in place.options.items()):
        raise refusal
    return staged


def _xlsx(file: Any) -> CheckedUpload:
    return check_upload(file, allowed={"xlsx"})


def staged_import_api_upload(*, kind: str, program: Any, actor: Any, file: Any, commit: bool = False,
                             options: dict[str, Any] | None = None,
                             check: Callable[[Any], CheckedUpload] = _xlsx) -> StagedImport:
    """``POST …/import``: stage and check a sheet (``check`` reads the file: an xlsx by default); answers its
    preview (changes, unchanged) to be confirmed by ``…/import/{id}/commit``, or, with ``commit``, commits it at
    once. Row errors are a 400 listing them."""
    staged_import_authorize(kind=kind, actor=actor, program=program, options=options)  # before the file is read
    checked = check(file)
    if commit:
        return staged_import_upload_and_commit(kind=kind, actor=actor, checked=checked, program=program,
                                               options=options, backend=SMALL_INLINE)
    staged = staged_import_upload(kind=kind, actor=actor, checked=checked, program=program, options=options)
    raise_outcome(staged)
    return staged


def staged_import_api_commit(*, kind: str, program: Any, actor: Any, import_id: int,
                             options: dict[str, Any] | None = None) -> StagedImport:
    """``POST …/import/{id}/commit``: commit the actor's previewed import made at the same ``options`` (inline
    up to ``ECOCIV_INLINE_COMMIT_ROWS`` rows; a larger one commits as a job and answers ``committing``, to poll)."""
    staged = staged_import_for_confirm(actor=actor, kind=kind, staged_id=import_id, program=program)
    _at_place(staged, ImportPlace(program, options or {}), DomainError("预览已失效，请重新上传文件。"))
    return staged_import_commit(staged=staged, actor=actor, backend=SMALL_INLINE)


def _path_params(path: str) -> list[str]:
    """The path's parameters in order: ``/a/{program_id}/b/{int:scheme_id}`` → ``["program_id", "scheme_id"]``."""
    return re.findall(r"\{(?:\w+:)?(\w+)\}", path)


def _with_path(view: Callable[..., StagedImport], names: list[str]) -> Callable[..., StagedImport]:
    """``view(request, ..., **path)`` declared to Ninja with each of ``names`` as an ``int`` path parameter."""
    declared = list(inspect.signature(view, eval_str=True).parameters.values())
    path = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int) for name in names]
    view.__signature__ = inspect.Signature([declared[0], *path, *(p for p in declared[1:]  # type: ignore[attr-defined]
                                                                   if p.kind != p.VAR_KEYWORD)])
    return view


def staged_import_routes(router: Router, path: str, *, kind: str, access: Callable[..., Any], label: str = "",
                         summaries: tuple[str, str, str] | None = None, operation: str = "",
                         check: Callable[[Any], CheckedUpload] = _xlsx) -> None:
    """Add a kind's two-step import to ``router``: ``POST path`` (upload and preview, or ``commit=true`` at
    once), ``GET path/{import_id}`` (the uploader's import) and ``POST path/{import_id}/commit``.

    ``access(user, *path_parameters)`` (in the path's order, ``import_id`` left out) is the program the user may
    import into, or an :class:`ImportPlace` (refusing with 403/404 otherwise). ``summaries`` (upload, get,
    commit) replace the ones said of ``label``; the operation ids are ``operation`` (by default the kind's name)
    followed by ``_import``, ``_import_get`` and ``_import_commit``.
    """
    operation = operation or kind.replace(".", "_")
    upload_summary, get_summary, commit_summary = summaries or (
        f"上传{label} xlsx 并预览（每行原值 → 新值、无变化行数）；确认用 …/import/{{import_id}}/commit；"
        "commit=true 时一步写入。任一行有错误则不写入（400，errors 列出行、对象与列）",
        f"本人上传的{label}导入：预览、进度或结果",
        f"确认写入已预览的{label}导入（仅上传者）；预览后数据有变化则不写入并重新预览（400）")
    names = _path_params(path)

    def place(request: HttpRequest, path: dict[str, int]) -> ImportPlace:
        target = access(request.user, *(path[name] for name in names))
        return target if isinstance(target, ImportPlace) else ImportPlace(target)

    def upload(request: HttpRequest, file: File[UploadedFile], commit: Form[bool] = False,
               **path: int) -> StagedImport:
        at = place(request, path)
        return staged_import_api_upload(kind=kind, program=at.program, actor=request.user, file=file, commit=commit,
                                        options=at.options or None, check=check)

    def get(request: HttpRequest, import_id: int, **path: int) -> StagedImport:
        at = place(request, path)
        staged = staged_import_own(actor=request.user, kind=kind, staged_id=import_id, program=at.program)
        return _at_place(staged, at, NotFoundError("没有找到该导入。"))

    def confirm(request: HttpRequest, import_id: int, **path: int) -> StagedImport:
        at = place(request, path)
        return staged_import_api_commit(kind=kind, program=at.program, actor=request.user, import_id=import_id,
                                        options=at.options)

    router.post(path, response=StagedImportOut, operation_id=f"{operation}_import",
                summary=upload_summary)(_with_path(upload, names))
    router.get(f"{path}/{{import_id}}", response=StagedImportOut, operation_id=f"{operation}_import_get",
               summary=get_summary)(_with_path(get, names))
    router.post(f"{path}/{{import_id}}/commit", response=StagedImportOut, operation_id=f"{operation}_import_commit",
                summary=commit_summary)(_with_path(confirm, names))
