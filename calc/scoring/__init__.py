"""Assessment scoring (考核评分) without Django: schemes as data, one vectorised engine, traces that explain.

* :mod:`calc.scoring.scheme`: the frozen scheme classes (sections, items, rules, grade bands, adjustments);
* :mod:`calc.scoring.schemefile`: TOML ⇄ scheme, validated, with problems named in Chinese;
* :mod:`calc.scoring.engine`: :func:`score` — subjects × items × periods in polars, exact decimals;
* :mod:`calc.scoring.text`: the Chinese sentence of one trace row.

The format, the engine's input and output and the rounding and tie rules are in ``docs/scoring.md``.
"""
