"""The campaign store: ``DIR/campaign.sqlite`` (stdlib sqlite3, WAL), the truth of what is done.

Written only by the coordinating process, one transaction per result, so a kill -9 at
any moment leaves every finished run recorded and every other run ``pending``; resume
runs what is not finished. Tables: ``campaign`` (one row: the campaign file's text,
path and hash, the resolved base scenario), ``runs`` (one row per run id, inserted
``pending`` up front), ``searches`` (boundary-search brackets).

One thing, ~350 lines: every SQL statement of the store is here, so the schema and the
queries that depend on it change together.
"""

from __future__ import annotations

import difflib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from harness import dirlock
from harness.errors import HarnessError

STORE_NAME = "campaign.sqlite"
STATUSES = ("pending", "done", "error", "timeout")
#: the columns a run's record fills in (besides run_id, params, profile, seed, sample)
RESULT_COLUMNS = (
    "status",
    "verdict",
    "causes",
    "touchdown_vz_mps",
    "touchdown_vx_mps",
    "propellant_kg",
    "lrf_first_valid_alt_m",
    "telemetry_sha256",
    "wall_s",
    "error",
    "attempts",
    "summary",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS campaign (
    id INTEGER PRIMARY KEY CHECK (id = 0),
    name TEXT NOT NULL,
    file_path TEXT NOT NULL,
    file_text TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    base_scenario TEXT NOT NULL,
    run_count INTEGER NOT NULL,
    created_utc TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    params TEXT NOT NULL,
    profile TEXT NOT NULL,
    seed INTEGER NOT NULL,
    sample INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'done', 'error', 'timeout')),
    verdict TEXT,
    causes TEXT,
    touchdown_vz_mps REAL,
    touchdown_vx_mps REAL,
    propellant_kg REAL,
    lrf_first_valid_alt_m REAL,
    telemetry_sha256 TEXT,
    wall_s REAL,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    summary TEXT
);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
CREATE TABLE IF NOT EXISTS searches (
    profile TEXT PRIMARY KEY,
    key TEXT NOT NULL,
    predicate TEXT NOT NULL,
    low REAL,
    high REAL,
    critical REAL,
    passes_above INTEGER,
    repeats INTEGER NOT NULL,
    note TEXT
);
"""


@dataclass(frozen=True)
class RunRecord:
    """What the store keeps of one finished run (small: a worker sends this back)."""

    run_id: int
    status: str
    verdict: str | None = None
    causes: tuple[str, ...] = ()
    touchdown_vz_mps: float | None = None
    touchdown_vx_mps: float | None = None
    propellant_kg: float | None = None
    lrf_first_valid_alt_m: float | None = None
    telemetry_sha256: str | None = None
    wall_s: float | None = None
    error: str | None = None
    attempts: int = 1
    #: compact result: end_reason, touchdown, metrics, faults-applied counts, link counters
    summary: dict[str, Any] | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> RunRecord:
        """A finished run read back from the store's ``runs`` table."""
        return cls(
            run_id=int(row["run_id"]),
            status=row["status"],
            verdict=row["verdict"],
            causes=tuple(json.loads(row["causes"] or "[]")),
            touchdown_vz_mps=row["touchdown_vz_mps"],
            touchdown_vx_mps=row["touchdown_vx_mps"],
            propellant_kg=row["propellant_kg"],
            lrf_first_valid_alt_m=row["lrf_first_valid_alt_m"],
            telemetry_sha256=row["telemetry_sha256"],
            wall_s=row["wall_s"],
            error=row["error"],
            attempts=int(row["attempts"]),
            summary=None if row["summary"] is None else json.loads(row["summary"]),
        )

    def row(self) -> tuple[Any, ...]:
        return (
            self.status,
            self.verdict,
            json.dumps(list(self.causes)),
            self.touchdown_vz_mps,
            self.touchdown_vx_mps,
            self.propellant_kg,
            self.lrf_first_valid_alt_m,
            self.telemetry_sha256,
            self.wall_s,
            self.error,
            self.attempts,
            None if self.summary is None else json.dumps(self.summary, separators=(",", ":")),
        )


class Store:
    """The SQLite store of one campaign directory."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)  # explicit transactions
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable past a kill -9
        self.db.executescript(SCHEMA)

    @classmethod
    def open(cls, directory: Path) -> Store:
        path = directory / STORE_NAME
        if not path.is_file():
            raise HarnessError(f"{directory}: no {STORE_NAME} here (not a campaign directory)")
        return cls(path)

    def close(self) -> None:
        self.db.close()

    def header(self) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute("SELECT * FROM campaign").fetchone()
        return row

    def create(
        self,
        *,
        name: str,
        file_path: str,
        file_text: str,
        file_sha256: str,
        base_scenario: str,
        run_count: int,
        runs: Iterable[tuple[int, str, str, int, int]],
    ) -> None:
        """Write the header and every run as pending, in one transaction."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO campaign (id, name, file_path, file_text, file_sha256,"
                " base_scenario, run_count) VALUES (0, ?, ?, ?, ?, ?, ?)",
                (name, file_path, file_text, file_sha256, base_scenario, run_count),
            )
            self.db.executemany(
                "INSERT INTO runs (run_id, params, profile, seed, sample) VALUES (?, ?, ?, ?, ?)",
                runs,
            )

    def add_pending(self, runs: Iterable[tuple[int, str, str, int, int]]) -> None:
        """Insert runs not there yet (a search adds them step by step)."""
        with self.transaction():
            self.db.executemany(
                "INSERT OR IGNORE INTO runs (run_id, params, profile, seed, sample)"
                " VALUES (?, ?, ?, ?, ?)",
                runs,
            )

    def record(self, rec: RunRecord) -> None:
        """One finished run, in its own transaction (durable before the next starts)."""
        sets = ", ".join(f"{c} = ?" for c in RESULT_COLUMNS)
        with self.transaction():
            cur = self.db.execute(
                f"UPDATE runs SET {sets} WHERE run_id = ? AND status = 'pending'",
                (*rec.row(), rec.run_id),
            )
            if cur.rowcount != 1:
                raise HarnessError(
                    f"{self.path}: run {rec.run_id} is not pending (recorded twice?)"
                )

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def pending_ids(self) -> Iterator[int]:
        """Pending run ids in order, streamed (a 10,000-run campaign is not held in memory)."""
        last = -1
        while True:
            rows = self.db.execute(
                "SELECT run_id FROM runs WHERE status = 'pending' AND run_id > ?"
                " ORDER BY run_id LIMIT 512",
                (last,),
            ).fetchall()
            if not rows:
                return
            for r in rows:
                yield int(r[0])
            last = int(rows[-1][0])

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT status, COUNT(*) FROM runs GROUP BY status").fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def verdict_counts(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT COALESCE(verdict, status), COUNT(*) FROM runs WHERE status != 'pending'"
            " GROUP BY 1"
        ).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def run(self, run_id: int) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.db.execute(
            "SELECT * FROM runs WHERE run_id = ?", (run_id,)
        ).fetchone()
        return row

    def rows(self, where: str = "1", args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return self.db.execute(f"SELECT * FROM runs WHERE {where} ORDER BY run_id", args).fetchall()

    def save_search(self, row: dict[str, Any]) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self.transaction():
            self.db.execute(
                f"INSERT OR REPLACE INTO searches ({cols}) VALUES ({marks})", tuple(row.values())
            )

    def searches(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM searches ORDER BY profile").fetchall()


class Study(Protocol):
    """What a store's header records of the file that started it (a campaign, a hunt)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def text(self) -> str: ...
    @property
    def sha256(self) -> str: ...
    @property
    def base_json(self) -> str: ...
    @property
    def scenario_path(self) -> Path: ...


S = TypeVar("S", bound=Study)


def new_store(
    directory: Path,
    study: Study,
    what: str,
    run_count: int = 0,
    runs: Iterable[tuple[int, str, str, int, int]] = (),
) -> Store:
    """A new store in ``directory`` for ``study`` (``what``: "campaign", "hunt"), its runs
    inserted pending; refuses a directory that already holds one, or anything else (a
    run's files), and a path it cannot make into a directory -- each a located error."""
    if directory.exists() and not directory.is_dir():
        raise HarnessError(f"{directory}: expected a directory for the {what}, found a file")
    if directory.is_dir() and not (directory / STORE_NAME).exists():
        others = sorted(p.name for p in directory.iterdir() if p.name != dirlock.LOCK_NAME)
        if others:
            raise HarnessError(
                f"{directory}: not empty ({len(others)} entries, e.g. {others[0]}) and no"
                f" {what} stored here; choose another --out"
            )
    try:
        directory.mkdir(parents=True, exist_ok=True)
        store = Store(directory / STORE_NAME)
    except (OSError, sqlite3.Error) as exc:
        why = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise HarnessError(f"{directory}: cannot create the {what} store: {why}") from None
    if store.header() is not None:  # (a store killed while being created has none)
        store.close()
        raise HarnessError(
            f"{directory}: a {what} is already stored here;"
            f" resume it with `lunar-hil {what} resume {directory}` or choose another --out"
        )
    store.create(
        name=study.name,
        file_path=str(study.path.resolve()),
        file_text=study.text,
        file_sha256=study.sha256,
        base_scenario=study.base_json,
        run_count=run_count,
        runs=runs,
    )
    return store


def _diff(old: str, new: str, a: str, b: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), a, b, lineterm="", n=1)
    return "\n".join(list(lines)[:60])


def reopen_store(directory: Path, parse: Callable[[str, Path], S], what: str) -> tuple[S, Store]:
    """The stored study, parsed again from its stored text; refuses one whose file or
    base scenario changed since it started (with the diff)."""
    store = Store.open(directory)
    head = store.header()
    if head is None:
        raise HarnessError(f"{directory / STORE_NAME}: no {what} header (not created fully)")
    path = Path(head["file_path"])
    stored_text = str(head["file_text"])
    if path.is_file() and path.read_text() != stored_text:
        raise HarnessError(
            f"{path} changed since the {what} in {directory} started; refusing to resume"
            f" (start a new {what} with another --out, or restore the file):\n"
            + _diff(stored_text, path.read_text(), "stored", str(path))
        )
    study = parse(stored_text, path)
    if study.base_json != head["base_scenario"]:
        raise HarnessError(
            f"the base scenario {study.scenario_path} (or a file it extends) changed since"
            f" the {what} in {directory} started; refusing to resume:\n"
            + _diff(head["base_scenario"], study.base_json, "stored", "now")
        )
    return study, store


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
