"""Vectorised (polars) versions of the air computations, exact like the scalar path.

Pipeline: hourly station frame → :func:`daily_station_frame` → :func:`city_daily_frame` →
:func:`daily_aqi_frame` (stations or cities) → :func:`annual_city_statistics`.

How exactness is kept (no float enters a rounding or a ceiling):

* every concentration column is turned into **integers scaled by 10^s**: integer columns as they are
  (``s = 0``), ``Decimal`` columns by their scale, ``Float64`` columns with ``s = 3`` after checking on
  each distinct value's IEEE-754 bits that the double is the one nearest to ``round(x·1000)/1000`` —
  i.e. that its shortest decimal representation (the one the scalar path reads) has at most 3
  decimals; otherwise ``ValueError`` (cast such data to ``Decimal`` first);
* a mean is kept as the pair (integer sum, count) and rounded half-to-even (GB/T 8170) with integer
  floor division and remainder; an IAQI is ``IAQI_Lo + ceil((IAQI_Hi − IAQI_Lo)·(C − BP_Lo) /
  (BP_Hi − BP_Lo))`` in integers (the Table 1 breakpoints are integers), so the ceiling is exact;
* IAQI for integer and 1-decimal data is gathered from a table of 式1 evaluated exactly at every
  scaled concentration up to the top breakpoint; O3 8-hour windows are compared through the exact
  integer ``sum·168/n`` (168 = lcm(6, 7, 8)) and only the largest is rounded;
* the HJ 663 percentile has ``k − s = ((n − 1)·p mod 100)/100`` for integer ``p``, so it is an integer
  divided by ``100·10^s``;
* reported concentrations leave as polars ``Decimal`` columns with the reporting scale (0, CO 1).

The results equal the scalar functions of :mod:`calc.air.aqi` and :mod:`calc.air.assessment`; the
property tests in ``tests/calc/air/test_bulk.py`` compare them on random data.
"""

from calc.air.bulk._common import DAILY_ITEMS, POLLUTANTS
from calc.air.bulk.annual import annual_city_statistics, decline_frame
from calc.air.bulk.aqi import daily_aqi_frame
from calc.air.bulk.hourly import city_daily_frame, daily_station_frame

__all__ = [
    "DAILY_ITEMS",
    "POLLUTANTS",
    "annual_city_statistics",
    "city_daily_frame",
    "daily_aqi_frame",
    "daily_station_frame",
    "decline_frame",
]
