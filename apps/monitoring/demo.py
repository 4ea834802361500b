"""Demo data of this app: 秦川市's stations and sections, and monitoring years computed through the real
import path (the same service the page and the command use): air and water 2023 (the base year) and 2025,
land use 2024–2025. 2023 values are approved in the reporting demo, so those writes show as skipped.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.uploads import CheckedUpload

from . import samples, services
from .models import ImportBatch
from .uploads import check_monitoring_upload

AREAS = {"629800": 9800.0, "629802": 620.0, "629803": 710.0, "629821": 1850.0, "629822": 1630.0,
         "629823": 2240.0, "629824": 1410.0}


def _checked(name: str, frame, fmt: str = "csv") -> CheckedUpload:  # noqa: ANN001
    return check_monitoring_upload(SimpleUploadedFile(f"{name}.{fmt}", samples.to_bytes(frame, fmt)))


def build(context) -> None:  # noqa: ANN001
    program, office = context.program, context.users["office"]
    if ImportBatch.objects.filter(program=program).exists():
        return  # already built (load_demo is safe to run again)
    station_codes = [code for code, *_ in samples.DEMO_STATIONS]
    steps = [
        ("stations", _checked("空气监测站点", samples.stations_frame()), {}),
        ("sections", _checked("地表水监测断面", samples.sections_frame(), "xlsx"), {}),
        ("air", _checked("空气小时数据2023", samples.air_frame(station_codes, dt.date(2023, 1, 1), 365, seed=2023,
                                                              level=1.12), "parquet"), {}),
        ("air", _checked("空气小时数据2025", samples.air_frame(station_codes, dt.date(2025, 1, 1), 365, seed=2025),
                         "parquet"), {}),
        ("water", _checked("地表水月度监测2023", samples.water_frame(samples.DEMO_SECTIONS, 2023, shift=1)), {}),
        ("water", _checked("地表水月度监测2025", samples.water_frame(samples.DEMO_SECTIONS, 2025)), {}),
        ("landuse", _checked("生态环境状况指数基础数据", samples.landuse_frame(list(AREAS.items()), (2024, 2025)),
                             "xlsx"), {}),
    ]
    for kind, checked, options in steps:
        services.monitoring_import(program=program, actor=office, kind=kind, checked=checked, options=options)
