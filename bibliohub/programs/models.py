"""Programmes and events: an event (one-off or a series), its occurrences, registrations with a
waitlist, attendance, contest submissions and feedback. Audience and format are captured when
the event is created, and every history entry about the event keeps them (`programs.kinds`),
so yearly statistics read them as they were."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from bibliohub.i18n import localised
from bibliohub.libraries.models import Branch, Network


class Audience(models.TextChoices):
    """The age bands of the yearly programme statistics."""

    EARLY_YEARS = "0-5", _("Ages 0–5")
    CHILDREN = "6-11", _("Ages 6–11")
    TEENS = "12-18", _("Ages 12–18")
    ADULTS = "19+", _("Adults (19+)")
    ALL_AGES = "all", _("All ages")


class Format(models.TextChoices):
    ON_SITE = "on_site", _("At the library")
    OFF_SITE = "off_site", _("Away from the library")
    ONLINE = "online", _("Live online")
    HYBRID = "hybrid", _("At the library and online")
    RECORDED = "recorded", _("Recorded")


class EventKind(models.TextChoices):
    PROGRAMME = "programme", _("Event")
    READING_ACTIVITY = "reading", _("Reading activity")
    CONTEST = "contest", _("Contest")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration: just come")
    PER_OCCURRENCE = "occurrence", _("Register for each date")
    SERIES = "series", _("Register once for the whole series")


class Category(models.Model):
    """Story time, book club, language café, digital skills…: librarians keep the list."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class ProgramPolicy(models.Model):
    """A network's choices for its programmes. The no-show rule is off unless a library
    switches it on: after `no_show_limit` missed events within `no_show_period_days`, a patron
    or guest e-mail cannot register for `no_show_pause_days`."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="program_policy")
    no_show_rule = models.BooleanField(_("pause registration after repeated no-shows"), default=False)
    no_show_limit = models.PositiveSmallIntegerField(_("missed events allowed"), default=3)
    no_show_period_days = models.PositiveSmallIntegerField(_("counted over (days)"), default=90)
    no_show_pause_days = models.PositiveSmallIntegerField(_("pause (days)"), default=30)
    reminder_hours = models.PositiveSmallIntegerField(
        _("send reminders (hours before)"), default=24
    )

    class Meta:
        verbose_name = _("programme policy")
        verbose_name_plural = _("programme policies")

    def __str__(self) -> str:
        return str(self.network)


class Event(models.Model):
    """What the public sees in the calendar: story time, a book club, an essay contest. A
    series has one row here and one Occurrence per date."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="events", verbose_name=_("branch")
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=EventKind.choices, default=EventKind.PROGRAMME
    )
    title = models.CharField(_("title"), max_length=200)
    titles = models.JSONField(_("title in each language"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("description in each language"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    room = models.ForeignKey(
        "spaces.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="events",
        verbose_name=_("room"), help_text=_("Each date books the room."),
    )
    place = models.CharField(
        _("place in the branch"), max_length=200, blank=True,
        help_text=_("Shown to the public when no room is booked, e.g. the garden."),
    )
    address = models.TextField(_("address away from the library"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="organised_events", verbose_name=_("organiser"),
    )
    presenters = models.JSONField(_("presenters"), default=list, blank=True)
    partners = models.ManyToManyField(
        "community.Partner", blank=True, related_name="events", verbose_name=_("co-hosted with")
    )
    categories = models.ManyToManyField(
        Category, blank=True, related_name="events", verbose_name=_("categories")
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    registration = models.CharField(
        _("registration"), max_length=12, choices=RegistrationMode.choices,
        default=RegistrationMode.PER_OCCURRENCE,
    )
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    waitlist = models.BooleanField(_("keep a waiting list when full"), default=True)
    registration_opens_days = models.PositiveSmallIntegerField(
        _("registration opens (days before)"), null=True, blank=True,
        help_text=_("Leave empty to open registration as soon as the event is published."),
    )
    registration_closes_hours = models.PositiveSmallIntegerField(
        _("registration closes (hours before)"), default=0
    )
    recurrence = models.CharField(
        _("repeats (RRULE)"), max_length=300, blank=True,
        help_text=_("For example FREQ=WEEKLY;COUNT=10 for ten weeks."),
    )
    submissions_close_at = models.DateTimeField(_("entries close"), null=True, blank=True)
    is_published = models.BooleanField(_("shown to the public"), default=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["branch", "title"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return localised(self.titles, self.title, language)

    def display_description(self, language: str | None = None) -> str:
        return localised(self.descriptions, self.description, language)

    def title_language(self, language: str | None = None) -> str:
        """The language the displayed title is in, for the lang attribute."""
        language = (language or get_language() or "en").lower()
        for code in (language, language.split("-")[0]):
            if self.titles.get(code):
                return code
        return next((k for k, v in self.titles.items() if v == self.title), "") or "en"

    @property
    def audience_bands(self) -> list[str]:
        return [a.band for a in self.audiences.all()]

    @property
    def is_series(self) -> bool:
        return bool(self.recurrence)


class EventAudience(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audiences")
    band = models.CharField(_("audience"), max_length=5, choices=Audience.choices)

    class Meta:
        ordering = ["event", "band"]
        constraints = [
            models.UniqueConstraint(fields=["event", "band"], name="event_audience_once")
        ]
        indexes = [models.Index(fields=["band", "event"])]

    def __str__(self) -> str:
        return self.get_band_display()


class OccurrenceStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")


class Occurrence(models.Model):
    """One date of an event. A date of a series can be moved or cancelled on its own; the
    series rule is not re-applied afterwards."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(
        _("status"), max_length=10, choices=OccurrenceStatus.choices,
        default=OccurrenceStatus.SCHEDULED,
    )
    changed = models.BooleanField(_("changed from the series"), default=False)
    note = models.CharField(_("note to the public"), max_length=300, blank=True)
    # Raised on every change, so calendar programs replace their copy (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    attendance_closed_at = models.DateTimeField(_("attendance closed"), null=True, blank=True)
    # When the date was counted as held (HELD), once it was over.
    held_counted_at = models.DateTimeField(_("counted as held"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="occurrence_ends_after_start"
            )
        ]
        verbose_name = _("date of an event")
        verbose_name_plural = _("dates of events")

    def __str__(self) -> str:
        return f"{self.event} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == OccurrenceStatus.CANCELLED


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Has a place")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("event", "Cancelled")


class Registration(models.Model):
    """A place (or a place on the waiting list) for one person: for one date of an event, or
    for the whole series (occurrence empty). The attendee is a patron, or a guest known by
    name; a guardian may register a child. `contact_email` and `language` are where notices
    go."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.CASCADE, null=True, blank=True, related_name="registrations"
    )
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="event_registrations", verbose_name=_("patron"),
    )
    registered_by = models.ForeignKey(
        "patrons.Patron", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("registered by (guardian)"),
    )
    attendee_name = models.CharField(_("name of the person attending"), max_length=200)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(
        _("language for messages"), max_length=10, choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    age_band = models.CharField(_("age band"), max_length=5, choices=Audience.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    # The secret in a guest's cancellation link.
    token = models.CharField(max_length=43, unique=True)
    created_at = models.DateTimeField(_("registered"))
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("registered by staff"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["occurrence", "status", "created_at"]),
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["patron", "status"]),
            models.Index(fields=["contact_email"]),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return self.attendee_name

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class Attendance(models.Model):
    """A registrant checked in at one date."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendances")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "registration"], name="attendance_once_per_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration} @ {self.occurrence}"


class WalkInCount(models.Model):
    """People who came without registering, counted by age band after the event."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="walk_ins")
    band = models.CharField(_("age band"), max_length=5, choices=Audience.choices)
    count = models.PositiveIntegerField(_("people"))

    class Meta:
        ordering = ["occurrence", "band"]
        constraints = [
            models.UniqueConstraint(fields=["occurrence", "band"], name="walk_in_band_once")
        ]

    def __str__(self) -> str:
        return f"{self.band}: {self.count}"


class Submission(models.Model):
    """An entry to a contest or a reading activity: text, a file or both; staff record the
    result."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="submissions")
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=200)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    age_band = models.CharField(_("age band"), max_length=5, choices=Audience.choices, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="programs/submissions/%Y/", blank=True)
    submitted_at = models.DateTimeField(_("submitted"))
    result = models.CharField(_("result"), max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(pgettext_lazy("ranking in a contest", "place"), null=True, blank=True)
    result_published = models.BooleanField(_("result shown to the public"), default=False)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["event", "rank", "submitted_at"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self) -> str:
        return self.title


class Feedback(models.Model):
    """A rating and a comment from someone who attended, as they were given before feedback
    was asked for through the network's event feedback survey (migration 0005 carried every
    row into it). Read-only: nothing writes here any more."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "registration"], name="feedback_once_per_date"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{self.rating}/5"
