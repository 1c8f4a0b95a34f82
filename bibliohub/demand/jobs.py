"""The scheduled job of unmet demand: gather the refusals the history recorded and the
holds waiting too long or more than the copies."""

from __future__ import annotations

from bibliohub.demand import services
from bibliohub.jobs import Outcome, Run, scheduled


@scheduled(
    "unmet_demand",
    order=80,
    label="unmet demand",
    describe=lambda d: f"{d['refusals']} refusals and {d['holds']} holds added to unmet demand",
)
def unmet_demand(run: Run) -> Outcome:
    return Outcome(services.collect_unmet_demand(actor=run.actor, at=run.at))
