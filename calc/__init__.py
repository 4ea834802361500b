"""Pure computation for ecociv: standards, attainment, reachability, scoring.

Nothing under this package may import Django (``tests/architecture/`` enforces it).
Functions take plain values, ``Decimal`` or polars frames and return results that explain themselves.
"""
