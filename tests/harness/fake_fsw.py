"""Misbehaving flight softwares for supervision tests: `python fake_fsw.py MODE PORT [N]`.

MODE:
  good     answers every SYNC with FSW_STATUS + ENGINE_CMD(engine off)
  exit     answers N ticks, then writes to stderr and exits with code 3
  silent   answers N ticks, then reads on but never answers again
  garbage  like good, but sends 37 bytes of garbage (no ASM) before every answer
  nan      answers every SYNC with ENGINE_CMD whose throttle is NaN
  mute     never answers anything (not even PING)
"""

from __future__ import annotations

import sys

import serial

from packets import Deframer, EngineCmd, Framer, FswStatus, Ping, Pong, Sync


def main() -> int:
    mode, port = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    link = serial.serial_for_url(port, timeout=0.05)
    deframer = Deframer()
    framer = Framer()
    answered = 0
    garbage = bytes(range(40, 77))
    while True:
        data = link.read(max(1, link.in_waiting))
        for f in deframer.feed(data):
            p = f.packet
            if mode == "mute":
                continue
            if isinstance(p, Ping):
                link.write(framer.encode(Pong(p.nonce, deframer.stats.frames), f.cuc))
            elif isinstance(p, Sync):
                if mode in ("exit", "silent") and answered >= n:
                    if mode == "exit":
                        print(f"fake fsw: exiting after {answered} ticks", file=sys.stderr)
                        sys.stderr.flush()
                        return 3
                    continue
                out = b""
                if mode == "garbage":
                    out += garbage
                out += framer.encode(
                    FswStatus(p.tick, 1, 0, 0.0, 0.0, 0.0, 0.0, 0, 0, deframer.stats.frames,
                              deframer.stats.crc_errors, deframer.stats.skipped_bytes,
                              deframer.stats.rejected),
                    f.cuc,
                )  # fmt: skip
                throttle = float("nan") if mode == "nan" else 0.0
                out += framer.encode(EngineCmd(p.tick, 0, throttle, 0.0), f.cuc, check=False)
                link.write(out)
                answered += 1


if __name__ == "__main__":
    sys.exit(main())
