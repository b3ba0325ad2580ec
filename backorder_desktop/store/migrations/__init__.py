"""Numbered schema steps, applied in order by store.schema (one transaction each)."""
