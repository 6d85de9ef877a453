"""The reference FSW in C: a portable core, a POSIX host layer, a Cortex-M board layer.

Python here only generates headers from the single sources of truth (``packets.icd`` for
``icd.h``, ``fsw_stub.config`` for ``fsw_config.h`` and a board's build-time constants) and
drives the compilers (``fsw_stub.firmware.build``). See fsw_stub/firmware/README.md.
"""
