"""From a wheel installed into a fresh venv outside the checkout, the main jobs work
(review finding 12): ``lunar-hil demo`` and ``lunar-hil run hakuto_r_m2 --fsw memory``.

The fresh venv gets the wheel (no dependencies) and, through a .pth line, the checkout
venv's site-packages for numpy, construct and the rest -- but not its editable install
of lunar-hil (a .pth line adds a path; the .pth files inside it are not run), and the
commands run in an empty directory, so everything lunar-hil comes from the wheel.
"""

from __future__ import annotations

import json
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (tmp / "dist").glob("lunar_hil-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [*pip, "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return venv


def _hil(venv: Path, cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "lunar-hil"), *argv], cwd=cwd, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip


def test_the_wheel_runs_a_shipped_scenario_by_name(wheel_venv: Path, tmp_path: Path) -> None:
    where = subprocess.run(
        [str(wheel_venv / "bin" / "python"), "-c", "import harness; print(harness.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(wheel_venv) in where and str(ROOT) not in where  # the wheel's harness
    r = _hil(
        wheel_venv, tmp_path, "run", "hakuto_r_m2", "--fsw", "memory", "--profile", "robust",
        "--out", "m2",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path / "m2" / "result.json").read_text())
    assert res["verdict"] == "soft"


def test_the_wheel_runs_the_demo(wheel_venv: Path, tmp_path: Path) -> None:
    r = _hil(wheel_venv, tmp_path, "demo", "--out", "demo")
    assert r.returncode == 0, r.stderr
    assert "naive: CRASH   robust: SOFT" in r.stdout
    assert (tmp_path / "demo" / "comparison.png").stat().st_size > 0
