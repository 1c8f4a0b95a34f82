"""What the system cannot see and people count: visits, reference questions, public
computer and Wi-Fi sessions, by branch and day (the daily record book Ukrainian libraries
keep), the counts gate counters report, and the yearly figures of a branch or the network
(the population it serves, its staff, its budget).

Every count is also in the history (daybook.kinds), where the figures are read from; these
rows are what the screens show and edit, and what a correction is the difference from."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.libraries.models import Branch, Network


class Measure(models.TextChoices):
    """What is counted by day."""

    VISITS = "visits", pgettext_lazy("daybook", "Visits")
    REFERENCE_QUESTIONS = "reference_questions", pgettext_lazy("daybook", "Reference questions")
    COMPUTER_SESSIONS = "computer_sessions", pgettext_lazy("daybook", "Public computer sessions")
    WIFI_SESSIONS = "wifi_sessions", pgettext_lazy("daybook", "Wi-Fi sessions")


class DailyCount(models.Model):
    """How many of a measure a branch counted on a day."""

    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("day"))
    measure = models.CharField(_("what"), max_length=30, choices=Measure.choices)
    value = models.PositiveIntegerField(_("count"))
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["branch", "day", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "day", "measure"], name="daily_count_once")
        ]
        verbose_name = _("daily count")
        verbose_name_plural = _("daily counts")

    def __str__(self) -> str:
        return f"{self.branch_id} {self.day} {self.measure}: {self.value}"


class Figure(models.TextChoices):
    """What is entered for a year."""

    POPULATION = "population", pgettext_lazy("daybook", "Population to be served")
    STAFF_FTE = "staff_fte", pgettext_lazy("daybook", "Staff (full-time equivalents)")
    BUDGET = "budget", pgettext_lazy("daybook", "Budget")


class YearlyFigure(models.Model):
    """A figure of a branch (or, without one, of the whole network) for a year."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    year = models.PositiveSmallIntegerField(_("year"))
    figure = models.CharField(_("figure"), max_length=20, choices=Figure.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["year", "branch", "figure"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year", "figure"],
                condition=Q(branch__isnull=False),
                name="yearly_figure_of_branch_once",
            ),
            models.UniqueConstraint(
                fields=["network", "year", "figure"],
                condition=Q(branch__isnull=True),
                name="yearly_figure_of_network_once",
            ),
        ]
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")

    def __str__(self) -> str:
        return f"{self.year} {self.figure}: {self.value}"


class GateCounter(models.Model):
    """A device at a branch's door that counts people coming in and reports the counts to
    the REST API with a token of its own (only its SHA-256 is kept)."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Which door, e.g. Main entrance."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=4, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added"))
    last_reading_at = models.DateTimeField(_("last count received"), null=True, blank=True)

    class Meta:
        ordering = ["branch", "name"]
        verbose_name = _("gate counter")
        verbose_name_plural = _("gate counters")

    def __str__(self) -> str:
        return self.name


class GateReading(models.Model):
    """The people a gate counter counted from `start` to `end`. A device sends a period
    again (after losing the answer, or corrected): the same period is one reading."""

    counter = models.ForeignKey(GateCounter, on_delete=models.PROTECT, related_name="readings")
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    count = models.PositiveIntegerField(_("people"))
    received_at = models.DateTimeField(_("received"))

    class Meta:
        ordering = ["counter", "start"]
        constraints = [
            models.UniqueConstraint(fields=["counter", "start"], name="gate_reading_once"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="gate_reading_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.start:%Y-%m-%d %H:%M}: {self.count}"
