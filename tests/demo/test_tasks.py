"""The demo step builds a realistic list and leaves open notices at every escalation level."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.tasks.models import NoticeLevel, NoticeStatus, Project, SupervisionNotice, Task


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_demo_step():
    assert Task.objects.filter(level=0).count() >= 6
    assert Task.objects.filter(level__gt=0).count() >= 30
    assert Project.objects.count() >= 40
    assert Project.objects.values("category").distinct().count() == 8
    open_levels = set(SupervisionNotice.objects.exclude(status=NoticeStatus.CLOSED).values_list("level", flat=True))
    assert open_levels == {NoticeLevel.REMIND, NoticeLevel.URGE, NoticeLevel.CIRCULATE}
    count = SupervisionNotice.objects.count()
    call_command("run_supervision", stdout=open("/dev/null", "w"))
    assert SupervisionNotice.objects.count() == count
