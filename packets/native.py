"""Which hot loops run compiled: ``packets._wire`` when it was built, else Python.

``pip install -e .`` (``make``) compiles ``packets/_wire.c`` when a C compiler and the
Python headers are there (setup.py; the build is optional, so an install without them
still works). The compiled loops are the framer's ``encode_each`` and the deframer's
fast path; everything off that path -- every rejection, every error -- is the Python
code's either way, and a property test holds the two identical. ``LUNAR_HIL_PURE_PYTHON=1``
runs the Python loops even where the compiled ones are built (for side-by-side checks).
"""

from __future__ import annotations

import os
from types import ModuleType

_built: ModuleType | None
try:
    from packets import _wire as _built
except ImportError:  # not built here: the Python loops
    _built = None

#: the compiled module, when built and not turned off by LUNAR_HIL_PURE_PYTHON
WIRE: ModuleType | None = None if os.environ.get("LUNAR_HIL_PURE_PYTHON") else _built

#: how to build it, for a message that says why it is missing
HOW_TO_BUILD = (
    "packets._wire is not built (the loops run in Python): with a C compiler and the Python"
    " headers (Debian: gcc, python3-dev), reinstall: `pip install -e .` (with make: `rm"
    " .venv/.installed-stamp && make install`)"
)


def built() -> bool:
    """The compiled module is importable here."""
    return _built is not None


def select(native: bool | None) -> ModuleType | None:
    """The module a framer or deframer uses: ``None`` runs Python; ``native=None`` takes
    ``WIRE``; ``native=True`` requires the built module (``RuntimeError`` if missing)."""
    if native is None:
        return WIRE
    if not native:
        return None
    if _built is None:
        raise RuntimeError(HOW_TO_BUILD)
    return _built


def describe() -> str:
    """One line for reports: which loops this process runs."""
    if WIRE is not None:
        return "compiled (packets._wire)"
    if _built is not None:
        return "Python (LUNAR_HIL_PURE_PYTHON is set)"
    return "Python (packets._wire not built)"
