"""Reads for the public calendar, the staff lists and the exports, and the yearly figures of
participation (from the history's daily roll-ups)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from bibliohub.history import selectors as history
from bibliohub.history.models import Dimension
from bibliohub.programs import kinds, rules
from bibliohub.programs.models import (
    Attendance,
    Event,
    EventAudience,
    Occurrence,
    OccurrenceStatus,
    Registration,
    RegistrationMode,
    RegistrationStatus,
    WalkInCount,
)
from bibliohub.surveys.models import Answer as SurveyAnswer
from bibliohub.surveys.models import Participation as SurveyParticipation
from bibliohub.surveys.models import Survey
from bibliohub.surveys.services import event_feedback_slug, participation_digest

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Attended(TypedDict):
    attended: int


class OccurrenceCounts(TypedDict):
    own_taken: int
    own_waiting: int
    checked_in: int
    walk_in_total: int


def calendar_occurrences(
    *,
    start: date,
    end: date,
    branch_code: str = "",
    audience: str = "",
    category_code: str = "",
) -> QuerySet[Occurrence]:
    """Published dates from `start` to `end` (inclusive, local days), cancelled ones included
    so people see them crossed out, with what the calendar shows prefetched."""
    zone = timezone.get_current_timezone()
    occurrences = Occurrence.objects.filter(
        event__is_published=True,
        starts_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )
    if branch_code:
        occurrences = occurrences.filter(event__branch__code=branch_code)
    if audience:
        occurrences = occurrences.filter(event__audiences__band=audience)
    if category_code:
        occurrences = occurrences.filter(event__categories__code=category_code)
    return _with_event(occurrences.distinct().order_by("starts_at", "pk"))


def _with_event(occurrences: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return occurrences.select_related("event", "event__branch", "event__room").prefetch_related(
        Prefetch("event__audiences", queryset=EventAudience.objects.order_by("band")),
        "event__categories",
    )


def feed_occurrences(*, branch_code: str = "", audience: str = "", since: datetime) -> QuerySet[Occurrence]:
    """What a subscribed calendar receives: every published date from a month before `since`
    on (so a recently cancelled date still reaches subscribers as cancelled)."""
    occurrences = Occurrence.objects.filter(
        event__is_published=True, ends_at__gte=since - timedelta(days=31)
    )
    if branch_code:
        occurrences = occurrences.filter(event__branch__code=branch_code)
    if audience:
        occurrences = occurrences.filter(event__audiences__band=audience)
    return _with_event(occurrences.distinct().order_by("starts_at", "pk"))


def places_taken(occurrence: Occurrence) -> tuple[int, int]:
    """(places taken, people waiting) for the registration that `occurrence` belongs to."""
    event = occurrence.event
    if event.registration == RegistrationMode.SERIES:
        registrations = Registration.objects.filter(event=event, occurrence__isnull=True)
    else:
        registrations = Registration.objects.filter(occurrence=occurrence)
    counts = registrations.aggregate(
        taken=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return counts["taken"], counts["waiting"]


def places_by_date(event: Event, occurrences: list[Occurrence]) -> dict[int | None, tuple[int, int]]:
    """(places taken, people waiting) for each of `occurrences` in one query; for an event
    registered as a series, under the key None."""
    registrations = Registration.objects.filter(event=event)
    if event.registration == RegistrationMode.SERIES:
        registrations = registrations.filter(occurrence__isnull=True)
    else:
        registrations = registrations.filter(occurrence__in=occurrences)
    rows = registrations.values("occurrence").annotate(
        taken=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITLISTED)),
    )
    return {row["occurrence"]: (row["taken"], row["waiting"]) for row in rows}


def series_places_taken(event: Event) -> int:
    return Registration.objects.filter(
        event=event, occurrence__isnull=True, status=RegistrationStatus.CONFIRMED
    ).count()


def registrations_for(occurrence: Occurrence) -> QuerySet[WithAnnotations[Registration, Attended]]:
    """Everyone registered for `occurrence` (its own registrations, or the series'), places
    first, then the waiting list in order, then cancellations; with `attended` annotated."""
    event = occurrence.event
    if event.registration == RegistrationMode.SERIES:
        registrations = Registration.objects.filter(event=event, occurrence__isnull=True)
    else:
        registrations = Registration.objects.filter(occurrence=occurrence)
    return (
        registrations.select_related("patron", "registered_by")
        .annotate(attended=Count("attendances", filter=Q(attendances__occurrence=occurrence)))
        .order_by("status", "waitlisted_at", "created_at", "pk")
    )


@dataclass(frozen=True)
class AttendanceSummary:
    registered: int
    attended: int
    walk_ins: dict[str, int]

    @property
    def walk_in_total(self) -> int:
        return sum(self.walk_ins.values())

    @property
    def total(self) -> int:
        return self.attended + self.walk_in_total

    @property
    def did_not_come(self) -> int:
        return max(0, self.registered - self.attended)


def attendance_summary(occurrence: Occurrence) -> AttendanceSummary:
    """Registered against attended, and walk-ins by age band."""
    registered, _waiting = places_taken(occurrence)
    attended = Attendance.objects.filter(occurrence=occurrence).count()
    walk_ins = dict(
        WalkInCount.objects.filter(occurrence=occurrence).values_list("band", "count")
    )
    return AttendanceSummary(registered=registered, attended=attended, walk_ins=walk_ins)


def staff_occurrences(
    *, branch_ids: list[int] | None, start: datetime, end: datetime
) -> QuerySet[WithAnnotations[Occurrence, OccurrenceCounts]]:
    """Dates at the given branches (None: every branch) with places taken, waiting list,
    check-ins and walk-ins counted in one query."""
    occurrences = Occurrence.objects.filter(starts_at__gte=start, starts_at__lt=end)
    if branch_ids is not None:
        occurrences = occurrences.filter(event__branch_id__in=branch_ids)
    return (
        occurrences.select_related("event", "event__branch")
        .annotate(
            own_taken=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED), distinct=True
            ),
            own_waiting=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.WAITLISTED), distinct=True
            ),
            # Subqueries, so the joins above do not multiply these.
            checked_in=Coalesce(
                Subquery(
                    Attendance.objects.filter(occurrence=OuterRef("pk"))
                    .values("occurrence").annotate(n=Count("pk")).values("n")
                ),
                0,
            ),
            walk_in_total=Coalesce(
                Subquery(
                    WalkInCount.objects.filter(occurrence=OuterRef("pk"))
                    .values("occurrence").annotate(n=Sum("count")).values("n")
                ),
                0,
            ),
        )
        .order_by("starts_at", "pk")
    )


def upcoming_dates(event: Event, *, at: datetime) -> QuerySet[Occurrence]:
    return event.occurrences.filter(ends_at__gt=at).order_by("starts_at")


def scheduled(occurrences: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
    return occurrences.filter(status=OccurrenceStatus.SCHEDULED)


@dataclass(frozen=True)
class Participation:
    """Dates held and people present over a period, as the yearly statistics need: the dates
    from the calendar, the people from the history's daily roll-ups (check-ins less undone
    ones, and walk-in counts), by format and by age band."""

    dates_held: dict[str, int]  # format -> dates not cancelled
    by_format: dict[str, int]  # format -> people present
    by_band: dict[str, int]  # age band -> people present; "" for people whose age nobody gave
    total_present: int

    @property
    def per_date(self) -> Decimal:
        """People present per date held, on average."""
        dates = sum(self.dates_held.values())
        if not dates:
            return Decimal(0)
        return (Decimal(self.total_present) / dates).quantize(Decimal("0.1"), ROUND_HALF_UP)


def participation(
    *, start: date, end: date, network_id: int | None = None, branch_ids: list[int] | None = None
) -> Participation:
    """What happened from `start` to `end` (local days, both included) at the given branches
    (None: all): dates held by the day they took place; people present by the day they were
    checked in or counted, as rolled up by `history.rollup.roll_up`. A patron's age becomes
    their age band; a guest's or a walk-in count's band is taken as recorded."""
    zone = timezone.get_current_timezone()
    occurrences = Occurrence.objects.filter(
        starts_at__gte=datetime.combine(start, time.min, tzinfo=zone),
        starts_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
        status=OccurrenceStatus.SCHEDULED,
    )
    if network_id is not None:
        occurrences = occurrences.filter(event__branch__network_id=network_id)
    if branch_ids is not None:
        occurrences = occurrences.filter(event__branch_id__in=branch_ids)
    held = dict(
        occurrences.values_list("event__format").annotate(n=Count("pk")).values_list("event__format", "n")
    )
    total = history.total(
        kinds.ATTENDANCE, start=start, end=end, network_id=network_id, branch_ids=branch_ids
    ).quantity

    def by(dimension: Dimension) -> dict[str, int]:
        found = history.breakdown(
            kinds.ATTENDANCE, dimension, start=start, end=end, network_id=network_id,
            branch_ids=branch_ids,
        )
        return {value: part.quantity for (value,), part in found.items() if part.quantity}

    by_band: dict[str, int] = defaultdict(int)
    for age, present in by(Dimension.AGE).items():
        by_band[str(rules.age_band(int(age)))] += present
    for band, present in by(Dimension.AGE_BAND).items():
        by_band[band] += present
    by_band[""] += total - sum(by_band.values())
    return Participation(
        dates_held=held,
        by_format=by(Dimension.FORMAT),
        by_band={band: n for band, n in by_band.items() if n},
        total_present=total,
    )


# --- Feedback (answered through the network's event feedback survey) ---------------------------


def feedback_survey(network_id: int) -> Survey | None:
    """The network's event feedback survey, if one was made yet."""
    return Survey.objects.filter(slug=event_feedback_slug(network_id)).first()


def feedback_due(registration: Registration, *, at: datetime) -> list[Occurrence]:
    """The dates that ended by `at` at which `registration` was checked in and that it has
    not given feedback on yet, earliest first."""
    attended = [
        a.occurrence for a in Attendance.objects.filter(
            registration=registration, occurrence__ends_at__lte=at
        ).select_related("occurrence").order_by("occurrence__starts_at")
    ]
    if not attended:
        return []
    survey = feedback_survey(registration.event.branch.network_id)
    if survey is None:
        return attended
    digests = {
        participation_digest(survey.pk, rules.feedback_participant(registration.pk, o.pk)): o
        for o in attended
    }
    given = set(SurveyParticipation.objects.filter(
        survey=survey, digest__in=list(digests)
    ).values_list("digest", flat=True))
    return [o for digest, o in digests.items() if digest not in given]


@dataclass(frozen=True)
class Rating:
    """The feedback on an event: how many rated it and their mean score (on the feedback
    survey's satisfaction question, 1 to 5 unless staff changed its scale)."""

    count: int
    mean: Decimal | None


def event_rating(event: Event) -> Rating:
    """How the people who came rated `event`: the answers to the satisfaction question of
    the network's feedback survey about its dates (the ratings given before the survey
    existed were carried into it, so the figure runs on)."""
    survey = feedback_survey(event.branch.network_id)
    if survey is None:
        return Rating(0, None)
    found = SurveyAnswer.objects.filter(
        question__survey=survey, question__is_satisfaction=True, number__isnull=False,
        response__complete=True, response__about_type=rules.FEEDBACK_ABOUT,
        response__about_id__in=Occurrence.objects.filter(event=event).values("pk"),
    ).aggregate(n=Count("pk"), total=Sum("number"))
    if not found["n"]:
        return Rating(0, None)
    mean = (Decimal(found["total"]) / found["n"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Rating(found["n"], mean)
