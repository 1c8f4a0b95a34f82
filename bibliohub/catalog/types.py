"""Values the catalogue's readers hand to the apps above it. Plain data, free of Django, so
that any interface can name them (the search contract, `bibliohub.search.types`, does)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BranchAvailability:
    """Of one record at one branch: the copies on the shelf now and all the branch has
    (withdrawn and lost copies not counted)."""

    branch_code: str
    branch_name: str
    available: int
    total: int
