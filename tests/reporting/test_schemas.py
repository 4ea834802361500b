"""The reporting API's import, approval and approved-value answers are read by attribute, not built as dicts."""

from __future__ import annotations

from apps.reporting import schemas, selectors, services
from apps.staging.models import StagedImport
from tests.schema_reads import schema_tests

# schema → what it reads (by attribute); a field with a resolver is shaped by the schema itself.
READS = {
    schemas.ValuesImportOut: StagedImport,
    schemas.ApprovedOut: selectors.ApprovedPoint,
    schemas.BulkApproveOut: services.BulkResult,
    schemas.ApprovalFailureOut: services.ApprovalFailure,
}

FROZEN = (selectors.ApprovedPoint, selectors.ApprovedValue, services.BulkResult, services.ApprovalFailure)

test_schema_fields_come_from_what_it_reads, test_dataclasses_are_frozen = schema_tests(READS, FROZEN)


def test_a_bulk_failure_answers_with_id_and_reason() -> None:
    result = services.BulkResult(approved=[1], failed=[services.ApprovalFailure(2, "不存在")])
    assert schemas.BulkApproveOut.from_orm(result).dict() == {"approved": [1], "failed": [{"id": 2, "reason": "不存在"}],
                                                                 "overridden": []}
