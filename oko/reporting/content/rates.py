"""The response rate: one definition for the monitor, the dashboard and the reports.

Handed-in questionnaires divided by the pupils on the class lists. Pupils whose parents
objected (opt-outs) and pupils absent on the day stay in the denominator: they are the
non-response the rate measures, and the monitor lists them beside it so a low rate can be
explained. Classes or grades without a known number of pupils are left out of both sides,
so one missing class size does not hide the rate of all the others.
"""

from __future__ import annotations


def response_rate(handed_in: int, pupils: int | None) -> float | None:
    """``handed_in / pupils``, or None when the number of pupils is unknown or zero."""
    if not pupils:
        return None
    return handed_in / pupils
