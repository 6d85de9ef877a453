"""The C core in-process through ctypes: the same byte interface as the Python stub.

``CFlightSoftware(config_path).receive(bytes) -> bytes`` is ``fsw_stub.core.FlightSoftware``
in C (``libfsw.so``, built on first use by ``fsw_stub.firmware.build``): the harness's memory
kind flies it with ``--fsw memory --command fsw_stub.firmware.lib:c_core`` (or the ``c-memory``
kind). ``CDeframer`` is the C deframer alone, for its property tests. The C objects live in
ctypes buffers owned by the Python objects; nothing in C allocates.
"""

from __future__ import annotations

import ctypes
from functools import cache
from pathlib import Path

from fsw_stub.config import ConfigError, load_config
from fsw_stub.firmware.build import shared_library

_SZ = ctypes.c_size_t
_P = ctypes.c_void_p
_BYTES = ctypes.c_char_p
#: counters of ``lh_fsw_stats`` / ``lh_dfr_stats``, in order
DEFRAMER_COUNTERS = (
    "frames",
    "crc_errors",
    "skipped_bytes",
    "rejected_header",
    "rejected_range",
    "unknown_apid",
    "idle",
    "bytes_in_frames",
    "seq_gaps",
)
FSW_COUNTERS = (*DEFRAMER_COUNTERS, "attitude_rejected", "events_dropped", "out_dropped", "cycles")
_FAILED = ctypes.c_size_t(-1).value


@cache
def library(real32: bool = False) -> ctypes.CDLL:
    """``libfsw.so`` (double) or ``libfsw_f32.so`` (binary32, as on the board), loaded once."""
    lib = ctypes.CDLL(str(shared_library(real32=real32)))
    for name in (
        "lh_fsw_size",
        "lh_dfr_size",
        "lh_config_size",
        "lh_max_answer_len",
        "lh_window_cap",
    ):
        getattr(lib, name).restype = _SZ
        getattr(lib, name).argtypes = []
    lib.lh_real_bits.restype = ctypes.c_int
    lib.lh_config_parse.argtypes = [_BYTES, _SZ, _BYTES, _P, _P, _SZ]
    lib.lh_config_parse.restype = ctypes.c_int
    lib.lh_config_get.argtypes = [_P, _BYTES, _BYTES, ctypes.POINTER(ctypes.c_double)]
    lib.lh_config_get.restype = ctypes.c_int
    lib.lh_fsw_init.argtypes = [_P, _P]
    lib.lh_fsw_init.restype = ctypes.c_int
    for name in ("lh_fsw_receive", "lh_dfr_feed"):
        getattr(lib, name).argtypes = [_P, _BYTES, _SZ, _P, _SZ]
        getattr(lib, name).restype = _SZ
    for name in ("lh_fsw_resync", "lh_dfr_flush"):
        getattr(lib, name).argtypes = [_P, _P, _SZ]
        getattr(lib, name).restype = _SZ
    for name in ("lh_fsw_stats", "lh_dfr_stats"):
        getattr(lib, name).argtypes = [_P, ctypes.POINTER(ctypes.c_uint64)]
        getattr(lib, name).restype = None
    lib.lh_dfr_init.argtypes = [_P]
    lib.lh_dfr_pending.argtypes = [_P]
    lib.lh_dfr_pending.restype = _SZ
    return lib


class CConfig:
    """An FSW.toml parsed and validated by the C reader (``core/config_text.c``)."""

    def __init__(self, text: str, source: str = "<config>", *, real32: bool = False) -> None:
        self._lib = lib = library(real32)
        self.buf = ctypes.create_string_buffer(lib.lh_config_size())
        err = ctypes.create_string_buffer(512)
        raw = text.encode()
        if lib.lh_config_parse(raw, len(raw), source.encode(), self.buf, err, len(err)) != 0:
            raise ValueError(err.value.decode(errors="replace"))

    def get(self, section: str, key: str) -> float:
        value = ctypes.c_double()
        if self._lib.lh_config_get(self.buf, section.encode(), key.encode(), value) != 0:
            raise KeyError(f"{section}.{key}")
        return value.value


class CFlightSoftware:
    """The C FSW behind ``receive(bytes) -> bytes`` and ``resync() -> bytes``."""

    def __init__(self, config: str | Path, *, real32: bool = False) -> None:
        path = Path(config)
        load_config(path)  # the Python reader's errors, word for word, for a bad file
        try:
            self.config = CConfig(path.read_text(), str(path), real32=real32)
        except ValueError as exc:
            raise ConfigError(
                str(path), "<C reader>", "a file the C reader accepts", str(exc)
            ) from exc
        self._lib = lib = library(real32)
        self._fsw = ctypes.create_string_buffer(lib.lh_fsw_size())
        self._answer = lib.lh_max_answer_len()
        if lib.lh_fsw_init(self._fsw, self.config.buf) != 0:
            cap = lib.lh_window_cap()
            raise ConfigError(
                str(path), "gates.rebaseline_n", f"at most {cap} (the C build's window)", None
            )
        self._out = ctypes.create_string_buffer(4 * self._answer)

    def _room(self, n_in: int) -> None:
        need = (n_in // 22 + 2) * self._answer  # every frame a SYNC answered in full
        if len(self._out) < need:
            self._out = ctypes.create_string_buffer(need)

    def receive(self, data: bytes) -> bytes:
        self._room(len(data))
        n = self._lib.lh_fsw_receive(self._fsw, data, len(data), self._out, len(self._out))
        return self._out.raw[:n]

    def resync(self) -> bytes:
        n = self._lib.lh_fsw_resync(self._fsw, self._out, len(self._out))
        return self._out.raw[:n]

    def stats(self) -> dict[str, int]:
        arr = (ctypes.c_uint64 * len(FSW_COUNTERS))()
        self._lib.lh_fsw_stats(self._fsw, arr)
        return dict(zip(FSW_COUNTERS, arr, strict=True))


class CDeframer:
    """The C deframer alone: ``feed(bytes)`` returns the accepted frames' bytes, in order."""

    def __init__(self) -> None:
        self._lib = lib = library()
        self._d = ctypes.create_string_buffer(lib.lh_dfr_size())
        lib.lh_dfr_init(self._d)
        self._out = ctypes.create_string_buffer(1 << 16)

    def _call(self, n_in: int, fn: str, *args: object) -> bytes:
        if len(self._out) < n_in + 8192:
            self._out = ctypes.create_string_buffer(n_in + 8192)
        n = getattr(self._lib, fn)(self._d, *args, self._out, len(self._out))
        if n == _FAILED:
            raise RuntimeError(f"{fn}: output buffer too small")
        return self._out.raw[:n]

    def feed(self, data: bytes) -> bytes:
        return self._call(len(data), "lh_dfr_feed", data, len(data))

    def flush(self) -> bytes:
        return self._call(0, "lh_dfr_flush")

    @property
    def pending(self) -> int:
        return int(self._lib.lh_dfr_pending(self._d))

    def stats(self) -> dict[str, int]:
        arr = (ctypes.c_uint64 * len(DEFRAMER_COUNTERS))()
        self._lib.lh_dfr_stats(self._d, arr)
        return dict(zip(DEFRAMER_COUNTERS, arr, strict=True))


def c_core(config: Path) -> CFlightSoftware:
    """Memory-kind factory: the C core, double arithmetic (the host build)."""
    return CFlightSoftware(config)


def c_core_f32(config: Path) -> CFlightSoftware:
    """Memory-kind factory: the C core in binary32, as the board computes."""
    return CFlightSoftware(config, real32=True)
