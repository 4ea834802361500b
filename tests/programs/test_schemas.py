"""The programs API's schemas read the models and the selectors' frozen dataclasses, never a dict built in api.py."""

from __future__ import annotations

import pytest

from apps.core.schemas import RowErrorOut
from apps.programs import schemas, selectors
from apps.programs.models import AssignedTarget
from docimport.errors import RowError
from tests.schema_reads import schema_tests

# schema → what it reads (by attribute); a field with a resolver is shaped by the schema itself.
READS = {
    schemas.TargetOut: selectors.TargetRow,
    schemas.AssignedOut: AssignedTarget,
    schemas.ResponsibilityOut: selectors.ResponsibilityRow,
    schemas.DepartmentDutyOut: selectors.DepartmentDuty,
    RowErrorOut: RowError,
}

FROZEN = (selectors.TargetRow, selectors.ResponsibilityRow, selectors.DepartmentDuty, selectors.ResolvedTarget)

test_schema_fields_come_from_what_it_reads, test_dataclasses_are_frozen = schema_tests(READS, FROZEN)


@pytest.mark.django_db
def test_targets_answer_with_the_schema_fields(client_for, world) -> None:
    client = client_for(world.users.office)
    targets = client.get(f"/api/programs/{world.program.id}/targets").json()
    assert targets and set(targets[0]) == set(schemas.TargetOut.model_fields)
    assert all(t["expression"] is None or isinstance(t["expression"], str) for t in targets)
