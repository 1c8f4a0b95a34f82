"""Circulation's scheduled jobs, in the order they must run: automatic renewals before
anything is found overdue, hold expiry, fine accrual, then the notices (after those three,
so that they tell the state of things: they are written to the e-mail outbox, which the mail
job sends later in the same run), then anonymisation of returned loans."""

from __future__ import annotations

from bibliohub.circulation import notices, services
from bibliohub.jobs import Outcome, Run, scheduled


@scheduled(
    "auto_renewals",
    order=10,
    label="automatic renewals",
    describe=lambda d: f"{d['renewed']} renewed, {d['refused']} refused",
)
def auto_renewals(run: Run) -> Outcome:
    result = services.auto_renew(at=run.at, actor=run.actor)
    return Outcome({"renewed": len(result.renewed), "refused": len(result.refused)})


@scheduled("holds_expired", order=20, label="holds expired", describe=lambda d: str(d["expired"]))
def holds_expired(run: Run) -> Outcome:
    return Outcome({"expired": len(services.expire_holds(at=run.at, actor=run.actor))})


@scheduled(
    "fines", order=30, label="loans owing overdue fines", describe=lambda d: str(d["loans_owing"])
)
def fines(run: Run) -> Outcome:
    return Outcome({"loans_owing": services.accrue_fines(at=run.at, actor=run.actor)})


def _notices_text(counts: dict) -> str:
    kinds = [f"{kind} {counts[kind]}" for kind in notices.TEMPLATES if counts.get(kind)]
    by_kind = f" ({', '.join(kinds)})" if kinds else ""
    return f"{counts['queued']} queued{by_kind}"


@scheduled("notices", order=40, label="notices", describe=_notices_text)
def queue_notices(run: Run) -> Outcome:
    # Written to the outbox; the mail job (and any worker) sends them.
    report = notices.queue_notices(at=run.at, actor=run.actor)
    return Outcome({**report.queued, "queued": report.total, "skipped": report.skipped})


@scheduled(
    "anonymised", order=50, label="returned loans anonymised", describe=lambda d: str(d["loans"])
)
def anonymise(run: Run) -> Outcome:
    delay = run.options.get("anonymise_after_days")
    return Outcome(
        {"loans": services.anonymise_returned_loans(at=run.at, actor=run.actor, delay_days=delay)}
    )
