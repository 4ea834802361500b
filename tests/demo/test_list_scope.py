"""Every list endpoint of the API answers each demo role with rows of that role's scope only (issue #11.7).

The test walks the OpenAPI schema: every GET operation whose answer is a JSON array must have a rule in
``RULES`` (a new list endpoint without one fails the test, it never passes silently). A rule asks, for each
returned row, the same access function or selector the row's page asks; a 403 is an answer too (the role may not
open that list at all), and every endpoint must return rows to at least one role, so no rule passes vacuously.
An office of another city gets nothing of the demo city (the denied path).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from apps.accounts.access import can_manage_user
from apps.accounts.models import Role, User
from apps.core.errors import DomainError
from apps.geo.access import can_see_department, can_see_region, visible_departments
from apps.geo.models import Department, Region, RegionLevel
from apps.monitoring.access import access_monitoring
from apps.monitoring.models import ImportBatch
from apps.programs.access import can_manage_program, visible_programs_q
from apps.programs.models import Program
from apps.programs.selectors import program_indicators, program_regions
from apps.reporting.access import can_report
from apps.reporting.models import IndicatorValue, PeriodType
from apps.reports.access import can_read_file
from apps.reports.models import ReportFile, VetoEntry
from apps.scoring.access import own_units, sees_ranking, visible_runs
from apps.scoring.models import ScoreRun
from apps.scoring.workflow import RunStatus
from apps.setup.access import can_set_up_region
from apps.surveys.access import access_surveys
from apps.surveys.models import Invitation, Survey
from apps.tasks.access import visible_notices_q, visible_projects_q, visible_tasks_q
from apps.tasks.models import Project, SupervisionNotice, Task
from config.api import api
from tests.conftest import make_user

ROLES = ["office", "reporter", "reporter2", "county", "leader", "inspector", "province", "dual"]

class Reads:
    """What the rules read of the program once per test, not once per returned row (nothing changes the demo
    while a test asks): its regions, its indicators, its values."""

    def __init__(self, program: Program) -> None:
        self.program = program

    @functools.cached_property
    def region_ids(self) -> set[int]:
        return {region.id for region in program_regions(self.program)}

    @functools.cached_property
    def indicator_ids(self) -> set[int]:
        return {indicator.id for indicator in program_indicators(self.program)}

    @functools.cached_property
    def values(self) -> dict[tuple[int, int], list[IndicatorValue]]:
        """The program's values by (region id, indicator id)."""
        values: dict[tuple[int, int], list[IndicatorValue]] = {}
        for value in IndicatorValue.objects.select_related("region").filter(program=self.program):
            value.program = self.program
            values.setdefault((value.region_id, value.indicator_id), []).append(value)
        return values


@dataclass(frozen=True)
class Asked:
    """One returned row and who asked for it: the role's user, the demo program, the unit named in the path."""

    user: User
    program: Program
    department: Department
    row: dict[str, Any]
    reads: Reads

    def value(self, **period: object) -> IndicatorValue:
        """The row's value (its region and indicator, and ``period``: exactly one, as ``.get()`` would)."""
        (value,) = [value for value in self.reads.values.get((self.row["region_id"], self.row["indicator_id"]), [])
                    if all(getattr(value, name) == wanted for name, wanted in period.items())]
        return value

    def monitoring(self) -> bool:
        """The monitoring page's rule: the role opens it, and the row lies in the program's region."""
        return _allowed(lambda: access_monitoring(self.user, self.program.id)) and Region.objects.filter(
            code=self.row["region_code"], path__startswith=self.program.region.path).exists()


def _allowed(call: Callable[[], object]) -> bool:
    try:
        call()
    except DomainError:
        return False
    return True


def public(asked: Asked) -> bool:
    """National frameworks and their indicators are published standards: every signed-in user reads them."""
    return asked.user.is_authenticated


def _region(asked: Asked) -> Region:
    return Region.objects.get(pk=asked.row["region_id"])


#: path → the page's rule for one returned row.
RULES: dict[str, Callable[[Asked], bool]] = {
    "/api/regions": lambda x: can_see_region(x.user, Region.objects.get(pk=x.row["id"])),
    "/api/departments": lambda x: can_see_department(
        x.user, Department.objects.select_related("region").get(pk=x.row["id"])),
    "/api/setup/users": lambda x: can_manage_user(x.user, User.objects.get(pk=x.row["id"])),
    "/api/setup/departments": lambda x: can_set_up_region(x.user, Department.objects.get(pk=x.row["id"]).region),
    "/api/frameworks": public,
    "/api/frameworks/{code}/indicators": public,
    "/api/programs": lambda x: Program.objects.filter(visible_programs_q(x.user), pk=x.row["id"]).exists(),
    # The program overview shows every region's targets to whoever may open the program.
    "/api/programs/{program_id}/targets": lambda x: x.row["region_id"] in x.reads.region_ids,
    # The region page shows a region's assigned numbers to whoever may open that region.
    "/api/programs/{program_id}/assigned-targets": lambda x: (
        x.row["region_id"] in x.reads.region_ids
        and can_see_region(x.user, _region(x), x.program.id)),
    "/api/programs/{program_id}/responsibilities": lambda x: (
        x.row["indicator_id"] in x.reads.indicator_ids),
    "/api/programs/{program_id}/departments/{department_id}/responsibilities": lambda x: (
        can_see_department(x.user, x.department) and x.program.responsibilities.filter(
            indicator_id=x.row["indicator_id"], department=x.department).exists()),
    "/api/programs/{program_id}/rounds": lambda x: x.program.reporting_rounds.filter(pk=x.row["id"]).exists(),
    # A round's close / reopen history: whoever may open the round (its program) reads it, as its page shows it.
    "/api/programs/{program_id}/rounds/{round_id}/history": lambda x: Program.objects.filter(
        visible_programs_q(x.user), pk=x.program.id).exists(),
    "/api/programs/{program_id}/rounds/{round_id}/obligations": lambda x: (
        can_report(x.user, x.program, x.row["region_id"], x.row["indicator_id"])),
    # The review queue is the office's page; each row is a value the user may open.
    "/api/programs/{program_id}/values": lambda x: (
        can_manage_program(x.user, x.program) and x.value(pk=x.row["id"]).can_view(x.user)),
    "/api/programs/{program_id}/approved-values": lambda x: (
        x.value(year=x.row["year"], period_type=PeriodType.YEAR, period_number=1).can_view(x.user)),
    "/api/programs/{program_id}/tasks": lambda x: Task.objects.filter(
        visible_tasks_q(x.user, x.program), program=x.program, pk=x.row["id"]).exists(),
    "/api/programs/{program_id}/projects": lambda x: Project.objects.filter(
        visible_projects_q(x.user, x.program), program=x.program, pk=x.row["id"]).exists(),
    "/api/programs/{program_id}/notices": lambda x: SupervisionNotice.objects.filter(
        visible_notices_q(x.user, x.program), program=x.program, pk=x.row["id"]).exists(),
    "/api/programs/{program_id}/monitoring/stations": Asked.monitoring,
    "/api/programs/{program_id}/monitoring/sections": Asked.monitoring,
    "/api/programs/{program_id}/monitoring/results": Asked.monitoring,
    "/api/programs/{program_id}/monitoring/batches": lambda x: (
        _allowed(lambda: access_monitoring(x.user, x.program.id))
        and ImportBatch.objects.filter(program=x.program, pk=x.row["id"]).exists()),
    "/api/programs/{program_id}/monitoring/base-values": Asked.monitoring,
    # The publication page is the program's office's (drafts included); nobody else lists publications.
    "/api/programs/{program_id}/publications": lambda x: can_manage_program(x.user, x.program),
    # 公示 notices and the public's comments on them are the office's too (the portal shows the public part).
    "/api/programs/{program_id}/public-notices": lambda x: can_manage_program(x.user, x.program),
    "/api/programs/{program_id}/public-notices/{notice_id}/comments": lambda x: can_manage_program(x.user, x.program),
    # Schemes are the program's published rules; runs and objections follow the scoring pages' rule.
    "/api/programs/{program_id}/scoring/schemes": lambda x: x.program.scoring_schemes.filter(pk=x.row["id"]).exists(),
    "/api/programs/{program_id}/scoring/runs": lambda x: visible_runs(x.user, x.program).filter(
        pk=x.row["id"]).exists(),
    "/api/programs/{program_id}/scoring/runs/{run_id}/objections": lambda x: (
        x.row["department_id"] in own_units(x.user, x.program)
        or sees_ranking(x.user, ScoreRun.objects.get(pk=x.row["run_id"]))),
    # Surveys: the office, leaders and inspectors of the program read them; invitation codes are the office's.
    "/api/programs/{program_id}/surveys": lambda x: (
        _allowed(lambda: access_surveys(x.user, x.program.id)) and Survey.objects.filter(
            program=x.program, pk=x.row["id"]).exists()),
    "/api/programs/{program_id}/surveys/questionnaires": lambda x: _allowed(lambda: access_surveys(x.user, x.program.id)),
    "/api/programs/{program_id}/surveys/{survey_id}/invitations": lambda x: (
        can_manage_program(x.user, x.program) and Invitation.objects.filter(
            survey__program=x.program, code=x.row["code"]).exists()),
    # The office's own entries (facts, manual points): the program's office only.
    "/api/programs/{program_id}/scoring/facts": lambda x: can_manage_program(x.user, x.program),
    "/api/programs/{program_id}/scoring/manual": lambda x: can_manage_program(x.user, x.program),
    "/api/programs/{program_id}/reports": lambda x: can_read_file(
        x.user, ReportFile.objects.select_related("program__region", "region", "department").get(
            pk=x.row["id"], program=x.program)),
    # The veto checklist is the program's (office, leaders, inspectors); an answered row is an entry of the program.
    "/api/programs/{program_id}/veto-checklist": lambda x: x.row["entry_id"] is None or VetoEntry.objects.filter(
        pk=x.row["entry_id"], program=x.program).exists(),
}

#: Lists the demo leaves empty (their rule still runs on the roles that may open them).
EMPTY_IN_DEMO = {"/api/programs/{program_id}/monitoring/base-values",
                 "/api/programs/{program_id}/surveys/{survey_id}/invitations"}  # the demo's surveys ran by telephone


def list_operations() -> list[str]:
    """Every GET path of the API whose 200 answer is a JSON array."""
    paths = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        content = get["responses"].get(200, {}).get("content", {})
        if content.get("application/json", {}).get("schema", {}).get("type") == "array":
            paths.append(path)
    return paths


def _arguments(user: User, program: Program) -> dict[str, Any]:
    department = (visible_departments(user).filter(region=program.region).order_by("id").first()
                  or Department.objects.filter(region=program.region).order_by("id").first())
    return {"program": program, "round": program.reporting_rounds.order_by("-year").first(),
            "survey": program.surveys.order_by("-year").first(),
            "department": department, "run": _published_run(program),
            "notice": program.public_notices.filter(comments__isnull=False).first()}


def _published_run(program: Program) -> ScoreRun | None:
    return ScoreRun.objects.filter(program=program, status=RunStatus.PUBLISHED, objections__isnull=False).first()


def _url(path: str, arguments: dict[str, Any]) -> str:
    program = arguments["program"]
    url = (path.replace("{program_id}", str(program.id)).replace("{round_id}", str(arguments["round"].id))
           .replace("{code}", program.framework.code).replace("{department_id}", str(arguments["department"].id))
           .replace("{run_id}", str(arguments["run"].id if arguments.get("run") else 0))
           .replace("{survey_id}", str(arguments["survey"].id if arguments.get("survey") else 0))
           .replace("{notice_id}", str(arguments["notice"].id if arguments.get("notice") else 0)))
    return url + "?years=2023&years=2024&years=2025" if path.endswith("/approved-values") else url


def test_every_list_endpoint_has_a_scope_rule():
    """No list endpoint without a rule (a new one fails here), and no rule for an endpoint that is gone."""
    assert set(list_operations()) == set(RULES)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_list_endpoints_return_only_the_roles_scope():
    program = Program.objects.select_related("region", "framework").get(name="秦川市创建国家生态文明建设示范市")
    client = Client()
    returned: dict[str, int] = dict.fromkeys(RULES, 0)
    leaks: list[str] = []
    reads, paths = Reads(program), list_operations()
    for username in ROLES:
        user = User.objects.get(username=username)
        client.force_login(user)
        arguments = _arguments(user, program)
        for path in paths:
            response = client.get(_url(path, arguments))
            assert response.status_code in (200, 403), (username, path, response.status_code)
            if response.status_code == 403:
                continue
            rows = response.json()
            returned[path] += len(rows)
            leaks += [f"{username} {path} {row}" for row in rows
                      if not RULES[path](Asked(user, program, arguments["department"], row, reads))]
    assert not leaks, f"{len(leaks)} rows outside the role's scope, e.g. {leaks[:3]}"
    assert {path for path, count in returned.items() if not count} == EMPTY_IN_DEMO


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_county_office_reads_only_its_county_and_a_reporter_only_its_units_indicators():
    """The two cases of the issue, by count: the approved values of the county and of the unit's indicators."""
    program = Program.objects.get(name="秦川市创建国家生态文明建设示范市")
    client = Client()
    url = f"/api/programs/{program.id}/approved-values?years=2024"
    county = User.objects.get(username="county")
    client.force_login(county)
    rows = client.get(url).json()
    assert rows and {row["region_id"] for row in rows} == {county.duties[0].region.id}
    other = Region.objects.filter(level=RegionLevel.COUNTY, parent=program.region).exclude(
        pk=county.duties[0].region.id).first()
    assert client.get(f"{url}&region_ids={other.id}").status_code == 403
    reporter = User.objects.get(username="reporter")
    client.force_login(reporter)
    rows = client.get(url).json()
    units = set(program.responsibilities.filter(department=reporter.duties[0].department)
                .values_list("indicator_id", flat=True))
    assert rows and {row["indicator_id"] for row in rows} <= units


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_another_citys_office_gets_nothing_of_the_demo_city():
    program = Program.objects.select_related("region", "framework").get(name="秦川市创建国家生态文明建设示范市")
    elsewhere = Region.objects.create(code="639900", name="别市", level=RegionLevel.CITY,
                                      parent=program.region.parent)
    outsider = make_user("elsewhere", Role.OFFICE_ADMIN, region=elsewhere)
    client = Client()
    client.force_login(outsider)
    arguments = {"program": program, "round": program.reporting_rounds.first(),
                 "department": Department.objects.filter(region=program.region).first(),
                 "run": _published_run(program)}
    reads = Reads(program)
    for path in list_operations():
        response = client.get(_url(path, arguments))
        if "{program_id}" in path:
            assert response.status_code in (403, 404), path
        elif response.status_code == 200:
            assert all(RULES[path](Asked(outsider, program, arguments["department"], row, reads))
                       for row in response.json()), path
    regions = client.get("/api/regions").json()
    assert {row["id"] for row in regions} == {elsewhere.id}
    assert client.get("/api/programs").json() == []
