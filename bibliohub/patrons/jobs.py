"""Patrons' scheduled job: forget the wrong-PIN counts that have run out."""

from __future__ import annotations

from bibliohub.jobs import Outcome, Run, scheduled
from bibliohub.patrons import pins


@scheduled(
    "pin_attempts",
    order=80,
    label="wrong-PIN counts forgotten",
    describe=lambda d: str(d["forgotten"]),
)
def forget_pin_attempts(run: Run) -> Outcome:
    return Outcome({"forgotten": pins.forget_old_attempts(at=run.at)})
