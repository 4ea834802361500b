"""Evidence of both subjects: a 2025 value of the city (市生态环境局 leads) and a progress update of its task."""

from __future__ import annotations

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.uploads import check_upload
from apps.evidence.models import EVIDENCE_KINDS, Evidence
from apps.reporting.services import evidence_upload
from apps.tasks.models import TaskProgress
from apps.tasks.services import task_progress_create
from tests.conftest import make_user, shared_fixture
from tests.reporting.conftest import rep, save  # noqa: F401 - the reporting round fixture
from tests.tasks.conftest import plan  # noqa: F401 - the task plan fixture

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def upload_value_evidence(rep: SimpleNamespace, name: str = "2025年统计公报.pdf") -> Evidence:  # noqa: F811
    value = rep.value if hasattr(rep, "value") else save(rep, rep.world.users.reporter)
    rep.value = value
    return evidence_upload(value=value, upload=SimpleUploadedFile(name, PDF), actor=rep.world.users.reporter)


def progress_with_evidence(world: SimpleNamespace, plan: SimpleNamespace, names: list[str]) -> TaskProgress:  # noqa: F811
    files = [check_upload(SimpleUploadedFile(n, PNG), allowed=EVIDENCE_KINDS) for n in names]
    return task_progress_create(task=plan.own, actor=world.users.reporter, narrative="规划已颁布", percent=50,
                                files=files, submit=True)


@shared_fixture
def both(rep: SimpleNamespace, plan: SimpleNamespace):  # noqa: F811
    """One value evidence and one task evidence, plus reporters of a cooperating and of an unrelated unit."""
    world = rep.world
    value_evidence = upload_value_evidence(rep)
    progress = progress_with_evidence(world, plan, ["颁布文件.png"])
    users = SimpleNamespace(
        **vars(world.users),
        cooperator=make_user("stats", "department_reporter", department=world.units["市统计局"]),
        finance=make_user("finance", "department_reporter", department=world.units["市财政局"]),
        stranger=make_user("water", "department_reporter", department=world.units["市水务局"]),
        builder=make_user("builder", "department_reporter", department=world.units["市住建局"]),
    )
    return SimpleNamespace(rep=rep, plan=plan, world=world, users=users, value=rep.value, progress=progress,
                           value_evidence=value_evidence, task_evidence=progress.evidence.get())
