"""Deliberately broken flight softwares: the stub with one bug each, behind its byte
interface (run in-process like the memory kind), for proving that the fuzzer finds bugs.

Each is a realistic receiver or control-loop mistake:

* ``TrustsLength`` -- its deframer believes a frame's length field before the PEC: on a
  bad PEC it skips the whole claimed frame (spacepackets' weak spot, STYLE.md), so a
  damaged frame swallows the good ones behind it;
* ``CrashesOnLrfZero`` -- divides by the LRF range: a valid LRF frame with range 0
  kills it;
* ``HangsAfterSeqWrap`` -- its gap check breaks when a sequence count wraps 16383 -> 0:
  it never answers a SYNC again;
* ``NoResync`` -- waits forever for the rest of a frame cut short at the end of a read
  (no resync on a quiet line, ICD §2 rule 7);
* ``AnswersDuplicateTwice`` -- a SYNC(k) repeated gets a second ENGINE_CMD(k) in its answer;
* ``NanOnZeroMass`` -- an uploaded mass of 0 kg (in range) makes its throttle NaN.
"""

from __future__ import annotations

import math
from typing import Any

from fsw_stub.core import FlightSoftware, make
from harness.inprocess import InProcessFswLink
from harness.launcher import FswEndpoint, FswKind
from packets import SPECS, Apid, Deframer, EngineCmd, Frame, StateInit, Sync, decode
from packets.icd import ASM, MAX_FRAME_LEN, PEC_LEN, crc16


class _LengthTrustingDeframer(Deframer):
    """Hunts the ASM, then trusts the header's length: a candidate that fails is skipped
    whole. Counts like the ICD asks otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self._raw = bytearray()

    @property
    def pending(self) -> int:
        return len(self._raw)

    def feed(self, data: Any, into: list[Any] | None = None) -> list[Frame]:
        buf = self._raw
        buf += data
        out: list[Frame] = [] if into is None else into
        st = self.stats
        while True:
            i = buf.find(ASM)
            if i < 0:
                keep = min(len(buf), len(ASM) - 1)
                st.skipped_bytes += len(buf) - keep
                del buf[: len(buf) - keep]
                return out
            st.skipped_bytes += i
            del buf[:i]
            if len(buf) < 10:
                return out
            total = 10 + int.from_bytes(buf[8:10], "big") + 1
            if total > MAX_FRAME_LEN or total < 10 + PEC_LEN + 1:
                st.rejected_header += 1
                st.skipped_bytes += 1
                del buf[:1]
                continue
            if len(buf) < total:
                return out
            if crc16(bytes(buf[len(ASM) : total])):
                st.crc_errors += 1
                st.skipped_bytes += total  # the bug: the length was never vouched for
                del buf[:total]
                continue
            apid = int.from_bytes(buf[4:6], "big") & 0x7FF
            if apid not in SPECS:  # a good PEC on an APID it does not know: ignored
                st.unknown_apid += 1
                del buf[:total]
                continue
            try:
                f = decode(bytes(buf[:total]))
            except Exception:
                st.rejected_range += 1
                del buf[:total]
                continue
            st.frames += 1
            del buf[:total]
            out.append(f)

    def resync(self, into: list[Any] | None = None) -> list[Frame]:
        if self._raw:
            del self._raw[:1]
            self.stats.skipped_bytes += 1
        return self.feed(b"", into)


class TrustsLength(FlightSoftware):
    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.deframer = _LengthTrustingDeframer()


class CrashesOnLrfZero(FlightSoftware):
    def _dispatch(self, apid: int, packet: object, cuc: int, out: bytearray) -> None:
        if apid == Apid.LRF and packet.range_m == 0.0:  # type: ignore[attr-defined]
            raise ZeroDivisionError("1 / range_m in the LRF handler")
        super()._dispatch(apid, packet, cuc, out)


class _WrapWatchingDeframer(Deframer):
    def __init__(self, owner: HangsAfterSeqWrap) -> None:
        super().__init__()
        self.owner = owner
        self.last: dict[int, int] = {}

    def feed(self, data: Any, into: list[Any] | None = None) -> list[Frame]:
        frames = super().feed(data, into)
        for f in frames:
            if isinstance(f, Frame):
                if self.last.get(f.apid) == 16383 and f.seq == 0:
                    self.owner.hung = True
                self.last[f.apid] = f.seq
        return frames


class HangsAfterSeqWrap(FlightSoftware):
    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.hung = False
        self.deframer = _WrapWatchingDeframer(self)

    def _on_sync(self, p: Sync, cuc: int) -> bytes:
        return b"" if self.hung else super()._on_sync(p, cuc)


class NoResync(FlightSoftware):
    resync = None  # type: ignore[assignment]


class AnswersDuplicateTwice(FlightSoftware):
    _last_tick: int | None = None

    def _on_sync(self, p: Sync, cuc: int) -> bytes:
        out = super()._on_sync(p, cuc)
        if p.tick == self._last_tick:
            out += self.framer.encode(EngineCmd(p.tick, 0, 0.0, 0.0), cuc)
        self._last_tick = p.tick
        return out


class NanOnZeroMass(FlightSoftware):
    zero_mass = False

    def _on_state_init(self, p: StateInit, t_us: int) -> None:
        super()._on_state_init(p, t_us)
        self.zero_mass = p.mass_kg == 0.0

    def _on_sync(self, p: Sync, cuc: int) -> bytes:
        out = super()._on_sync(p, cuc)
        if not self.zero_mass:
            return out
        cmd = self.framer.encode(EngineCmd(p.tick, 1, math.nan, 0.0), cuc, check=False)
        return out[: -len(cmd)] + cmd  # the last frame is the ENGINE_CMD


BROKEN: dict[str, type[FlightSoftware]] = {
    "trusts_length": TrustsLength,
    "crashes_on_lrf_zero": CrashesOnLrfZero,
    "hangs_after_seq_wrap": HangsAfterSeqWrap,
    "no_resync": NoResync,
    "answers_duplicate_twice": AnswersDuplicateTwice,
    "nan_on_zero_mass": NanOnZeroMass,
}


def endpoint(cls: type[FlightSoftware]) -> FswEndpoint:
    """The variant in-process, as the memory kind runs the stub."""
    fsw = cls(make().cfg)
    return FswEndpoint(FswKind.MEMORY, InProcessFswLink(fsw), f"{cls.__name__} in-process")
