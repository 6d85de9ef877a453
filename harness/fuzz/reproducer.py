"""Reproducers: a failing case as a capture and a pytest file; replaying any capture.

A reproducer capture is an ordinary lunar-hil capture (``lunar-hil decode`` reads it):
each H2F record is one chunk as the fuzzer wrote it, and the records of one write share
a sim time (write index × 50 ms), so a replay knows where the fuzzer waited for answers.
The F2H records are what the FSW answered then. ``replay`` re-sends the H2F chunks in
order and chunking to any FSW -- a capture of ``lunar-hil run`` too, tick by tick --
judges the answers by the same oracles, and says where they differ from the capture's.
"""

from __future__ import annotations

import itertools
import shlex
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness.fswconfig import fsw_toml, write_fsw_toml
from harness.fuzz.driver import EndpointFactory, Exchange, FuzzSettings, Target, play
from harness.fuzz.judge import Violation
from harness.launcher import FswKind, launch
from harness.link.capture import F2H, H2F, CaptureError, CaptureWriter, read_capture
from packets import Deframer

PERIOD_US = 50_000
#: the vehicle the fuzzer's FSW.toml declares (the scenarios' base vehicle)
FUZZ_VEHICLE = {"dry_mass_kg": 340.0, "max_thrust_n": 3000.0, "min_throttle": 0.15, "isp_s": 310.0}


def launcher_factory(
    kind: FswKind,
    *,
    run_dir: Path,
    profile: str = "robust",
    port: str | None = None,
    command: str | None = None,
) -> EndpointFactory:
    """Endpoints of one of the launcher's kinds, with an FSW.toml written in ``run_dir``."""
    run_dir.mkdir(parents=True, exist_ok=True)
    cfg = write_fsw_toml(
        run_dir / "FSW.toml",
        fsw_toml(
            profile=profile,
            period_us=PERIOD_US,
            vehicle=FUZZ_VEHICLE,
            mount_tilt_rad=0.0,
            extra={},
        ),
    )
    return lambda: launch(kind, run_dir=run_dir, fsw_config=cfg, command=command, port=port)


def write_capture(path: Path, exchange: Exchange) -> Path:
    """The case's bytes both ways as a capture (sim time = write index × 50 ms)."""
    w = CaptureWriter(path)
    try:
        for index, direction, data in exchange.records:
            w.record(index * PERIOD_US, direction, data)
    finally:
        w.close()
    return path


def capture_writes(path: Path) -> tuple[list[list[bytes]], bytes]:
    """A capture's H2F chunks grouped into writes (a write: the H2F records of one sim
    time), and its F2H bytes."""
    writes: list[list[bytes]] = []
    f2h = bytearray()
    current: int | None = None
    try:
        records = read_capture(path)
    except OSError as exc:
        raise CaptureError(
            f"{path}: cannot read the capture: {exc.strerror}", path=str(path)
        ) from None
    for r in records:
        if r.direction == H2F:
            if r.sim_us != current:
                writes.append([])
                current = r.sim_us
            writes[-1].append(r.data)
        else:
            f2h += r.data
    return writes, bytes(f2h)


@dataclass
class ReplayResult:
    writes: int
    violation: Violation | None
    answers: list[str] = field(default_factory=list)
    recorded: list[str] = field(default_factory=list)

    def differences(self, limit: int = 8) -> list[str]:
        """Where the FSW's answers now differ from the capture's F2H side, frame by frame."""
        out = []
        for i, (a, b) in enumerate(itertools.zip_longest(self.answers, self.recorded)):
            if a != b:
                out.append(f"frame {i}: now {a or 'nothing'}, captured {b or 'nothing'}")
                if len(out) >= limit:
                    break
        return out


def _names(data: bytes) -> list[str]:
    d = Deframer()
    return [_frame_name(f) for f in [*d.feed(data), *d.flush()]]


def _frame_name(f: object) -> str:
    p = getattr(f, "packet", None)
    key = getattr(p, "tick", getattr(p, "nonce", None))
    return f"{getattr(f, 'name', '?')}({key})" if key is not None else str(getattr(f, "name", "?"))


def replay(
    capture: Path, factory: EndpointFactory, settings: FuzzSettings | None = None
) -> ReplayResult:
    """Re-send ``capture``'s H2F writes to a fresh FSW; judge and compare its answers."""
    writes, recorded = capture_writes(capture)
    target = Target(factory, settings or FuzzSettings())
    ex = Exchange()
    violation: Violation | None = None
    try:
        play(target, writes, ex)
    except Violation as v:
        violation = v
    finally:
        target.close()
    answered = b"".join(d for _, direction, d in ex.records if direction == F2H)
    return ReplayResult(len(writes), violation, _names(answered), _names(recorded))


def write_pytest(path: Path, capture: Path, violation: Violation, run_args: Sequence[str]) -> Path:
    """A pytest file that replays ``capture`` with the FSW the fuzz run attacked."""
    fsw = dict(zip(run_args[::2], run_args[1::2], strict=False))
    kind = fsw.get("--fsw", "memory")
    detail = textwrap.fill(violation.detail, 88, break_long_words=True)
    path.write_text(
        f'''"""Reproducer written by `lunar-hil fuzz`: {violation.oracle} violated.

{detail}

Replays {capture.name} (its H2F bytes, in its chunking) and applies the fuzz oracles;
it fails while the FSW still has the bug. By hand: lunar-hil replay {capture.name} {
            shlex.join(run_args)
        }
"""

from pathlib import Path

from harness.fuzz.reproducer import launcher_factory, replay
from harness.launcher import FswKind

CAPTURE = Path(__file__).with_name({capture.name!r})


def test_fuzz_reproducer_{violation.oracle}(tmp_path: Path) -> None:
    factory = launcher_factory(
        FswKind({kind!r}),
        run_dir=tmp_path,
        profile={fsw.get("--profile", "robust")!r},
        port={fsw.get("--port")!r},
        command={fsw.get("--command")!r},
    )
    result = replay(CAPTURE, factory)
    assert result.violation is None, str(result.violation)
'''
    )
    return path


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="lunar-hil-fuzz-"))
