"""Survey downloads: the invitation codes (xlsx) for the office to print or mail merge."""

from __future__ import annotations

from django.urls import reverse

from docimport.xlsx import Column, Table, render_tables

from .models import Invitation, Survey


def invitations_xlsx(survey: Survey, base_url: str) -> bytes:
    """Every code of the survey with its form's address and whether it has been used."""
    rows = ([invitation.code, base_url + reverse("survey_public", args=[survey.program_id, invitation.code]),
             "已填写" if invitation.used_at else "未填写"]
            for invitation in Invitation.objects.filter(survey=survey).order_by("id").iterator())
    table = Table(name="邀请码", title=f"{survey.title}·邀请码",
                  columns=[Column("邀请码", 14), Column("问卷网址", 60), Column("状态", 10)], rows=rows,
                  note="每个邀请码只能提交一次问卷。")
    return render_tables([table])
