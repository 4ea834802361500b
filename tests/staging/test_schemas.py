"""The one staged-import answer (every list kind) reads the staged import and the preview's dataclasses."""

from __future__ import annotations

import pytest

from apps.core.schemas import RowErrorOut
from apps.staging import schemas
from apps.staging.diff import FieldChange, RowChange
from apps.staging.models import StagedImport
from docimport.errors import RowError
from tests.schema_reads import attribute_names, unresolved_fields

READS = {
    schemas.StagedImportOut: StagedImport,
    schemas.RowChangeOut: RowChange,
    schemas.FieldChangeOut: FieldChange,
    RowErrorOut: RowError,
}


@pytest.mark.parametrize("schema", list(READS), ids=lambda s: s.__name__)
def test_schema_fields_come_from_what_it_reads(schema: type) -> None:
    assert unresolved_fields(schema) <= attribute_names(READS[schema])
