"""The models' names in the plural (``apps.core.apps.name_plural_as_singular``): Chinese has no plural."""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps

from apps.core.apps import name_plural_as_singular


def test_every_project_model_is_called_the_same_in_the_plural() -> None:
    named = [m for m in apps.get_models() if m.__module__.startswith("apps.")]
    assert len(named) > 50
    for model in named:
        assert str(model._meta.verbose_name_plural) == str(model._meta.verbose_name), model._meta.label
        assert model._meta.original_attrs["verbose_name_plural"] == model._meta.verbose_name, (
            model._meta.label
        )


def test_a_stated_plural_or_an_unnamed_model_is_left_alone() -> None:
    stated = SimpleNamespace(
        _meta=SimpleNamespace(
            verbose_name_plural="各单位",
            original_attrs={"verbose_name": "单位", "verbose_name_plural": "各单位"},
        )
    )
    unnamed = SimpleNamespace(_meta=SimpleNamespace(verbose_name_plural="units", original_attrs={}))
    name_plural_as_singular(stated)  # type: ignore[arg-type]
    name_plural_as_singular(unnamed)  # type: ignore[arg-type]
    assert stated._meta.verbose_name_plural == "各单位"
    assert unnamed._meta.verbose_name_plural == "units"
    assert unnamed._meta.original_attrs == {}
