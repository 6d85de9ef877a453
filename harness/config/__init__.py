"""Scenario and configuration loading: TOML with `extends`, `--set` overrides, and
typed access whose every error names the file, the key path, the expected and the found."""

from harness.config.table import ConfigTable, load_toml, parse_override

__all__ = ["ConfigTable", "load_toml", "parse_override"]
