"""ErrorStream.columns (the IMU's per-block walk) hands out exactly what next() would."""

from __future__ import annotations

from harness.sensors.noise import ErrorStream, rng_for


def _stream() -> ErrorStream:
    return ErrorStream(rng_for(3, "test:errors"), 0.01, [1e-3] * 6, [1e-4] * 6, [0.5] * 6)


def test_columns_are_next_rows_transposed_block_after_block() -> None:
    by_row, by_col = _stream(), _stream()
    for _ in range(3):  # several blocks: the bias carries over between them
        cols = by_col.columns()
        rows = [by_row.next() for _ in range(len(cols[0]))]
        assert [list(c) for c in zip(*rows, strict=True)] == cols
