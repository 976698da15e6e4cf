"""Dialogue data: the YAML formats, their loading and their checks (no engine imports)."""
