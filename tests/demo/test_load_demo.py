"""`make demo`'s data step: the demo city loads (twice, idempotently) and every printed login works."""

from __future__ import annotations

import pytest

from apps.programs.models import Program, Responsibility


@pytest.mark.usefixtures("db")
def test_demo_loads_and_logins_work(demo, client):
    """``demo`` ran ``load_demo`` twice; ``demo.output`` is what the first run printed."""
    program = Program.objects.get(name="秦川市创建国家生态文明建设示范市")
    assert program.region.children.count() == 6
    assert program.region.departments.count() >= 25
    assert list(program.phases.values_list("name", flat=True)) == ["全面启动", "建设提高", "核查验收", "巩固提升"]
    leaves_without_lead = [
        i.code for i in program.framework.indicators.filter(program__isnull=True, parent__isnull=True)
        if not Responsibility.objects.filter(program=program, indicator=i, role="lead").exists()
    ]
    assert leaves_without_lead == []
    logins = [line.split() for line in demo.output.splitlines() if line.startswith("  ")]
    assert {row[0] for row in logins} >= {"office", "reporter", "county", "leader", "inspector"}
    for username, password, *_ in logins:
        client.logout()
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.get(response.url, follow=True).status_code == 200, username
