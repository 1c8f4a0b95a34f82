"""Reads for the community screens, the public pages and the indicators.

`partner_dynamics` is what the "dynamics of partners" indicator reads: per year or quarter,
how many partners were active (did at least one thing with the library: a joint activity,
a referral either way, a co-hosted event date), how many were new (`Partner.since`), and how
many joint activities there were. `volunteer_hours` is the plan's "volunteer hours": the
confirmed hours, from the history's daily roll-ups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import FieldDoesNotExist
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractYear
from django.utils import timezone

from bibliohub.accounts import access
from bibliohub.accounts.models import User
from bibliohub.community import kinds
from bibliohub.community.models import (
    ActivityKind,
    CareerResource,
    HoursEntry,
    HoursStatus,
    Mentor,
    MentoringRequest,
    Partner,
    PartnerActivity,
    Referral,
    Shift,
    ShiftSignup,
    SignupStatus,
    Topic,
    Volunteer,
)
from bibliohub.history import selectors as history
from bibliohub.history.models import Entry
from bibliohub.history.services import object_type
from bibliohub.libraries.models import Branch, Network

Period = Literal["year", "quarter"]


# --- scoping ----------------------------------------------------------------------------------


def _branch_ids(user: User) -> list[int]:
    return list(access.branches_for(user).values_list("pk", flat=True))


def partners_for_staff(
    user: User,
    *,
    kind: str | None = None,
    branch: Branch | None = None,
    active: bool | None = None,
    text: str = "",
) -> QuerySet[Partner]:
    """Partners of the branches `user` works for (every partner for network-wide staff)."""
    partners = Partner.objects.all()
    if not user.is_network_wide:
        partners = partners.filter(branches__in=_branch_ids(user))
    if branch is not None:
        partners = partners.filter(branches=branch)
    if kind:
        partners = partners.filter(kind=kind)
    if active is not None:
        partners = partners.filter(is_active=active)
    if text:
        partners = partners.filter(Q(name__icontains=text) | Q(offers__icontains=text))
    return (
        Partner.objects.filter(pk__in=partners.values("pk"))
        .prefetch_related("branches", Prefetch("contacts"))
        .order_by("name", "pk")
    )


def referrals_for_staff(
    user: User,
    *,
    branch: Branch | None = None,
    direction: str | None = None,
    outcome: str | None = None,
    start: date | None = None,
    end: date | None = None,
    partner: Partner | None = None,
) -> QuerySet[Referral]:
    referrals = Referral.objects.filter(branch__in=_branch_ids(user))
    if branch is not None:
        referrals = referrals.filter(branch=branch)
    if partner is not None:
        referrals = referrals.filter(partner=partner)
    if direction:
        referrals = referrals.filter(direction=direction)
    if outcome:
        referrals = referrals.filter(outcome=outcome)
    if start:
        referrals = referrals.filter(on__gte=start)
    if end:
        referrals = referrals.filter(on__lte=end)
    return referrals.select_related("partner", "branch", "staff").order_by("-on", "-pk")


def activities_for_staff(user: User, *, partner: Partner | None = None) -> QuerySet[PartnerActivity]:
    """Joint activities at the user's branches, and those recorded for no branch in
    particular on partners the user can see."""
    visible = partners_for_staff(user).values("pk")
    activities = PartnerActivity.objects.filter(
        Q(branch__in=_branch_ids(user)) | Q(branch__isnull=True, partner__in=visible)
    )
    if partner is not None:
        activities = activities.filter(partner=partner)
    return activities.select_related("partner", "branch", "staff").order_by("-on", "-pk")


def co_hosted_events(partner: Partner) -> list[object]:
    """The events `partner` co-hosts, newest first; empty while the programmes app has no
    partners on its events."""
    if not _events_have_partners():
        return []
    return list(partner.events.select_related("branch").order_by("-pk"))  # type: ignore[attr-defined]


def volunteers_for_staff(
    user: User,
    *,
    branch: Branch | None = None,
    skill: str | None = None,
    active: bool | None = None,
    text: str = "",
) -> QuerySet[Volunteer]:
    volunteers = Volunteer.objects.all()
    if not user.is_network_wide:
        volunteers = volunteers.filter(branches__in=_branch_ids(user))
    if branch is not None:
        volunteers = volunteers.filter(branches=branch)
    if skill:
        volunteers = volunteers.filter(skills__code=skill)
    if active is not None:
        volunteers = volunteers.filter(is_active=active)
    if text:
        volunteers = volunteers.filter(Q(name__icontains=text) | Q(email__icontains=text))
    return (
        Volunteer.objects.filter(pk__in=volunteers.values("pk"))
        .select_related("patron")
        .prefetch_related("branches", "skills")
        .order_by("name", "pk")
    )


def shifts_for_staff(
    user: User,
    *,
    branch: Branch | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Shift]:
    shifts = Shift.objects.filter(branch__in=_branch_ids(user))
    if branch is not None:
        shifts = shifts.filter(branch=branch)
    if start is not None:
        shifts = shifts.filter(ends_at__gt=start)
    if end is not None:
        shifts = shifts.filter(starts_at__lt=end)
    return (
        shifts.select_related("branch")
        .annotate(signed_up=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED_UP)))
        .prefetch_related(
            Prefetch(
                "signups",
                queryset=ShiftSignup.objects.filter(status=SignupStatus.SIGNED_UP)
                .select_related("volunteer"),
                to_attr="live_signups",
            )
        )
        .order_by("starts_at", "pk")
    )


def open_shifts_for(volunteer: Volunteer, *, at: datetime) -> QuerySet[Shift]:
    """Shifts still to come at the volunteer's branches that have a free place."""
    return (
        Shift.objects.filter(
            branch__in=volunteer.branches.all(), starts_at__gt=at, is_cancelled=False
        )
        .annotate(signed_up=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED_UP)))
        .filter(signed_up__lt=F("capacity"))
        .exclude(
            pk__in=ShiftSignup.objects.filter(
                volunteer=volunteer, status=SignupStatus.SIGNED_UP
            ).values("shift")
        )
        .select_related("branch")
        .order_by("starts_at", "pk")
    )


def hours_for_staff(
    user: User,
    *,
    status: str | None = None,
    branch: Branch | None = None,
    volunteer: Volunteer | None = None,
    year: int | None = None,
) -> QuerySet[HoursEntry]:
    entries = HoursEntry.objects.filter(branch__in=_branch_ids(user))
    if status:
        entries = entries.filter(status=status)
    if branch is not None:
        entries = entries.filter(branch=branch)
    if volunteer is not None:
        entries = entries.filter(volunteer=volunteer)
    if year:
        entries = entries.filter(on__year=year)
    return entries.select_related("volunteer", "branch", "shift", "decided_by").order_by(
        "-on", "-pk"
    )


def volunteer_hours(
    *, start: date, end: date, network_id: int | None = None, branch_ids: list[int] | None = None
) -> Decimal:
    """Volunteer hours confirmed from `start` to `end` (local days, both included, by the day
    they were confirmed) at `branch_ids` (None: the whole network), from the history's daily
    roll-ups (what `history.rollup.roll_up` has counted)."""
    return history.total(
        [kinds.HOURS_CONFIRMED], start=start, end=end, network_id=network_id, branch_ids=branch_ids
    ).amount


@dataclass(frozen=True)
class HoursTotal:
    """Confirmed time, grouped by volunteer, branch or year (`label` names the group)."""

    key: int
    label: str
    minutes: int
    entries: int

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"))


def hours_totals(
    *,
    branches: Iterable[Branch | int],
    by: Literal["volunteer", "branch", "year"],
    year: int | None = None,
) -> list[HoursTotal]:
    """Confirmed volunteer time at `branches`, in one of three groupings, biggest first
    (years in order). Logged hours not yet confirmed, and refused ones, never count."""
    ids = [b if isinstance(b, int) else b.pk for b in branches]
    entries = HoursEntry.objects.filter(branch__in=ids, status=HoursStatus.CONFIRMED)
    if year:
        entries = entries.filter(on__year=year)
    rows: Iterable[Mapping[str, Any]]
    if by == "year":
        rows = (
            entries.annotate(y=ExtractYear("on")).values("y")
            .annotate(minutes=Sum("minutes"), entries=Count("pk")).order_by("y")
        )
        return [HoursTotal(r["y"], str(r["y"]), r["minutes"], r["entries"]) for r in rows]
    field_name = "volunteer" if by == "volunteer" else "branch"
    rows = (
        entries.values(field_name)
        .annotate(minutes=Sum("minutes"), entries=Count("pk"))
        .order_by("-minutes", field_name)
    )
    rows = list(rows)
    model = Volunteer if by == "volunteer" else Branch
    names = {
        o.pk: (o.name if isinstance(o, Volunteer) else o.display_name())
        for o in model.objects.filter(pk__in=[r[field_name] for r in rows])
    }
    return [
        HoursTotal(r[field_name], names[r[field_name]], r["minutes"], r["entries"]) for r in rows
    ]


# --- business and career ----------------------------------------------------------------------


def resources_for_staff(user: User, *, branch: Branch | None = None) -> QuerySet[CareerResource]:
    resources = CareerResource.objects.filter(branch__in=_branch_ids(user))
    if branch is not None:
        resources = resources.filter(branch=branch)
    return resources.select_related("branch")


@dataclass
class TopicLinks:
    topic: Topic
    resources: list[CareerResource] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.topic.label)


def public_resources(branch: Branch) -> list[TopicLinks]:
    """The published links of `branch`'s business and career page, by topic in the order
    of `Topic`, each topic in the order staff gave."""
    by_topic: dict[str, list[CareerResource]] = defaultdict(list)
    for resource in CareerResource.objects.filter(branch=branch, is_published=True).order_by(
        "sort_order", "pk"
    ):
        by_topic[resource.topic].append(resource)
    return [TopicLinks(Topic(t), by_topic[t]) for t in Topic.values if by_topic.get(t)]


def mentors_for_staff(
    user: User,
    *,
    kind: str | None = None,
    branch: Branch | None = None,
    topic: str | None = None,
    text: str = "",
) -> QuerySet[Mentor]:
    mentors = Mentor.objects.all()
    if not user.is_network_wide:
        mentors = mentors.filter(branches__in=_branch_ids(user))
    if branch is not None:
        mentors = mentors.filter(branches=branch)
    if kind:
        mentors = mentors.filter(kind=kind)
    if text:
        mentors = mentors.filter(
            Q(name__icontains=text) | Q(organisation__icontains=text) | Q(expertise__icontains=text)
        )
    result = (
        Mentor.objects.filter(pk__in=mentors.values("pk"))
        .select_related("partner")
        .prefetch_related("branches")
        .order_by("name", "pk")
    )
    return _with_topic(result, topic)


def public_mentors(
    network: Network | int, *, branch: Branch | None = None, topic: str | None = None
) -> list[Mentor]:
    """Mentors and businesses the public may see: active and agreed to be listed. Whoever
    has not agreed (or withdrew) is never returned, whatever the filters."""
    mentors = Mentor.objects.filter(
        network=network, is_active=True, public_consent_at__isnull=False
    )
    if branch is not None:
        mentors = mentors.filter(branches=branch)
    return list(_with_topic(mentors.prefetch_related("branches").order_by("kind", "name", "pk"), topic))


def _with_topic(mentors: QuerySet[Mentor], topic: str | None) -> QuerySet[Mentor]:
    # Topics are a short JSON list; SQLite has no JSON "contains", so filter on the few
    # matching ids read in Python.
    if not topic:
        return mentors
    ids = [pk for pk, topics in mentors.values_list("pk", "topics") if topic in (topics or [])]
    return mentors.filter(pk__in=ids)


def requests_for_staff(
    user: User, *, status: str | None = None, branch: Branch | None = None
) -> QuerySet[MentoringRequest]:
    requests = MentoringRequest.objects.filter(branch__in=_branch_ids(user))
    if status:
        requests = requests.filter(status=status)
    if branch is not None:
        requests = requests.filter(branch=branch)
    return requests.select_related("branch", "mentor", "wished_mentor", "patron").order_by(
        "-created_at", "-pk"
    )


# --- dynamics of partners ---------------------------------------------------------------------


@dataclass
class PartnerPeriod:
    """One year or quarter of working with partners."""

    label: str
    start: date
    end: date  # the first day after the period
    active_partners: int = 0
    new_partners: int = 0
    joint_activities: int = 0
    referrals: int = 0
    co_hosted_events: int = 0
    donations: int = 0
    donations_value: Decimal = Decimal(0)
    # Active partners compared with the period before, in per cent (None for the first).
    change: Decimal | None = None

    @property
    def activities(self) -> int:
        return self.joint_activities + self.referrals + self.co_hosted_events


def partner_dynamics(
    *,
    network: Network | int,
    start_year: int,
    end_year: int,
    period: Period = "year",
    branch: Branch | None = None,
) -> list[PartnerPeriod]:
    """Per year (or quarter) from `start_year` to `end_year` inclusive: partners active,
    new partners, joint activities, referrals both ways, co-hosted event dates (each date of
    a series counts, cancelled ones do not), donations in kind and their value, and the
    change in active partners from the period before. With `branch`, only what happened at
    that branch (and partners of that branch for the new ones). Joint activities and
    referrals count in the period they took place in (their date, which their entries keep),
    however late they were recorded: the activities of December entered in January belong
    to December.

    Joint activities and referrals are read from the history's entries about partners, not
    from the daily roll-ups: a partner active in several months of a year is one active
    partner of that year, which no sum of daily counts can tell, and neither the date an
    activity took place nor whether it was a donation is a rolled-up dimension. The entries
    are found through their object (the index on object type and id), so the query reads a
    network's entries about partners only, never the rest of the history. Co-hosted dates
    are read from the programmes' calendar, new partners from when each partner started.

    Four grouped queries, whatever the number of rows. Rows are put into their period by a
    CASE over the period boundaries, not by extracting year and quarter: SQLite extracts
    date parts in a Python function called once per row, which made this several times
    slower at a few hundred thousand rows."""
    periods = _periods(start_year, end_year, period)
    first, last = periods[0].start, periods[-1].end
    active: dict[int, set[int]] = defaultdict(set)

    # The date each took place, as ISO text ("2026-12-31"), which compares in date order.
    about_partners = Entry.objects.filter(
        object_type=object_type(Partner),
        domain=kinds.community.code,
        kind__in=[k.code for k in kinds.PARTNER_ACTIVITY],
        network_id=network if isinstance(network, int) else network.pk,
    ).annotate(
        # Cast, so that the comparisons are of text, not of JSON values.
        on=Cast(KT("detail__on"), output_field=CharField())
    ).filter(on__gte=first.isoformat(), on__lt=last.isoformat())
    if branch is not None:
        about_partners = about_partners.filter(branch_id=branch.pk)
    days = [p.end.isoformat() for p in periods]
    for row in _bucketed(about_partners, "on", periods, group=["kind", "object_id"], bounds=days):
        target = periods[row["period"]]
        if row["kind"] == kinds.ACTIVITY_RECORDED.code:
            target.joint_activities += row["n"]
        else:
            target.referrals += row["n"]
        active[row["period"]].add(row["object_id"])
    donations = about_partners.filter(
        kind=kinds.ACTIVITY_RECORDED.code, detail__type=ActivityKind.DONATION.value
    )
    for row in _bucketed(donations, "on", periods, group=[], bounds=days, total="amount"):
        periods[row["period"]].donations += row["n"]
        periods[row["period"]].donations_value += row["total"] or Decimal(0)

    if _events_have_partners():
        # One filter() call, so that the dates, their status and the range apply to the same
        # occurrence row (exclude() across the relation would drop a partner with any
        # cancelled date).
        field = "events__occurrences__starts_at"
        occurrences = Partner.objects.filter(
            network=network,
            **{f"{field}__gte": _aware(first), f"{field}__lt": _aware(last)},
            events__occurrences__status="scheduled",
        )
        if branch is not None:
            occurrences = occurrences.filter(events__branch=branch)
        bounds = [_aware(p.end) for p in periods]
        for row in _bucketed(occurrences, field, periods, group=["pk"], bounds=bounds,
                             count="events__occurrences"):
            periods[row["period"]].co_hosted_events += row["n"]
            active[row["period"]].add(row["pk"])

    new = Partner.objects.filter(network=network, since__gte=first, since__lt=last)
    if branch is not None:
        new = new.filter(branches=branch)
    for row in _bucketed(new, "since", periods, group=[], count="pk", distinct=True):
        periods[row["period"]].new_partners += row["n"]

    previous: PartnerPeriod | None = None
    for i, p in enumerate(periods):
        p.active_partners = len(active[i])
        if previous is not None and previous.active_partners:
            p.change = (
                Decimal(100 * (p.active_partners - previous.active_partners))
                / previous.active_partners
            ).quantize(Decimal("0.1"))
        previous = p
    return periods


def _bucketed(
    rows: QuerySet,
    field: str,
    periods: list[PartnerPeriod],
    *,
    group: list[str],
    bounds: Sequence[date | datetime | str] | None = None,
    count: str = "pk",
    distinct: bool = False,
    total: str | None = None,
) -> list[dict[str, Any]]:
    """`rows` counted per period (the index into `periods`) and per `group` fields."""
    ends = bounds or [p.end for p in periods]
    period = Case(
        *[When(**{f"{field}__lt": end}, then=Value(i)) for i, end in enumerate(ends)],
        output_field=IntegerField(),
    )
    aggregates: dict[str, Any] = {"n": Count(count, distinct=distinct)}
    if total:
        aggregates["total"] = Sum(total)
    return list(
        rows.annotate(period=period).values("period", *group).annotate(**aggregates).order_by()
    )


def _periods(start_year: int, end_year: int, period: Period) -> list[PartnerPeriod]:
    result = []
    for year in range(start_year, end_year + 1):
        if period == "year":
            result.append(PartnerPeriod(str(year), date(year, 1, 1), date(year + 1, 1, 1)))
            continue
        for q in range(4):
            start = date(year, 3 * q + 1, 1)
            end = date(year + (q == 3), (3 * q + 3) % 12 + 1, 1)
            result.append(PartnerPeriod(f"{year} Q{q + 1}", start, end))
    return result


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _events_have_partners() -> bool:
    try:
        Partner._meta.get_field("events")
    except FieldDoesNotExist:
        return False
    return True

