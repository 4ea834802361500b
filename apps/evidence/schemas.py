"""The API's shape of an evidence file wherever a record lists its basis (task progress, score entries, objections)."""

from __future__ import annotations

from ninja import Field, Schema


class EvidenceFileOut(Schema):
    id: int
    name: str = Field(alias="original_name")
    url: str = Field(alias="download_url")  # the one permission-checked download
