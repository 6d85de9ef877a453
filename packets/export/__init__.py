"""Exports generated from the construct definitions: XTCE 1.2 and a Wireshark Lua dissector.

Each is deterministic text; ``lunar-hil export xtce|wireshark`` writes it, and the copies
committed under ``docs/`` are kept equal to it by tests.
"""
