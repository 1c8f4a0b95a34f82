"""Reads: suggestions within a member of staff's branches, one suggestion to handle, a
patron's own, the order candidates acquisitions picks up, the unmet-demand report and the
searches that found nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from bibliohub.accounts import access
from bibliohub.accounts.models import User
from bibliohub.demand.models import (
    DemandSource,
    Suggestion,
    SuggestionState,
    TitleRequest,
    UnmetDemand,
    ZeroResultSearch,
)
from bibliohub.libraries.models import Branch
from bibliohub.patrons.models import Patron


def suggestions_for_staff(
    user: User,
    *,
    branch: Branch | None = None,
    state: str | None = None,
    text: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[Suggestion]:
    """Suggestions of the branches `user` acts for, newest first, filtered."""
    found = Suggestion.objects.filter(branch__in=access.branches_for(user)).select_related(
        "branch", "patron"
    )
    if branch is not None:
        found = found.filter(branch=branch)
    if state:
        found = found.filter(state=state)
    if text.strip():
        words = text.strip()
        found = found.filter(
            Q(title__icontains=words) | Q(author__icontains=words) | Q(isbn=words.replace("-", ""))
        )
    if since is not None:
        found = found.filter(created_at__date__gte=since)
    if until is not None:
        found = found.filter(created_at__date__lte=until)
    return found


def suggestion_for_edit(user: User, pk: int) -> Suggestion:
    """One suggestion, 404 when there is none, 403 when it belongs to a branch `user` does
    not act for."""
    found = get_object_or_404(Suggestion.objects.select_related("branch", "patron"), pk=pk)
    access.require_branch(user, found.branch)
    return found


def suggestions_of(patron: Patron) -> QuerySet[Suggestion]:
    """The patron's own suggestions, newest first."""
    return Suggestion.objects.filter(patron=patron).select_related("branch")


def order_candidates(
    *, network_id: int | None = None, branch: Branch | None = None
) -> QuerySet[Suggestion]:
    """Accepted suggestions not ordered yet, oldest first: what acquisitions turns into
    order lines (each then moves on with `services.mark_ordered`)."""
    found = Suggestion.objects.filter(state=SuggestionState.ACCEPTED).select_related("branch")
    if network_id is not None:
        found = found.filter(network_id=network_id)
    if branch is not None:
        found = found.filter(branch=branch)
    return found.order_by("changed_at", "pk")


# --- the unmet-demand report --------------------------------------------------------------


@dataclass(frozen=True)
class Asked:
    """One title, author or subject asked for and not supplied: by how many people (each
    person once per title), and how many times in all."""

    label: str
    people: int
    times: int
    record_id: int | None = None
    author: str = ""


@dataclass(frozen=True)
class DemandReport:
    titles: list[Asked]
    authors: list[Asked]
    subjects: list[Asked]
    by_source: dict[str, int]
    total_people: int


def unmet_demand(
    *,
    network_id: int,
    start: date,
    end: date,
    branch_ids: Iterable[int] | None = None,
    limit: int = 20,
) -> DemandReport:
    """The titles, authors and subjects most asked for and not supplied between `start`
    and `end` (local days, both included) at `branch_ids` (all when None): each person
    counts once per title, whatever the number of refusals, requests and suggestions. An
    author or a subject counts the distinct (person, title) pairs asking for it."""
    rows = UnmetDemand.objects.filter(network_id=network_id, day__gte=start, day__lte=end)
    if branch_ids is not None:
        rows = rows.filter(branch_id__in=list(branch_ids))
    titles: dict[str, dict[str, object]] = {}
    pairs: set[tuple[str, str]] = set()
    times: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    for row in rows.values_list(
        "title_key", "person", "title", "author", "subjects", "record_id", "source"
    ).iterator():
        key, person, title, author, subjects, record_id, source = row
        times[key] += 1
        by_source[source] += 1
        if key not in titles:
            titles[key] = {"title": title, "author": author, "subjects": subjects,
                           "record_id": record_id}
        pairs.add((key, person))
    people: Counter[str] = Counter(key for key, _person in pairs)
    authors: Counter[str] = Counter()
    author_times: Counter[str] = Counter()
    subjects_count: Counter[str] = Counter()
    subject_times: Counter[str] = Counter()
    for key, n in people.items():
        facts = titles[key]
        if facts["author"]:
            authors[str(facts["author"])] += n
            author_times[str(facts["author"])] += times[key]
        for subject in facts["subjects"] or []:  # type: ignore[attr-defined]
            subjects_count[str(subject)] += n
            subject_times[str(subject)] += times[key]

    def top(counted: Counter[str], all_times: Counter[str]) -> list[Asked]:
        ranked = sorted(counted.items(), key=lambda kv: (-kv[1], -all_times[kv[0]], kv[0]))
        return [Asked(label, n, all_times[label]) for label, n in ranked[:limit]]

    ranked_titles = sorted(people.items(), key=lambda kv: (-kv[1], -times[kv[0]], kv[0]))
    return DemandReport(
        titles=[
            Asked(
                str(titles[key]["title"]), n, times[key],
                record_id=titles[key]["record_id"],  # type: ignore[arg-type]
                author=str(titles[key]["author"]),
            )
            for key, n in ranked_titles[:limit]
        ],
        authors=top(authors, author_times),
        subjects=top(subjects_count, subject_times),
        by_source={source: by_source.get(source, 0) for source in DemandSource.values},
        total_people=len(pairs),
    )


def zero_result_searches(
    *, network_id: int, start: date, end: date, limit: int = 50
) -> list[tuple[str, int]]:
    """The texts most searched for and not found in the months from `start` to `end`,
    with how many times."""
    return [
        (row["text"], row["n"])
        for row in ZeroResultSearch.objects.filter(
            network_id=network_id, month__gte=start.replace(day=1), month__lte=end
        )
        .values("text")
        .annotate(n=Sum("count"))
        .order_by("-n", "text")[:limit]
    ]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def exported_for(patron: Patron) -> dict[str, list[dict[str, Any]]]:
    """`patron`'s purchase suggestions and requests for titles not held, for their data
    export. Staff who handled them are not named."""
    return {
        "suggestions": [
            {
                "title": s.title, "author": s.author, "isbn": s.isbn, "format": s.format,
                "language": s.language, "why": s.reason, "wants_hold": s.wants_hold,
                "branch": s.branch.code, "state": s.state, "decline_reason": s.decline_reason,
                "note_to_you": s.decline_note, "suggested_at": _iso(s.created_at),
                "ordered_at": _iso(s.ordered_at), "received_at": _iso(s.received_at),
            }
            for s in Suggestion.objects.filter(patron=patron).select_related("branch")
            .order_by("created_at", "pk")
        ],
        "title_requests": [
            {
                "isbn": r.isbn, "title": r.title, "author": r.author, "subject": r.subject,
                "branch": r.branch.code, "asked_at": _iso(r.created_at),
            }
            for r in TitleRequest.objects.filter(patron=patron).select_related("branch")
            .order_by("created_at", "pk")
        ],
    }
