"""`load_demo_province` at a tiny size: the province, its cities and counties, the logins, a working cockpit."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from apps.accounts.models import User
from apps.geo.models import Region
from apps.programs.models import AssignedTarget, Program
from apps.reporting.models import IndicatorValue


@pytest.mark.django_db
def test_the_demo_province_builds_and_its_office_reads_the_cockpit(client):
    out = io.StringIO()
    call_command("load_demo_province", "--cities", "2", "--counties", "4", stdout=out)
    text = out.getvalue()
    assert "演示省已就绪：陇川省，2个市、4个县区、2项创建工作" in text and "用时" in text
    assert "province " in text and "province-leader" in text and "city01" in text
    province = Region.objects.get(code="730000")
    assert Region.objects.filter(parent__parent=province, level="county").count() == 4
    assert Region.objects.get(code="730101").path == "/730000/730100/730101/"
    programs = Program.objects.filter(region__parent=province)
    assert programs.count() == 2
    assert IndicatorValue.objects.filter(program__in=programs, status="approved").exists()
    assert AssignedTarget.objects.filter(program__in=programs).exists()
    client.force_login(User.objects.get(username="province"))
    cockpit = client.get(f"/api/provinces/{province.id}/cockpit").json()
    assert cockpit["total"] == 2 and all(row["gate"]["binding_applicable"] > 0 for row in cockpit["cities"])
    assert all(row["timeliness"]["expected"] > 0 for row in cockpit["cities"])
    client.force_login(User.objects.get(username="city01"))
    assert client.get(f"/province/{province.id}/").status_code == 403
    with pytest.raises(CommandError, match="already exists"):
        call_command("load_demo_province", "--cities", "2", "--counties", "4", stdout=io.StringIO())
