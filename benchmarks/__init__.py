"""Performance benchmarks (docs/design.md budgets), run with ``python -m benchmarks [name ...]``.

Each ``bench_<name>.py`` module defines ``main() -> None`` that prints its figures.
Benchmarks measure; they do not assert -- the budgets are checked by reading the output.
"""
