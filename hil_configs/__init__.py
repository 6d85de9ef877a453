"""The scenarios that ship with lunar-hil, as package data (``lunar-hil scenarios``).

A scenario is a TOML file; this package only makes the files installable, so that
``lunar-hil run hakuto_r_m2`` works from any directory and from a wheel.
"""
