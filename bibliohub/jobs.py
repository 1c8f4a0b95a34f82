"""The registry of scheduled jobs: each app declares its own in its `jobs` module, and
`bibliohub run-scheduled` runs every one of them in order.

    # circulation/jobs.py
    @scheduled("holds_expired", order=20, label=_("holds expired"))
    def expire(run: Run) -> Outcome:
        return Outcome({"expired": len(services.expire_holds(at=run.at, actor=run.actor))})

A job is a function of one `Run` (the moment it runs as, the actor it acts as — the job of its
name — and the command's options) returning an `Outcome`: the counts to print, and a problem
to report in the exit status while the counts still stand (a mail server that cannot be
reached). Jobs run in `order`; each is its own transaction and is safe to repeat, so one that
fails does not keep the others from running. Scheduled jobs are an interface, like the
command line: each app's `jobs` module calls its own services, and this registry knows no
app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:  # only a type: the caller makes the actor
    from bibliohub.history import Actor


@dataclass(frozen=True)
class Run:
    at: datetime
    actor: Actor
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    counts: dict[str, Any]
    problem: str = ""


@dataclass(frozen=True)
class Job:
    name: str
    order: int
    label: Promise | str
    run: Callable[[Run], Outcome]
    # One line for people: "12 renewed, 1 refused".
    describe: Callable[[dict[str, Any]], str]


_JOBS: dict[str, Job] = {}


def _counts_as_text(counts: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def scheduled(
    name: str,
    *,
    order: int,
    label: Promise | str,
    describe: Callable[[dict[str, Any]], str] = _counts_as_text,
) -> Callable[[Callable[[Run], Outcome]], Callable[[Run], Outcome]]:
    """Declare the decorated function the scheduled job `name`."""

    def register(function: Callable[[Run], Outcome]) -> Callable[[Run], Outcome]:
        if name in _JOBS:
            raise ImproperlyConfigured(f"scheduled job {name!r} is declared twice")
        _JOBS[name] = Job(name, order, label, function, describe)
        return function

    return register


def registered() -> list[Job]:
    """Every app's jobs, in the order they run."""
    autodiscover_modules("jobs")
    return sorted(_JOBS.values(), key=lambda job: (job.order, job.name))


def run_job(
    job: Job, *, at: datetime, actor: Actor, options: Mapping[str, Any] | None = None
) -> Outcome:
    """Run `job` as at `at`, acting as `actor` (the job of its name)."""
    return job.run(Run(at=at, actor=actor, options=options or {}))
