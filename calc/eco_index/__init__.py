"""Ecological index EI after HJ 192-2015 (生态环境状况评价技术规范).

Coefficients are configuration (``data/hj192_coefficients.csv`` with a ``confirmed`` flag), overridable
with ``coefficients=``. No Django here.
"""

from calc.eco_index.index import (
    COMPONENT_NAMES,
    LAND_USE,
    RESTRICTION_DOWNGRADE,
    RESTRICTION_NONE,
    RESTRICTION_NOT_GOOD_AND_DOWNGRADE,
    RESTRICTIONS,
    ChangeGrade,
    Coefficient,
    ComponentIndex,
    EcoIndexResult,
    biological_abundance,
    change_grade,
    coefficients,
    default_coefficients,
    eco_index,
    ei_change,
    ei_grade,
    habitat_quality,
    land_stress,
    pollution_load,
    vegetation_cover,
    water_network_density,
)

__all__ = [
    "COMPONENT_NAMES",
    "LAND_USE",
    "RESTRICTIONS",
    "RESTRICTION_DOWNGRADE",
    "RESTRICTION_NONE",
    "RESTRICTION_NOT_GOOD_AND_DOWNGRADE",
    "ChangeGrade",
    "Coefficient",
    "ComponentIndex",
    "EcoIndexResult",
    "biological_abundance",
    "change_grade",
    "coefficients",
    "default_coefficients",
    "eco_index",
    "ei_change",
    "ei_grade",
    "habitat_quality",
    "land_stress",
    "pollution_load",
    "vegetation_cover",
    "water_network_density",
]
