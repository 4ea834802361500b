"""The Django admin is scoped to the office administrator's region (issue #11.6).

Every registered ``ModelAdmin`` is walked (``admin.site._registry``, so a new admin is covered without being
named here) as the office administrator of 甲市, who is not a superuser: its list shows no row placed outside
甲市, the change, delete and history pages of 乙市's rows answer 403 or 404, and the choices of its add form (and
of its inlines) offer nothing outside 甲市. Where a row stands is worked out here from its foreign keys, not
asked of the admin code under test. A superuser still reaches everything; setting a password and deleting are
for superusers only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib import admin
from django.db import models
from django.forms import ModelChoiceField
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.geo.models import Region
from apps.indicators.models import Framework, Indicator
from apps.programs.models import (
    AssignedTarget,
    Milestone,
    Phase,
    RegionGoal,
    Responsibility,
    ResponsibilityRole,
    TargetEdit,
    TargetOverride,
)
from apps.scoring.models import ManualScore, OfficeFact, ScoreRun
from apps.scoring.services import schemes_load
from tests.conftest import make_user

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


def places(obj: models.Model) -> list[Region]:
    """The regions a row belongs to: a region itself, a user's duties, else its program, phase or region."""
    if isinstance(obj, Region):
        return [obj]
    if isinstance(obj, User):
        return [a.department.region if a.department_id else a.region for a in obj.assignments.all()]
    for attr in ("program", "phase", "region"):
        if f"{attr}_id" in {f.attname for f in obj._meta.concrete_fields}:
            related = getattr(obj, attr)
            return places(related) if related is not None else []
    return []  # national data (frameworks, national indicators) or machinery without a place


def outside(obj: models.Model, city: Region) -> bool:
    return any(not region.path.startswith(city.path) for region in places(obj))


def _program_rows(program: Any, region: Region, unit: Any, actor: User, code: str) -> list[models.Model]:
    national = Indicator.objects.get(framework__code="national-2019", code="2019-07a")
    phase = Phase.objects.create(program=program, name="创建阶段", start=dt.date(2024, 1, 1), end=dt.date(2025, 12, 31))
    local = Indicator.objects.create(framework=Framework.objects.get(code="national-2019"), program=program,
                                     code=code, number=99, name="地方特色指标", domain="生态制度", task="地方")
    revision = {"program": program, "indicator": national, "reason": "测试", "created_by": actor}
    return [
        phase,
        Milestone.objects.create(phase=phase, title="节点", due=dt.date(2024, 6, 30)),
        RegionGoal.objects.create(program=program, region=region, target_year=2025),
        Responsibility.objects.create(program=program, indicator=national, department=unit,
                                      role=ResponsibilityRole.LEAD),
        TargetEdit.objects.create(level="city", target=">=90", **revision),
        TargetOverride.objects.create(region=region, target=">=90", **revision),
        AssignedTarget.objects.create(region=region, year=2024, value=Decimal("1"), **revision),
        local,
        *_scoring_rows(program, unit, actor),
    ]


def _scoring_rows(program: Any, unit: Any, actor: User) -> list[models.Model]:
    scheme = schemes_load(program=program)[0]
    return [
        scheme,
        ScoreRun.objects.create(program=program, scheme=scheme, scheme_code=scheme.code, scheme_version=1,
                                period="2025", code_version="x", inputs=b"", inputs_sha256="0" * 64),
        OfficeFact.objects.create(program=program, department=unit, period="2025", key="k", value=1, reason="r",
                                  created_by=actor),
        ManualScore.objects.create(program=program, scheme_code=scheme.code, department=unit, period="2025",
                                   item="C1", points=1, reason="r", created_by=actor),
    ]


@pytest.fixture
def cities(world: SimpleNamespace) -> SimpleNamespace:
    """Rows of every admin's model in both cities; ``theirs`` are 乙市's (and the province's)."""
    root = User.objects.create_superuser("root", password="pw")
    other_county = Region.objects.create(code="990221", name="乙县", level="county", parent=world.other_city)
    ours = _program_rows(world.program, world.counties["hill"], world.units["市生态环境局"], root, "L-甲")
    theirs = _program_rows(world.other_program, other_county, world.other_unit, root, "L-乙")
    theirs += [world.other_city, other_county, world.other_unit, world.other_program, world.province,
               world.users.outsider, make_user("province", Role.OFFICE_ADMIN, region=world.province)]
    return SimpleNamespace(root=root, ours=ours, theirs=theirs, office=world.users.office, city=world.city)


def _url(model: type[models.Model], view: str, *args: object) -> str:
    if view == "password_change":  # the auth admin names this URL after auth.User, whatever the user model
        return reverse("admin:auth_user_password_change", args=args)
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _choice_fields(response: Any) -> list[ModelChoiceField]:
    """The choice fields of an add form and of its inlines' blank forms (not an inline row's own hidden id, which
    its formset only matches against the parent's rows)."""
    forms = [response.context["adminform"].form]
    forms += [formset.formset.empty_form for formset in response.context["inline_admin_formsets"]]
    return [field for form in forms for name, field in form.fields.items()
            if isinstance(field, ModelChoiceField) and name != form._meta.model._meta.pk.name]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_an_office_reaches_only_its_city_in_every_admin(cities, client_for, model):
    client: Client = client_for(cities.office)
    changelist = client.get(_url(model, "changelist"))
    assert changelist.status_code in (200, 403)
    if changelist.status_code == 200:
        shown = list(changelist.context["cl"].queryset)
        assert not [obj for obj in shown if outside(obj, cities.city)]
    for obj in [o for o in cities.theirs if isinstance(o, model)]:
        for view in ("change", "delete", "history"):
            assert client.get(_url(model, view, obj.pk)).status_code in (403, 404), (view, obj)
        assert client.post(_url(model, "delete", obj.pk), {"post": "yes"}).status_code in (403, 404)
        assert model.objects.filter(pk=obj.pk).exists()
    add = client.get(_url(model, "add"))
    assert add.status_code in (200, 403)
    if add.status_code == 200:
        for field in _choice_fields(add):
            assert not [obj for obj in field.queryset if outside(obj, cities.city)], field.label


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_superuser_still_reaches_every_city(cities, client_for, model):
    """Not vacuous: the rows hidden from the office are there, and a superuser lists them."""
    theirs = [o for o in cities.theirs if isinstance(o, model)]
    changelist = client_for(cities.root).get(_url(model, "changelist"))
    assert changelist.status_code == 200
    assert set(theirs) <= set(changelist.context["cl"].queryset)


def test_the_fixture_places_rows_of_every_scoped_admin_in_the_other_city(cities):
    office_models = {type(o) for o in cities.theirs}
    scoped = {m for m, a in admin.site._registry.items() if getattr(a, "scope", "global") != "global"}
    assert scoped <= office_models | {Indicator}
    assert any(isinstance(o, Indicator) for o in cities.theirs)


def test_setting_a_password_and_deleting_are_for_superusers(cities, client_for):
    colleague = make_user("colleague", Role.LEADER, region=cities.city)
    office = client_for(cities.office)
    assert office.get(_url(User, "change", colleague.pk)).status_code == 200
    assert office.get(_url(User, "password_change", colleague.pk)).status_code == 403
    assert office.post(_url(User, "password_change", colleague.pk),
                       {"password1": "x-Secret-123", "password2": "x-Secret-123"}).status_code == 403
    assert office.post(_url(User, "delete", colleague.pk), {"post": "yes"}).status_code == 403
    colleague.refresh_from_db()
    assert colleague.check_password("pw")
    root = client_for(cities.root)
    assert root.get(_url(User, "password_change", colleague.pk)).status_code == 200


def test_an_office_cannot_grant_a_duty_above_its_own_region(cities, client_for):
    """The province is not among the region choices of a new duty, so an office cannot make a province office."""
    add = client_for(cities.office).get(_url(User, "add"))
    regions = {r for field in _choice_fields(add) if field.queryset.model is Region for r in field.queryset}
    assert cities.city in regions and not [r for r in regions if outside(r, cities.city)]
