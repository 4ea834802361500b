"""Surface water quality: GB 3838-2002 classes and the 2011 evaluation method (环办〔2011〕22号).

Scalar functions are exact; :func:`classify_samples_frame` and :func:`section_classes_frame` give the
same classes on polars frames. No Django here.
"""

from calc.water.bulk import classify_samples_frame, section_classes_frame
from calc.water.quality import (
    ITEMS,
    REFERENCE_ITEMS,
    SECTION_ITEMS,
    SECTION_MIN_FOR_SHARES,
    WATERBODIES,
    WATERBODY_LAKE,
    WATERBODY_RIVER,
    AttainmentShare,
    ClassShares,
    ParameterClass,
    RiverGradeResult,
    SectionClassResult,
    WaterClass,
    assess_river,
    class_shares,
    classify_parameter,
    classify_section,
    drinking_water_attainment,
    exceedance_multiple,
    mean_values,
    river_grade,
    section_colour,
    section_grade,
    table,
)

__all__ = [
    "ITEMS",
    "REFERENCE_ITEMS",
    "SECTION_ITEMS",
    "SECTION_MIN_FOR_SHARES",
    "WATERBODIES",
    "WATERBODY_LAKE",
    "WATERBODY_RIVER",
    "AttainmentShare",
    "ClassShares",
    "ParameterClass",
    "RiverGradeResult",
    "SectionClassResult",
    "WaterClass",
    "assess_river",
    "class_shares",
    "classify_parameter",
    "classify_samples_frame",
    "classify_section",
    "drinking_water_attainment",
    "exceedance_multiple",
    "mean_values",
    "river_grade",
    "section_classes_frame",
    "section_colour",
    "section_grade",
    "table",
]
