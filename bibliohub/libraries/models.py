"""The library network: branches, shelving locations and the opening calendar."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.i18n import localised


class Network(models.Model):
    """The organisation that runs the branches: a centralised library system, a city library,
    a school. One installation normally holds one network."""

    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    website = models.URLField(_("website"), blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="UAH",
        help_text=_("ISO 4217 code of the money fines and payments are in, e.g. UAH, USD, PLN."),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class Branch(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="branches")
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    is_central = models.BooleanField(_("central library"), default=False)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class Location(models.Model):
    """A shelving location inside a branch: adult fiction, children's corner, reference."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="locations")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)

    class Meta:
        ordering = ["branch", "code"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "code"], name="location_code_unique_in_branch")
        ]
        verbose_name = _("shelving location")
        verbose_name_plural = _("shelving locations")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningPeriod(models.Model):
    """One period of the regular week: a branch may open twice a day (a lunch break)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="opening_periods")
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    opens = models.TimeField(pgettext_lazy("opening hours", "opens"))
    closes = models.TimeField(pgettext_lazy("opening hours", "closes"))

    class Meta:
        ordering = ["branch", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")), name="opening_period_closes_after_opens"
            )
        ]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening periods")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class CalendarException(models.Model):
    """A dated change to the regular week: a holiday or closed day (no periods), or different
    hours that day (shorter or extended). An exception with branch=None applies to every
    branch of the network (a public holiday)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="exceptions")
    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="exceptions", null=True, blank=True
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(pgettext_lazy("opening hours", "opens"), null=True, blank=True)
    closes = models.TimeField(pgettext_lazy("opening hours", "closes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "branch"]
        indexes = [models.Index(fields=["branch", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True) | (Q(opens__isnull=False) & Q(closes__isnull=False)),
                name="calendar_exception_open_needs_hours",
            )
        ]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date} {self.reason}"

