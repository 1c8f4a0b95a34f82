"""The circulation rules librarians edit: one table keyed by (branch, patron category, item
type), each part optional, and the school terms that give fixed due dates. How a rule is
chosen and what it means for a due date is in rules.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.catalog.models import ItemType
from bibliohub.i18n import localised
from bibliohub.libraries.models import Branch, Network
from bibliohub.patrons.models import AgeBand, PatronCategory


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


class RenewalBase(models.TextChoices):
    """What a renewal's period counts from. From the due date (Koha's RenewalPeriodBase
    default): renewing early gives the reader the whole renewal period on top of the time
    left. From the day of the renewal: the period starts again today, so renewing too early
    would not move the due date, and is refused as too soon."""

    DUE_DATE = "due_date", _("From the due date")
    RENEWAL_DAY = "renewal_day", _("From the day of the renewal")


class FineDays(models.TextChoices):
    """Which days overdue fines count (Koha's finesCalendar, Evergreen's "charge fines on
    closed days"): readers do not expect to be fined for days the library was closed."""

    OPEN_DAYS = "open_days", _("Only days the branch is open")
    ALL_DAYS = "all_days", _("Every day, closed days included")


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
    renewal_base = models.CharField(
        _("renewal counts from"),
        max_length=11,
        choices=RenewalBase.choices,
        default=RenewalBase.DUE_DATE,
        help_text=_(
            "From the due date: a renewal adds the renewal period to the current due date "
            "(to today for an overdue loan), so renewing early costs the reader nothing. From "
            "the day of the renewal: the renewal period starts on the day the loan is renewed, "
            "and a renewal that would not move the due date is refused as too soon."
        ),
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
    renew_if_other_copies = models.BooleanField(
        _("renew when other copies can fill the holds"),
        default=True,
        help_text=_(
            "Let a loan be renewed while readers wait for its title, if other copies on the "
            "shelf can fill every waiting hold. A hold on this very copy always stops a renewal."
        ),
    )
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
        help_text=_(
            "Fined days overdue before a fine is charged; once past them, every fined day counts."
        ),
    )
    fine_cap = models.DecimalField(
        _("maximum fine per loan"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no maximum."),
    )
    fine_days = models.CharField(
        _("days fined"),
        max_length=10,
        choices=FineDays.choices,
        default=FineDays.OPEN_DAYS,
        help_text=_(
            "Only days the branch is open: a day on which the lending branch is closed is not "
            "fined (for hour loans, nor is time outside opening hours). Every day: closed days "
            "are fined too."
        ),
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
    note = models.CharField(pgettext_lazy("remark", "note"), max_length=255, blank=True)

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
        verbose_name = pgettext_lazy("school term", "term")
        verbose_name_plural = _("terms")

    def __str__(self) -> str:
        return f"{self.display_name()} ({self.starts_on}–{self.ends_on})"

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)

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


# --- Circulation ----------------------------------------------------------------------------
#
# Loans, holds, transfers and fines. Every operation on them records what it did in the one
# history (bibliohub.history, kinds in circulation/kinds.py). Loans keep the patron's
# category, age band and home branch, so that anonymisation and erasure can clear the patron
# link and leave what the loan was intact.


class LoanOutcome(models.TextChoices):
    RETURNED = "returned", pgettext_lazy("circulation", "Returned")
    LOST = "lost", _("Lost")
    CLAIMS_RETURNED = "claims_returned", _("Claimed returned")


class Loan(models.Model):
    """One item lent to one patron. Open while `returned_at` is empty; at most one open loan
    per item, enforced by the database so that two desks cannot both lend the same copy."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.PROTECT, related_name="loans", verbose_name=_("item")
    )
    # Cleared when the loan is anonymised (and when the patron is erased).
    patron = models.ForeignKey(
        "patrons.Patron",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("patron"),
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("lent at")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lent by"),
    )
    desk = models.CharField(_("desk or terminal"), max_length=50, blank=True)
    # The item type when lent: limits per type count open loans without joining items.
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="+")
    checked_out_at = models.DateTimeField(_("lent"))
    due_at = models.DateTimeField(_("due"))
    returned_at = models.DateTimeField(pgettext_lazy("loan", "returned"), null=True, blank=True)
    returned_branch = models.ForeignKey(
        Branch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned at"),
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=LoanOutcome.choices, blank=True)
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    auto_renew = models.BooleanField(_("renew automatically"), default=False)
    # Why staff lent (or last renewed) past a refusal: free text, kept here and not in the
    # history (which outlives erasure); cleared when the loan is anonymised.
    override_reason = models.CharField(_("reason for the override"), max_length=255, blank=True)
    # Kept after anonymisation for statistics.
    category = models.ForeignKey(
        PatronCategory, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    home_branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_out_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_item",
                violation_error_message=_("This item is already on loan."),
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | ~Q(outcome=""),
                name="loan_closed_has_outcome",
            ),
        ]
        indexes = [
            # Checkout counts a patron's open loans (overall, of one type, overdue) from this
            # index alone, never the rows: due_at right after the open-loan prefix makes the
            # overdue count a seek to just the overdue entries, for a patron with a thousand
            # loans too.
            models.Index(
                fields=["patron", "returned_at", "due_at", "item_type"],
                name="loan_patron_open_due",
            ),
            models.Index(fields=["returned_at", "due_at"], name="loan_overdue"),
            models.Index(fields=["item", "returned_at"], name="loan_item_open"),
        ]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return f"{self.item_id} → {self.patron_id or '-'} ({self.checked_out_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None


class HoldStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a copy")
    IN_TRANSIT = "in_transit", _("On its way to the pickup branch")
    READY = "ready", _("Ready to pick up")
    FULFILLED = "fulfilled", _("Picked up")
    CANCELLED = "cancelled", pgettext_lazy("hold", "Cancelled")
    EXPIRED = "expired", _("Not picked up in time")


ACTIVE_HOLD_STATUSES = (HoldStatus.WAITING, HoldStatus.IN_TRANSIT, HoldStatus.READY)


class Hold(models.Model):
    """A patron's request for a title (any copy) or one specific copy, picked up at a branch.
    The queue of a title is in order of `placed_at` (first come, first served)."""

    record = models.ForeignKey(
        "catalog.Record", on_delete=models.CASCADE, related_name="holds", verbose_name=_("title")
    )
    item = models.ForeignKey(
        "catalog.Item",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="item_holds",
        verbose_name=_("specific copy"),
        help_text=_("Empty: any copy of the title."),
    )
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.CASCADE, related_name="holds", verbose_name=_("patron")
    )
    pickup_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("pickup branch")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HoldStatus.choices, default=HoldStatus.WAITING
    )
    placed_at = models.DateTimeField(_("placed"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The copy that will fill the hold, once one is returned or pulled from the shelf.
    assigned_item = models.ForeignKey(
        "catalog.Item",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_holds",
        verbose_name=_("copy set aside"),
    )
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    expires_at = models.DateTimeField(_("pick up by"), null=True, blank=True)
    # Koha's "not needed after" (expiration date): a hold still waiting for a copy after this
    # day ends; one whose copy is already set aside keeps its pickup days.
    not_needed_after = models.DateField(
        _("not needed after"),
        null=True,
        blank=True,
        help_text=_("Empty: until the hold is filled or cancelled."),
    )
    closed_at = models.DateTimeField(pgettext_lazy("ended", "closed"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Why staff placed it past a refusal (free text: kept here, not in the history).
    override_reason = models.CharField(_("reason for the override"), max_length=255, blank=True)

    class Meta:
        ordering = ["placed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patron", "record"],
                condition=Q(status__in=["waiting", "in_transit", "ready"]),
                name="hold_one_active_per_patron_and_title",
            ),
            models.UniqueConstraint(
                fields=["assigned_item"],
                condition=Q(status__in=["in_transit", "ready"]),
                name="hold_one_per_assigned_item",
            ),
        ]
        indexes = [
            models.Index(fields=["record", "status", "placed_at"], name="hold_queue"),
            models.Index(fields=["pickup_branch", "status", "expires_at"], name="hold_shelf"),
            models.Index(fields=["patron", "status"], name="hold_patron"),
            models.Index(fields=["status", "not_needed_after"], name="hold_not_needed_after"),
        ]
        verbose_name = pgettext_lazy("reservation", "hold")
        verbose_name_plural = pgettext_lazy("reservation", "holds")

    def __str__(self) -> str:
        return f"{self.record_id} for {self.patron_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_HOLD_STATUSES

    @property
    def expired_unneeded(self) -> bool:
        """Ended because its "not needed after" day passed before a copy was set aside (a
        hold that expires on the hold shelf has been ready)."""
        return self.status == HoldStatus.EXPIRED and self.ready_at is None


class TransferReason(models.TextChoices):
    RETURN_HOME = "return_home", _("Going back to its branch")
    HOLD = "hold", _("For a hold")
    MANUAL = "manual", _("Sent by staff")


class Transfer(models.Model):
    """An item travelling between branches. At most one open transfer per item."""

    item = models.ForeignKey(
        "catalog.Item", on_delete=models.CASCADE, related_name="transfers", verbose_name=_("item")
    )
    from_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=TransferReason.choices)
    hold = models.ForeignKey(
        Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), null=True, blank=True)
    received_branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(received_at__isnull=True),
                name="transfer_one_open_per_item",
            )
        ]
        indexes = [models.Index(fields=["to_branch", "received_at"], name="transfer_incoming")]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_branch_id} → {self.to_branch_id}"


class FineKind(models.TextChoices):
    OVERDUE = "overdue", _("Overdue")
    LOST = "lost", _("Lost item")
    DAMAGED = "damaged", _("Damaged item")
    MANUAL = "manual", _("Other charge")


class WaivedBecause(models.TextChoices):
    """Why a fine was waived: by staff (who give their reason), or cancelled by Bibliohub
    because the lost copy it charged for turned up."""

    STAFF = "", _("Waived by staff")
    FOUND = "found", _("Cancelled: the copy was found")


class Fine(models.Model):
    """A charge to a patron. An overdue fine grows while its loan is overdue (one per loan);
    it is settled once paid in full or waived."""

    patron = models.ForeignKey(
        "patrons.Patron",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fines",
        verbose_name=_("patron"),
    )
    loan = models.ForeignKey(
        Loan, on_delete=models.SET_NULL, null=True, blank=True, related_name="fines"
    )
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FineKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    paid = models.DecimalField(_("paid"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(pgettext_lazy("remark", "note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("charged"))
    updated_at = models.DateTimeField(_("updated"))
    waived_at = models.DateTimeField(_("waived"), null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waived_reason = models.CharField(_("reason for waiving"), max_length=255, blank=True)
    waived_because = models.CharField(
        _("waived because"), max_length=10, choices=WaivedBecause.choices, blank=True
    )
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=Q(kind="overdue"), name="fine_one_overdue_per_loan"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(paid__gte=0) & Q(paid__lte=models.F("amount")),
                name="fine_amounts_in_order",
            ),
        ]
        indexes = [models.Index(fields=["patron", "settled_at"], name="fine_patron_open")]
        verbose_name = pgettext_lazy("money owed", "fine")
        verbose_name_plural = pgettext_lazy("money owed", "fines")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        if self.waived_at is not None:
            return Decimal(0)
        return Decimal(self.amount) - Decimal(self.paid)


class Payment(models.Model):
    """Money taken from a patron, applied to their oldest fines first; the receipt number is
    what the patron is given."""

    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True)
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    desk = models.CharField(_("desk or terminal"), max_length=50, blank=True)
    at = models.DateTimeField(_("paid"))

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.receipt_number


class Refund(models.Model):
    """Money the library owes a patron back: what they had paid of a lost-item charge when
    the copy turned up (Koha's refund of a lost item found). Staff pay it out at a desk,
    which gives a receipt; until then the patron sees it on their fines page."""

    patron = models.ForeignKey(
        "patrons.Patron",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("patron"),
    )
    fine = models.OneToOneField(
        Fine, on_delete=models.PROTECT, related_name="refund", verbose_name=_("charge refunded")
    )
    item = models.ForeignKey(
        "catalog.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(_("due since"))
    branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_out_at = models.DateTimeField(_("paid out"), null=True, blank=True)
    paid_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_out_branch = models.ForeignKey(
        Branch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt_number = models.CharField(_("receipt number"), max_length=40, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~Q(receipt_number=""),
                name="refund_receipt_number_unique",
            ),
        ]
        indexes = [models.Index(fields=["patron", "paid_out_at"], name="refund_patron_open")]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.amount} → {self.patron_id or '-'}"


class PaymentLine(models.Model):
    """How much of a payment went to which fine: the lines of the receipt."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="lines")
    fine = models.ForeignKey(Fine, on_delete=models.PROTECT, related_name="payment_lines")
    amount = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.fine_id}: {self.amount}"


class PrivacyPolicy(models.Model):
    """How long a network keeps who borrowed what once it is returned (for patrons who did
    not opt into a reading history). Without a row, DEFAULT_ANONYMISE_AFTER_DAYS applies."""

    DEFAULT_ANONYMISE_AFTER_DAYS = 30

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="+")
    anonymise_after_days = models.PositiveSmallIntegerField(
        _("forget returned loans after (days)"),
        default=DEFAULT_ANONYMISE_AFTER_DAYS,
        help_text=_("0: as soon as the item is returned."),
    )

    class Meta:
        verbose_name = _("privacy policy")
        verbose_name_plural = _("privacy policies")

    def __str__(self) -> str:
        return str(self.network)
