"""The reporting API's import, approval and approved-value answers are read by attribute, not built as dicts."""

from __future__ import annotations

import pytest

from apps.reporting import schemas, selectors, services
from apps.staging.models import StagedImport
from tests.schema_reads import attribute_names, unresolved_fields

# schema → what it reads (by attribute); a field with a resolver is shaped by the schema itself.
READS = {
    schemas.ValuesImportOut: StagedImport,
    schemas.ApprovedOut: selectors.ApprovedPoint,
    schemas.BulkApproveOut: services.BulkResult,
    schemas.ApprovalFailureOut: services.ApprovalFailure,
}


@pytest.mark.parametrize("schema", list(READS), ids=lambda s: s.__name__)
def test_schema_fields_come_from_what_it_reads(schema: type) -> None:
    assert unresolved_fields(schema) <= attribute_names(READS[schema])


def test_dataclasses_are_frozen() -> None:
    for cls in (selectors.ApprovedPoint, selectors.ApprovedValue, services.BulkResult, services.ApprovalFailure):
        assert cls.__dataclass_params__.frozen, cls.__name__


def test_a_bulk_failure_answers_with_id_and_reason() -> None:
    result = services.BulkResult(approved=[1], failed=[services.ApprovalFailure(2, "不存在")])
    assert schemas.BulkApproveOut.from_orm(result).dict() == {"approved": [1], "failed": [{"id": 2, "reason": "不存在"}],
                                                                 "overridden": []}
