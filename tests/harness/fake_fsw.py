"""Misbehaving flight softwares for supervision tests: `python fake_fsw.py MODE PORT [N]`.

MODE:
  good     answers every SYNC with FSW_STATUS + ENGINE_CMD(engine off)
  exit     answers N ticks, then writes to stderr and exits with code 3
  silent   answers N ticks, then reads on but never answers again
  garbage  like good, but sends 37 bytes of garbage (no ASM) before every answer
  nan      answers every SYNC with ENGINE_CMD whose throttle is NaN
  mute     never answers anything (not even PING)
  hold     answers SYNC(k) only when SYNC(k+1) arrives (every command a period late)
  even     answers only the SYNCs of even ticks (every other period has no command)

Order and damage (the misbehaviours of issue 8, each once at tick N unless "every tick"):
  event_after   every tick: FSW_STATUS, ENGINE_CMD, then an EVENT (code 7)
  status_after  every tick: ENGINE_CMD, then FSW_STATUS
  dup_cmd       every tick: FSW_STATUS, ENGINE_CMD, ENGINE_CMD again
  bad_pec       at tick N the ENGINE_CMD's PEC is wrong
  bad_pec_all   every ENGINE_CMD's PEC is wrong
  tc_clear      at tick N the ENGINE_CMD's type bit is clear (TM instead of TC), PEC right
  range_cmd     at tick N the ENGINE_CMD's throttle is 2.0 (out of range), PEC right
  status_only   answers N ticks, then sends only FSW_STATUS (no ENGINE_CMD)
A 4th argument ``split`` writes whatever follows the ENGINE_CMD 20 ms later, separately.
"""

from __future__ import annotations

import sys
import time

import serial

from packets import Deframer, EngineCmd, Event, Framer, FswStatus, Ping, Pong, Sync
from packets.icd import crc16


def _tc_clear(frame: bytes) -> bytes:
    """The same frame with the primary header's type bit cleared and the PEC redone."""
    b = bytearray(frame)
    b[4] &= ~0x10
    b[-2:] = crc16(bytes(b[4:-2])).to_bytes(2, "big")
    return bytes(b)


def main() -> int:
    mode, port = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    split = len(sys.argv) > 4 and sys.argv[4] == "split"
    link = serial.serial_for_url(port, timeout=0.05)
    deframer = Deframer()
    framer = Framer()
    answered = 0
    garbage = bytes(range(40, 77))
    held = b""
    while True:
        data = link.read(max(1, link.in_waiting))
        for f in deframer.feed(data):
            p = f.packet
            if mode == "mute":
                continue
            if isinstance(p, Ping):
                link.write(framer.encode(Pong(p.nonce, deframer.stats.frames), f.cuc))
            elif isinstance(p, Sync):
                if mode == "even" and p.tick % 2:
                    continue
                if mode in ("exit", "silent") and answered >= n:
                    if mode == "exit":
                        print(f"fake fsw: exiting after {answered} ticks", file=sys.stderr)
                        sys.stderr.flush()
                        return 3
                    continue
                out = b""
                if mode == "garbage":
                    out += garbage
                status = framer.encode(
                    FswStatus(p.tick, 1, 0, 0.0, 0.0, 0.0, 0.0, 0, 0, deframer.stats.frames,
                              deframer.stats.crc_errors, deframer.stats.skipped_bytes,
                              deframer.stats.rejected),
                    f.cuc,
                )  # fmt: skip
                if mode == "status_only" and answered >= n:
                    link.write(status)
                    continue
                throttle = float("nan") if mode == "nan" else 0.0
                if mode == "range_cmd" and p.tick == n:
                    throttle = 2.0
                cmd = framer.encode(EngineCmd(p.tick, 0, throttle, 0.0), f.cuc, check=False)
                if (mode == "bad_pec" and p.tick == n) or mode == "bad_pec_all":
                    cmd = cmd[:-1] + bytes([cmd[-1] ^ 0xFF])
                if mode == "tc_clear" and p.tick == n:
                    cmd = _tc_clear(cmd)
                trail = b""
                if mode == "status_after":
                    out += cmd
                    trail = status
                else:
                    out += status + cmd
                    if mode == "event_after":
                        trail = framer.encode(Event(7, 0, float(p.tick)), f.cuc)
                    elif mode == "dup_cmd":
                        trail = cmd
                if mode == "hold":
                    out, held = held, out
                if split and trail:
                    link.write(out)
                    link.flush()
                    time.sleep(0.02)  # the FSW's own timing, not the harness's correctness
                    link.write(trail)
                else:
                    link.write(out + trail)
                answered += 1


if __name__ == "__main__":
    sys.exit(main())
