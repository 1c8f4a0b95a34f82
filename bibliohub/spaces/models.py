"""Rooms and equipment that people book, the rules that govern booking them, and the bookings.
What happened to them is in the history (`spaces.kinds`).

Rooms and equipment share one table (`Resource`): a laptop is booked exactly like a study
room (a time span, the same rules, the same conflict check), only its `kind` differs. `Room`
and `Equipment` are proxies for code that means one or the other (the programmes app points
its events at `Room`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.i18n import localised
from bibliohub.libraries.models import Branch


class Kind(models.TextChoices):
    ROOM = "room", _("Room")
    EQUIPMENT = "equipment", _("Equipment")


class Feature(models.Model):
    """Something a room or a piece of equipment offers: a screen, a whiteboard, a hearing
    loop, step-free access. Librarians add their own."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("feature")
        verbose_name_plural = _("features")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class ResourceType(models.Model):
    """A kind of room or equipment that shares booking rules: study room, meeting room,
    laptop, projector."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ROOM)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("room or equipment type")
        verbose_name_plural = _("room and equipment types")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class Resource(models.Model):
    """A room or a piece of equipment of one branch."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="resources", verbose_name=_("branch")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ROOM)
    resource_type = models.ForeignKey(
        ResourceType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("type"),
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("How many people the room seats.")
    )
    features = models.ManyToManyField(
        Feature, blank=True, related_name="resources", verbose_name=_("features")
    )
    accessibility = models.TextField(
        _("accessibility notes"),
        blank=True,
        help_text=_("Step-free access, hearing loop, adjustable desk…"),
    )
    # A file, not an ImageField: no image library is needed to store a photo.
    photo = models.FileField(_("photo"), upload_to="spaces/photos/", blank=True)
    photo_alt = models.CharField(_("photo description"), max_length=200, blank=True)
    is_public = models.BooleanField(
        _("patrons can book it"),
        default=True,
        help_text=_("Untick for rooms only staff book (offices, the events hall)."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)

    class Meta:
        ordering = ["branch", "kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "code"], name="resource_code_unique_in_branch")
        ]
        verbose_name = _("room or equipment")
        verbose_name_plural = _("rooms and equipment")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


_R = TypeVar("_R", bound=Resource)


class _KindManager(models.Manager[_R]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[_R]:
        return super().get_queryset().filter(kind=self.kind)

    def create(self, **fields: Any) -> _R:
        fields["kind"] = self.kind
        return super().create(**fields)


class Room(Resource):
    objects: ClassVar[_KindManager[Self]] = _KindManager(Kind.ROOM)

    class Meta:
        proxy = True
        verbose_name = _("room")
        verbose_name_plural = _("rooms")


class Equipment(Resource):
    objects: ClassVar[_KindManager[Self]] = _KindManager(Kind.EQUIPMENT)

    class Meta:
        proxy = True
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")


class BookingRule(models.Model):
    """How a room, a type of room, or everything of one kind may be booked. The most specific
    rule applies: the resource's own, else its type's, else the default for its kind."""

    resource = models.OneToOneField(
        Resource,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rule",
        verbose_name=_("room or equipment"),
    )
    resource_type = models.OneToOneField(
        ResourceType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rule",
        verbose_name=_("type"),
    )
    kind = models.CharField(
        _("default for"), max_length=10, choices=Kind.choices, default=Kind.ROOM,
        help_text=_("Used when neither a room nor a type is chosen."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, help_text=_("Bookings start and end on these steps.")
    )
    max_minutes = models.PositiveIntegerField(_("longest booking (minutes)"), default=120)
    max_minutes_per_day = models.PositiveIntegerField(
        _("most minutes a patron may book a day"), null=True, blank=True
    )
    max_minutes_per_week = models.PositiveIntegerField(
        _("most minutes a patron may book a week"), null=True, blank=True
    )
    max_days_ahead = models.PositiveSmallIntegerField(_("bookable up to (days ahead)"), default=14)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("gap between bookings (minutes)"),
        default=0,
        help_text=_("Time to tidy the room or charge the laptop."),
    )
    needs_approval = models.BooleanField(_("staff approve each booking"), default=False)
    checkin_minutes = models.PositiveSmallIntegerField(
        _("check-in window (minutes)"),
        null=True,
        blank=True,
        help_text=_("A booking nobody checks in within this time after it starts is released."),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder (hours before)"), null=True, blank=True, default=24
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(resource__isnull=True) | Q(resource_type__isnull=True),
                name="booking_rule_for_one_scope",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(resource__isnull=True, resource_type__isnull=True),
                name="booking_rule_one_default_per_kind",
            ),
            models.CheckConstraint(condition=Q(slot_minutes__gt=0), name="booking_rule_slot_positive"),
        ]
        verbose_name = _("booking rule")
        verbose_name_plural = _("booking rules")

    def __str__(self) -> str:
        if self.resource_id:
            return str(self.resource)
        if self.resource_type_id:
            return str(self.resource_type)
        return str(_("Default for %(kind)s") % {"kind": self.get_kind_display()})

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    CONFIRMED = "confirmed", pgettext_lazy("room booking", "Confirmed")
    CHECKED_IN = "checked_in", pgettext_lazy("room booking", "Checked in")
    RETURNED = "returned", pgettext_lazy("room booking", "Returned")
    CANCELLED = "cancelled", pgettext_lazy("room booking", "Cancelled")
    DECLINED = "declined", _("Declined")
    RELEASED = "released", _("Released (nobody came)")


# The statuses that hold the room: a conflict is only with these.
ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)


class Booking(models.Model):
    """A room or a piece of equipment held from `start` to `end` for a patron, an outside
    group, or a programme's event occurrence."""

    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("room or equipment")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    status = models.CharField(
        _("status"), max_length=12, choices=BookingStatus.choices, default=BookingStatus.CONFIRMED
    )
    patron = models.ForeignKey(
        "patrons.Patron",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("patron"),
    )
    group_name = models.CharField(_("group or organisation"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    language = models.CharField(
        _("language for messages"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    # The programmes app's occurrence; an integer, not a foreign key, so that spaces does not
    # depend on programs (the dependency points the other way).
    occurrence_id = models.BigIntegerField(_("event occurrence"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    attendees = models.PositiveSmallIntegerField(_("number of people"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    created_at = models.DateTimeField(pgettext_lazy("time of booking", "booked"))
    decided_at = models.DateTimeField(_("approved or declined"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    returned_at = models.DateTimeField(pgettext_lazy("booking status", "returned"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    note = models.CharField(pgettext_lazy("remark", "note"), max_length=300, blank=True)

    class Meta:
        ordering = ["start", "resource"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="booking_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["resource", "start"]),
            # The overlap check asks "ends after T and starts before U": on (resource, end)
            # it reads only bookings still to come, however long the room's history.
            models.Index(fields=["resource", "end"], name="booking_resource_end"),
            models.Index(fields=["patron", "start"]),
            models.Index(fields=["status", "start"]),
            models.Index(fields=["occurrence_id"]),
        ]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")

    def __str__(self) -> str:
        return f"{self.resource} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def holder(self) -> str:
        """Who the booking is for, as staff lists show it."""
        if self.patron is not None:
            return self.patron.listed_name
        if self.group_name:
            return self.group_name
        if self.occurrence_id:
            return str(_("Event"))
        return ""
