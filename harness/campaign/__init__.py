"""Campaigns: thousands of dispersed runs from one TOML file, on a process pool or Dask,
stored in SQLite, resumable, reported (``lunar-hil campaign``; docs/design.md "Campaigns")."""
