"""Parsing users' files (xlsx, csv) into typed records and row-level errors. No ORM, no Django models."""
