"""One registry of scheduled jobs that every app contributes to, run in order by
`bibliohub run-scheduled`, which ends by rolling the day's history up."""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from bibliohub.history import Actor, rollup
from bibliohub.history.models import Entry, PseudonymKey
from bibliohub.history.services import record
from bibliohub.jobs import Outcome, Run, registered
from bibliohub.libraries.kinds import HOURS_SET

KYIV = ZoneInfo("Europe/Kyiv")
AT = datetime(2026, 6, 1, 3, 0, tzinfo=KYIV)


def _run(*args: str) -> dict:
    out = StringIO()
    call_command("run_scheduled", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_every_apps_jobs_run_in_their_order():
    names = [job.name for job in registered()]
    assert names == [
        "auto_renewals", "holds_expired", "fines", "notices", "anonymised",
        "rooms", "event_reminders", "survey_reminders", "feedback_overdue", "pin_attempts", "opening_hours_counted",
        "unmet_demand", "copies_counted", "patrons_counted", "dates_held_counted", "mail", "roll_up",
        "closed_figures_checked",
        "pseudonym_keys",
    ]  # fmt: skip


def test_the_run_ends_by_rolling_up_what_was_recorded(central, manager):
    record(HOURS_SET, at=AT, actor=Actor.for_staff(manager), branch=central)
    outcome = _run("--at", AT.isoformat())
    # The entry above, and what the jobs before counted (the day's census of copies…).
    assert outcome["roll_up"] == {"entries": Entry.objects.count()}
    assert rollup.pending() == 0
    assert list(outcome)[1:] == [job.name for job in registered()]


def test_only_runs_the_jobs_named_and_an_unknown_name_is_refused_in_one_line(db):
    outcome = _run("--at", AT.isoformat(), "--only", "roll_up")
    assert list(outcome) == ["at", "roll_up"]
    with pytest.raises(CommandError, match=r"^no scheduled job backup \(there are: auto_renewals"):
        _run("--only", "backup")


def test_a_years_pseudonym_key_goes_once_the_year_is_long_closed(network, settings):
    settings.PSEUDONYM_KEY_DAYS = 120
    PseudonymKey.objects.create(network_id=network.pk, year=2025, key="ab" * 32, created_at=AT)
    PseudonymKey.objects.create(network_id=network.pk, year=2026, key="cd" * 32, created_at=AT)
    early = _run("--at", "2026-04-15T03:00", "--only", "pseudonym_keys")
    assert early["pseudonym_keys"] == {"years": []}
    late = _run("--at", "2026-05-15T03:00", "--only", "pseudonym_keys")
    assert late["pseudonym_keys"] == {"years": [f"{network.pk}/2025"]}
    kept = PseudonymKey.objects.get(year=2026)
    gone = PseudonymKey.objects.get(year=2025)
    assert kept.destroyed_at is None and gone.key == "" and gone.destroyed_at is not None
    entry = Entry.objects.get(domain="history", kind="keys_destroyed")
    assert (entry.channel, entry.source) == ("job", "pseudonym_keys")


def test_a_failing_job_does_not_stop_the_others_and_the_run_says_so(db, monkeypatch):
    from bibliohub import jobs

    def broken(run: Run) -> Outcome:
        raise RuntimeError("the disk is full")

    job = next(j for j in registered() if j.name == "fines")
    monkeypatch.setitem(
        jobs._JOBS, "fines", jobs.Job("fines", job.order, job.label, broken, job.describe)
    )
    out = StringIO()
    with pytest.raises(CommandError, match="fines: the disk is full"):
        call_command("run_scheduled", "--at", AT.isoformat(), stdout=out)
    text = out.getvalue()
    assert "loans owing overdue fines: failed: the disk is full" in text
    assert "history rolled up: 0" in text
