"""The history's tables: the entries themselves, the keys of the yearly pseudonyms, and the
daily roll-ups that statistics read.

Entries name what they touched by id, without foreign keys: the history outlives what it
names (a deleted copy, an erased patron, a closed branch), is never cascaded, and knows no
other app. The branch, the network and the patron's category are kept as ids; an erased
patron's entries keep the category, the age and the pseudonym, never the patron."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.history.actors import ActorKind, Channel
from bibliohub.history.kinds import label


class Entry(models.Model):
    """One thing that happened. Append-only: a service writes it once; afterwards only
    privacy (clearing `patron_id`) and the roll-up's bookkeeping (`rolled_up`) change it."""

    at = models.DateTimeField(_("when"))
    # The network's local day of `at` (BIBLIOHUB_TIME_ZONE): roll-ups and figures count by
    # local days, which group into local months; UTC days would not.
    day = models.DateField(_("day"))
    network_id = models.IntegerField(_("network"), null=True, blank=True)
    branch_id = models.IntegerField(_("branch"), null=True, blank=True)
    domain = models.CharField(_("domain"), max_length=20)
    kind = models.CharField(_("kind"), max_length=40)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    actor = models.CharField(_("actor"), max_length=10, choices=ActorKind.choices)
    staff_id = models.IntegerField(_("staff member"), null=True, blank=True)
    terminal_id = models.IntegerField(_("terminal"), null=True, blank=True)
    # The desk, the terminal's login, the job's name, the imported file.
    source = models.CharField(_("source"), max_length=100, blank=True)
    # Whom it concerned: cleared when a loan is anonymised or the patron erased.
    patron_id = models.BigIntegerField(_("patron"), null=True, blank=True)
    # Kept when patron_id is cleared: the same patron has the same pseudonym for a year
    # (history.privacy), so distinct users of a past period can still be counted.
    pseudonym = models.CharField(_("pseudonym"), max_length=16, blank=True)
    category_id = models.IntegerField(_("patron category"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    # The age group as recorded where the age itself is not known (a guest at an event says
    # "6-11"): reports that band ages read both.
    age_band = models.CharField(_("age group"), max_length=10, blank=True)
    # The patron's class or grade at school that day ("7B"), for loans per student by class.
    # NULL rather than "" when there is none: a column added to a table of millions of rows
    # with NULL for all of them is added in place on SQLite, not by copying the table.
    school_class = models.CharField(  # noqa: DJ001
        _("class or grade"), max_length=40, null=True, blank=True
    )
    record_id = models.BigIntegerField(_("title"), null=True, blank=True)
    item_id = models.BigIntegerField(_("copy"), null=True, blank=True)
    item_type_id = models.IntegerField(_("item type"), null=True, blank=True)
    # Of the material (the record's first language) or of a programme.
    language = models.CharField(_("language"), max_length=8, blank=True)
    audience = models.CharField(_("audience"), max_length=20, blank=True)
    format = models.CharField(_("format"), max_length=20, blank=True)
    # What it was about in its app's own terms, as a dotted code the app's indicators read
    # ("complaint.opening_hours"); NULL when none, as for the class.
    topic = models.CharField(_("topic"), max_length=40, null=True, blank=True)  # noqa: DJ001
    # Any other object: "circulation.loan", "spaces.booking", "programs.registration"…
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.BigIntegerField(_("object"), null=True, blank=True)
    # What the entry counts for: 1, or the people of a walk-in count.
    quantity = models.IntegerField(_("quantity"), default=1)
    # Money (with its currency), or minutes or hours as the kind's unit says.
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    rolled_up = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        indexes = [
            models.Index(fields=["at"], name="history_at"),
            models.Index(fields=["branch_id", "at"], name="history_branch_at"),
            # Timelines of a patron, a copy, a title, a staff member, an object. Partial: most
            # entries lack one or another, and an index an entry is not in costs it nothing
            # to write (a MARC import writes three entries a record).
            models.Index(
                fields=["patron_id", "at"],
                condition=Q(patron_id__isnull=False),
                name="history_patron_at",
            ),
            models.Index(
                fields=["item_id", "at"], condition=Q(item_id__isnull=False), name="history_item_at"
            ),
            models.Index(
                fields=["record_id", "at"],
                condition=Q(record_id__isnull=False),
                name="history_record_at",
            ),
            models.Index(
                fields=["staff_id", "at"],
                condition=Q(staff_id__isnull=False),
                name="history_staff_at",
            ),
            models.Index(
                fields=["object_type", "object_id"],
                condition=Q(object_id__isnull=False),
                name="history_object",
            ),
            # The roll-up finds what it has not counted yet without scanning the table, oldest
            # first: a batch then covers a day or two, which it counts in a few rows per day
            # and kind, even when the entries were written out of order (a migrated history).
            models.Index(
                fields=["at", "id"], condition=Q(rolled_up=False), name="history_unrolled"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.domain}.{self.kind}"

    @property
    def kind_label(self) -> str:
        return label(self.domain, self.kind)


class PseudonymKey(models.Model):
    """The secret of one network's pseudonyms for one year. Destroying it (once the year is
    closed) leaves the pseudonyms countable and unlinkable to anyone."""

    network_id = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network_id", "year"], name="pseudonym_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.network_id}/{self.year}"


# --- roll-ups -------------------------------------------------------------------------------
# Network 0 and branch 0 stand for "none": the keys are unique and NULLs would not be.


class DayCount(models.Model):
    """How many entries of a kind a branch had in a day, and what they add up to."""

    day = models.DateField()
    # The first day of the day's month: months and years are grouped by a plain column.
    month = models.DateField()
    network_id = models.IntegerField()
    branch_id = models.IntegerField()
    domain = models.CharField(max_length=20)
    kind = models.CharField(max_length=40)
    quantity = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "network_id", "branch_id", "domain", "kind"], name="day_count_key"
            )
        ]
        indexes = [
            # A period's counts are read from this index alone.
            models.Index(
                fields=["network_id", "day", "branch_id", "domain", "kind", "quantity", "amount"],
                name="day_count_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.branch_id} {self.domain}.{self.kind}: {self.quantity}"


class Dimension(models.TextChoices):
    """What a day's counts are broken down by, one dimension at a time."""

    CHANNEL = "channel", _("Channel")
    CATEGORY = "category", _("Patron category")
    AGE = "age", _("Age")
    AGE_BAND = "age_band", _("Age group")
    ITEM_TYPE = "item_type", _("Item type")
    LANGUAGE = "language", pgettext_lazy("of the material", "Language")
    AUDIENCE = "audience", _("Audience")
    FORMAT = "format", pgettext_lazy("of the material or programme", "Format")
    SCHOOL_CLASS = "school_class", _("Class or grade")
    TOPIC = "topic", _("Topic")


class DayBreakdown(models.Model):
    """A day's count of a kind at a branch for one value of one dimension (the loans of
    eight-year-olds, the check-outs at self-check). Entries without the dimension (no age
    known) are in DayCount only."""

    day = models.DateField()
    month = models.DateField()
    network_id = models.IntegerField()
    branch_id = models.IntegerField()
    domain = models.CharField(max_length=20)
    kind = models.CharField(max_length=40)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    value = models.CharField(max_length=40)
    quantity = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "network_id", "branch_id", "domain", "kind", "dimension", "value"],
                name="day_breakdown_key",
            )
        ]
        indexes = [
            # A figure asks for one kind by one dimension over a period, a small part of each
            # day's rows: read from this index alone.
            models.Index(
                fields=[
                    "network_id", "domain", "kind", "dimension", "day", "branch_id", "value",
                    "quantity", "amount",
                ],
                name="day_breakdown_period",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.day} {self.branch_id} {self.kind} {self.dimension}={self.value}"


# The branch of the rows of DistinctYear that count the whole network (0 is "no branch").
NETWORK_WIDE = -1
# Every month of a year, as DistinctYear.months keeps them (bit 0 is January).
WHOLE_YEAR = 0xFFF


class Counter(models.TextChoices):
    """What DistinctYear counts once a year; objects (partners) are counted under their
    object type ("community.partner")."""

    USER = "user", _("Patrons who used a service")
    COPY = "copy", _("Copies lent")
    COPY_WITHDRAWN = "copy_withdrawn", _("Copies withdrawn")
    COPY_OUT_OF_USE = "copy_out_of_use", _("Copies that could no longer be lent")
    COPY_BACK_IN_USE = "copy_back_in_use", _("Copies that could be lent again")


class DistinctYear(models.Model):
    """Something counted once a year however often it recurs — a patron (by pseudonym) who
    used a service, a copy that was lent or withdrawn, a partner the library worked with — at
    a branch, and once more anywhere in the network (branch NETWORK_WIDE); with the months of
    the year it was seen in (bit 0 is January), how many months those are, and, for patrons, the
    months they used a service online (the e-service users). The distinct users, copies or
    partners of any months of a year are the rows whose months meet those months: a count,
    never a COUNT(DISTINCT) over the year's entries."""

    year = models.PositiveSmallIntegerField()
    network_id = models.IntegerField()
    branch_id = models.IntegerField()
    counter = models.CharField(max_length=40)
    value = models.CharField(max_length=20)
    months = models.IntegerField(default=0)
    month_count = models.PositiveSmallIntegerField(default=0)
    online_months = models.IntegerField(default=0)
    # Of a patron, as first seen in the year.
    category_id = models.IntegerField(null=True)
    age = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "network_id", "year", "branch_id", "value"],
                name="distinct_year_key",
            )
        ]
        indexes = [
            # Every count a figure asks for is read from this index alone.
            models.Index(
                fields=[
                    "counter",
                    "network_id",
                    "year",
                    "branch_id",
                    "month_count",
                    "online_months",
                    "months",
                ],
                name="distinct_year_counts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.branch_id} {self.counter} {self.value}"


class DistinctPattern(models.Model):
    """How many rows of DistinctYear have exactly these months and online months, for a
    counter, year and branch: the distinct users (copies, partners) of any months are the
    patterns that meet those months, summed. A year's thousands of patterns instead of its
    hundreds of thousands of patrons; kept by the roll-up with DistinctYear, which it
    summarises."""

    year = models.PositiveSmallIntegerField()
    network_id = models.IntegerField()
    branch_id = models.IntegerField()
    counter = models.CharField(max_length=40)
    months = models.IntegerField()
    online_months = models.IntegerField()
    month_count = models.PositiveSmallIntegerField()
    number = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "network_id", "year", "branch_id", "months", "online_months"],
                name="distinct_pattern_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.branch_id} {self.counter} {self.months:012b}: {self.number}"


class Census(models.Model):
    """What a daily count (of a kind marked `census`) found at a branch on a day, group by
    group, as its entries add up to: `services.record_census` writes only the difference when the
    same day is counted again, and a scheduled job knows from these rows which days it has
    counted."""

    kind = models.CharField(max_length=61)  # "domain.code"
    network_id = models.IntegerField()
    branch_id = models.IntegerField()
    day = models.DateField()
    # [[group, quantity, amount], …], each group a list of the entry's dimension values.
    counts = models.JSONField(default=list)
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "network_id", "branch_id", "day"], name="census_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.branch_id} {self.kind}"


class PeriodKind(models.TextChoices):
    MONTH = "month", pgettext_lazy("period", "Month")
    QUARTER = "quarter", pgettext_lazy("period", "Quarter")
    TERM = "term", pgettext_lazy("period", "School term")
    YEAR = "year", pgettext_lazy("period", "Year")


class ClosedPeriod(models.Model):
    """A period whose figures are frozen (FrozenFigure): reports show what was published,
    and a later recomputation that differs is a difference to review."""

    network_id = models.IntegerField()
    kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    start = models.DateField()
    end = models.DateField()
    label = models.CharField(max_length=100)
    closed_at = models.DateTimeField()
    staff_id = models.IntegerField(null=True, blank=True)
    # When the frozen figures were last compared with a recomputation.
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network_id", "kind", "start", "end"], name="period_closed_once"
            )
        ]
        ordering = ["-start", "kind"]

    def __str__(self) -> str:
        return f"{self.network_id} {self.label}"


class FrozenFigure(models.Model):
    """One indicator's figure for one scope of a closed period, as it was when frozen, with
    the definition version and settings it was computed with; and what a later
    recomputation found when it differs (to review, never applied silently)."""

    period = models.ForeignKey(ClosedPeriod, on_delete=models.CASCADE, related_name="figures")
    code = models.CharField(max_length=60)
    branch_id = models.IntegerField()  # 0: the whole network
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    numerator = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    denominator = models.DecimalField(max_digits=20, decimal_places=6, null=True)
    missing = models.CharField(max_length=20, blank=True)
    version = models.PositiveSmallIntegerField()
    settings = models.JSONField(default=dict, blank=True)
    # The latest recomputation, when it differs from the frozen figure.
    recomputed = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "code", "branch_id"], name="frozen_figure_once"
            )
        ]
        indexes = [
            models.Index(
                fields=["period"], condition=Q(recomputed__isnull=False), name="frozen_differs"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.code} {self.branch_id}"


class IndicatorSetting(models.Model):
    """A setting of an indicator's definition that the library chooses (the months of use
    that make a regular user), per network; changed through services.set_indicator_setting."""

    network_id = models.IntegerField()
    code = models.CharField(max_length=60)
    name = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network_id", "code", "name"], name="indicator_setting_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}.{self.name} = {self.value}"


# The channels' bits (never renumber): E_SERVICE_BITS in history.selectors names the ones
# that make an e-service user.
CHANNEL_BITS = {
    Channel.DESK: 1,
    Channel.SELF_CHECK: 2,
    Channel.ONLINE: 4,
    Channel.API: 8,
    Channel.IMPORT: 16,
    Channel.JOB: 32,
    Channel.ADMIN: 64,
}
