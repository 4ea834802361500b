"""Parsing users' files (xlsx, csv) into typed records and row errors (``errors.RowError``). No Django, nothing from apps/."""
