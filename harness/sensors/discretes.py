"""Discretes (ICD 0x104): bit0 when the contact probe touches the surface.

The probe hangs ``probe_length_m`` below the footpad plane: contact when alt_m ≤ length.
"""

from __future__ import annotations

from harness.plant.state import Truth
from harness.sensors.config import DiscretesConfig
from packets import Discretes

_NO_CONTACT = Discretes(0, 0)
_CONTACT = Discretes(1, 0)


class ContactProbe:
    name = "discretes"

    def __init__(self, config: DiscretesConfig) -> None:
        self.period_us = config.period_us
        self._length = config.probe_length_m

    def sample(self, truth: Truth) -> Discretes:
        return _CONTACT if truth.alt_m <= self._length else _NO_CONTACT
