"""The circulation rules librarians edit: one table keyed by (branch, patron category, item
type), each part optional, and the school terms that give fixed due dates. How a rule is
chosen and what it means for a due date is in rules.py."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bibliohub.catalog.models import ItemType
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import PatronCategory


class LoanUnit(models.TextChoices):
    DAYS = "days", _("Days")
    HOURS = "hours", _("Hours")


class CalendarMode(models.TextChoices):
    """How the branch calendar shapes a due date. For loans in hours, the first mode keeps the
    loan inside opening hours (due at closing time at the latest) and the second moves a due
    time that falls while the branch is closed to when it next opens."""

    OPEN_DAYS = "open_days", _("Count only open days")
    NEXT_OPEN_DAY = "next_open_day", _("Move to the next open day")
    IGNORE = "ignore", _("Ignore the calendar")


class CirculationRule(models.Model):
    """A complete loan policy for one (branch, category, item type) combination; an empty
    part means "any". The most specific rule that matches wins as a whole (see
    rules.SPECIFICITY for the order)."""

    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
        help_text=_("Empty: every branch."),
    )
    patron_category = models.ForeignKey(
        PatronCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("patron category"),
        help_text=_("Empty: every category."),
    )
    item_type = models.ForeignKey(
        ItemType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("item type"),
        help_text=_("Empty: every item type."),
    )

    loan_period = models.PositiveIntegerField(
        _("loan period"), default=21, help_text=_("0: not for loan.")
    )
    loan_unit = models.CharField(
        _("unit"), max_length=5, choices=LoanUnit.choices, default=LoanUnit.DAYS
    )
    renewals_allowed = models.PositiveSmallIntegerField(_("renewals allowed"), default=2)
    renewal_period = models.PositiveIntegerField(
        _("renewal period"),
        null=True,
        blank=True,
        help_text=_("In the same unit as the loan period. Empty: the loan period."),
    )
    max_loans = models.PositiveIntegerField(
        _("maximum loans"),
        null=True,
        blank=True,
        help_text=_("Items the patron may have out in all. Empty: no limit."),
    )
    max_loans_of_type = models.PositiveIntegerField(
        _("maximum loans of this item type"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit."),
    )
    holds_allowed = models.BooleanField(_("holds allowed"), default=True)
    hold_pickup_days = models.PositiveSmallIntegerField(
        _("days to pick up a hold"),
        default=7,
        help_text=_("How long a hold waits on the hold shelf."),
    )
    fine_per_day = models.DecimalField(
        _("overdue fine per day"),
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text=_("0: no overdue fines."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace days"),
        default=0,
        help_text=_("Days overdue before a fine is charged; once past them, every day counts."),
    )
    fine_cap = models.DecimalField(
        _("maximum fine per loan"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no maximum."),
    )
    max_fines_before_block = models.DecimalField(
        _("fines that block borrowing"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A patron owing more than this cannot borrow. Empty: never blocks."),
    )
    calendar_mode = models.CharField(
        _("closed days"),
        max_length=15,
        choices=CalendarMode.choices,
        default=CalendarMode.NEXT_OPEN_DAY,
        help_text=_(
            "Count only open days: closed days do not count towards the loan period (hour "
            "loans end by closing time). Move to the next open day: a due date on a closed "
            "day moves to the next open one (hour loans: to the next opening). Ignore the "
            "calendar: due exactly after the loan period."
        ),
    )
    due_at_end_of_term = models.BooleanField(
        _("due at the end of term"),
        default=False,
        help_text=_("During a school term, loans are due on the term's due date instead."),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        constraints = [
            # One rule per combination. NULL means "any" here, and NULLs never collide in a
            # plain unique index, so the index is on the ids with NULL read as 0.
            models.UniqueConstraint(
                Coalesce("branch", Value(0)),
                Coalesce("patron_category", Value(0)),
                Coalesce("item_type", Value(0)),
                name="circulation_rule_one_per_combination",
                violation_error_message=_(
                    "There is already a rule for this branch, category and item type."
                ),
            ),
            models.CheckConstraint(
                condition=Q(fine_per_day__gte=0)
                & (Q(fine_cap__isnull=True) | Q(fine_cap__gte=0))
                & (Q(max_fines_before_block__isnull=True) | Q(max_fines_before_block__gte=0)),
                name="circulation_rule_amounts_not_negative",
            ),
        ]
        verbose_name = _("circulation rule")
        verbose_name_plural = _("circulation rules")

    def __str__(self) -> str:
        any_ = _("any")
        parts = (
            str(self.branch) if self.branch_id else any_,
            str(self.patron_category) if self.patron_category_id else any_,
            str(self.item_type) if self.item_type_id else any_,
        )
        return " / ".join(str(p) for p in parts)


class Term(models.Model):
    """A school term: loans made under a rule that is "due at the end of term" are due on the
    term's due date, and borrowing is open only during its borrowing window."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    branch = models.ForeignKey(
        Branch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
        help_text=_("Empty: every branch of the network."),
    )
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    due_on = models.DateField(
        _("all loans due"), null=True, blank=True, help_text=_("Empty: the last day of term.")
    )
    borrowing_starts_on = models.DateField(
        _("borrowing opens"), null=True, blank=True, help_text=_("Empty: the first day.")
    )
    borrowing_ends_on = models.DateField(
        _("borrowing closes"), null=True, blank=True, help_text=_("Empty: the last day.")
    )

    class Meta:
        ordering = ["starts_on", "branch"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("starts_on")),
                name="term_due_date_inside_term",
            ),
            models.CheckConstraint(
                condition=Q(borrowing_starts_on__isnull=True)
                | Q(borrowing_ends_on__isnull=True)
                | Q(borrowing_ends_on__gte=models.F("borrowing_starts_on")),
                name="term_borrowing_window_in_order",
            ),
        ]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return f"{self.display_name()} ({self.starts_on}–{self.ends_on})"

    def display_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en").lower()
        return self.names.get(language) or self.names.get(language.split("-")[0]) or self.name

    @property
    def fixed_due_date(self) -> date:
        return self.due_on or self.ends_on

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def borrowing_open_on(self, day: date) -> bool:
        return (
            (self.borrowing_starts_on or self.starts_on)
            <= day
            <= (self.borrowing_ends_on or self.ends_on)
        )
