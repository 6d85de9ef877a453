"""The C FSW on the emulated Cortex-M4F board (QEMU mps2-an386), flown by the harness
over the pty QEMU opens for its UART, to the Python stub's outcomes -- the very checks of
tests/harness/test_scenarios_e2e.py. The three flights run side by side (three QEMU
children): emulated UART bytes cost wall time, not CPU.

The board image is built from each run's FSW.toml (its constants compiled in); the
first flight builds it, the others find it cached by its resolved constants."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.harness import test_scenarios_e2e as e2e

pytestmark = pytest.mark.usefixtures("board_tools")

BOARD = "qemu"


def test_board_image_links_no_heap_and_no_system_calls() -> None:
    """No heap after start -- nor before: neither malloc nor sbrk is in the image."""
    from fsw_stub.config import load_config
    from fsw_stub.firmware.build import FIRMWARE, board_image

    elf = board_image(load_config(FIRMWARE.parent / "FSW.example.toml"))
    nm = shutil.which("arm-none-eabi-nm")
    assert nm is not None
    symbols = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in symbols.splitlines()}
    assert {"reset_handler", "fsw_receive", "dfr_feed"} <= names
    assert not names & {"malloc", "_malloc_r", "_sbrk", "_sbrk_r", "free", "_write", "_read"}


def _nominal(tmp: Path) -> None:
    e2e.test_nominal_is_soft_with_both_profiles(tmp, "robust", BOARD)
    console = (tmp / f"nominal-robust-{BOARD}" / "board_console.log").read_text()
    assert "fsw_board: up" in console and "mean_us" in console  # cycle-time statistics
    # binary32 on the board, float64 in the stub: the same landing, to a few cm/s
    board = json.loads((tmp / f"nominal-robust-{BOARD}" / "result.json").read_text())
    stub = e2e.run(tmp, "nominal", "robust", "memory")
    assert board["touchdown"]["vz_mps"] == pytest.approx(stub["touchdown"]["vz_mps"], abs=0.05)
    assert board["touchdown"]["t_s"] == pytest.approx(stub["touchdown"]["t_s"], abs=0.5)


def _m2_naive(tmp: Path) -> None:
    e2e.test_hakuto_r_m2_naive_meets_its_lrf_late_and_fast_and_crashes(tmp, BOARD)


def _m1_robust(tmp: Path) -> None:
    e2e.test_hakuto_r_m1_robust_rebaselines_and_lands_soft(tmp, BOARD)


def test_board_flies_nominal_m1_and_m2_to_the_stubs_verdicts(tmp_path: Path) -> None:
    # started in this order, QEMU's CPU pinning puts the longest flight (M1, 145 s of sim
    # time) on a CPU of its own and the two others (108 s + 49 s) on the other
    flights: dict[str, Callable[[Path], None]] = {
        "nominal": _nominal,
        "m1_robust": _m1_robust,
        "m2_naive": _m2_naive,
    }
    with ThreadPoolExecutor(len(flights)) as pool:
        futures = {name: pool.submit(fn, tmp_path / name) for name, fn in flights.items()}
        for future in futures.values():
            future.result()  # re-raises the first failed flight's assertion


@pytest.mark.slow
@pytest.mark.timeout(1200)
@pytest.mark.parametrize("profile", ["naive", "robust"])
def test_board_flies_every_scenario(tmp_path: Path, profile: str) -> None:
    """Opt-in (make test-long): the rest of the scenarios on the board, M1 naive's long
    hover until its propellant runs out included."""
    e2e.test_nominal_is_soft_with_both_profiles(tmp_path / "n", profile, BOARD)
    if profile == "naive":
        e2e.test_hakuto_r_m1_naive_latches_hovers_dry_and_falls(tmp_path / "m1", BOARD)
    else:
        e2e.test_hakuto_r_m2_robust_lands_soft_with_propellant_to_spare(tmp_path / "m2", BOARD)
    res = e2e.run(tmp_path / "lat", "lrf_latency", profile, BOARD)
    assert res["verdict"] == "soft", res["end_reason"]


def test_a_board_that_dies_ends_the_run_as_fsw_crash(tmp_path: Path) -> None:
    """QEMU is supervised like any child: an image whose CPU locks up makes QEMU abort,
    and the run ends as fsw_crash quoting QEMU's stderr."""
    bogus = tmp_path / "bogus.elf"
    bogus.write_bytes(b"junk")
    res = e2e.run(tmp_path, "nominal", "robust", BOARD, command=str(bogus))
    assert res["verdict"] == "fsw_crash", res["end_reason"]
    assert "FSW exited" in res["end_reason"]
    assert "Lockup" in (tmp_path / f"nominal-robust-{BOARD}" / "fsw_stderr.log").read_text()
