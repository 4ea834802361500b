from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .framework_files import FrameworkRecord
from .models import Framework, Indicator, IndicatorTarget


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def framework_load(*, record: FrameworkRecord) -> LoadResult:
    """Create or update a framework and its indicators from a checked file record (idempotent)."""
    framework, _ = Framework.objects.update_or_create(
        code=record.code,
        defaults={
            "title": record.title,
            "short_title": record.short_title,
            "document": record.document,
            "issuer": record.issuer,
            "issued_on": record.issued_on,
            "levels": list(record.levels),
            "partial": record.partial,
            "note": record.note,
            "source_sha256": record.sha256,
        },
    )
    existing = {i.code: i for i in Indicator.objects.filter(framework=framework, program__isnull=True)
                .prefetch_related("targets")}
    created = updated = unchanged = 0
    by_code: dict[str, Indicator] = {}
    stale_targets: list[int] = []
    new_targets: list[IndicatorTarget] = []
    for order, item in enumerate(record.indicators, start=1):
        values = {
            "parent": by_code.get(item.parent_code) if item.parent_code else None,
            "number": item.number,
            "name": item.name,
            "domain": item.domain,
            "task": item.task,
            "unit": item.unit,
            "direction": item.direction,
            "binding": item.binding,
            "scope_levels": list(item.scope),
            "coastal_only": item.coastal_only,
            "where_applicable": item.where_applicable,
            "evidence_checklist": list(item.evidence),
            "evidence_optional": list(item.evidence_optional),
            "meta": dict(item.meta),
            "order": order * 10,
        }
        indicator = existing.get(item.code)
        if indicator is None:
            indicator = Indicator.objects.create(framework=framework, code=item.code, **values)
            new_targets += _target_rows(indicator, item.targets)
            created += 1
        else:
            changed = [k for k, v in values.items() if getattr(indicator, k) != v]
            if changed:
                for key in changed:
                    setattr(indicator, key, values[key])
                indicator.save(update_fields=changed)
            targets_changed = indicator.target_texts != item.targets
            if targets_changed:
                stale_targets.append(indicator.id)
                new_targets += _target_rows(indicator, item.targets)
            if changed or targets_changed:
                updated += 1
            else:
                unchanged += 1
        by_code[item.code] = indicator
    IndicatorTarget.objects.filter(indicator_id__in=stale_targets).delete()
    IndicatorTarget.objects.bulk_create(new_targets)
    return LoadResult(framework, created, updated, unchanged)


def _target_rows(indicator: Indicator, targets: dict[str, str]) -> list[IndicatorTarget]:
    return [IndicatorTarget(indicator=indicator, level=level, expression=text) for level, text in targets.items()]

