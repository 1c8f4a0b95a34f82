"""Patrons (the readers), their categories, manual blocks and notice settings. What happens to
them is recorded in the history (bibliohub.history), whose entries keep the category and age
for statistics after a patron is erased. Patrons are not staff users: they sign in to the OPAC
with their card."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub import names
from bibliohub.history import Channel
from bibliohub.i18n import localised
from bibliohub.libraries.models import Branch, Network

# Card numbers go into barcodes and SIP2 fields, where "|" separates fields: letters, digits
# and hyphens only.
card_number_validator = RegexValidator(
    r"^[A-Za-z0-9-]+\Z", _("Use only letters, digits and hyphens in a card number.")
)


class AgeBand(models.TextChoices):
    """The age group a category counts under in statistics, kept after a patron is erased."""

    CHILD = "child", _("Children (up to 13)")
    TEEN = "teen", _("Teenagers (14–17)")
    ADULT = "adult", _("Adults (18–64)")
    SENIOR = "senior", _("Seniors (65 and over)")
    ANY = "any", _("Any age")


class PatronCategory(models.Model):
    """Adult, child, student, teacher, staff…: librarians add and edit their own."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    age_band = models.CharField(
        _("age band for statistics"), max_length=10, choices=AgeBand.choices, default=AgeBand.ANY
    )
    card_validity_months = models.PositiveSmallIntegerField(
        _("card valid for (months)"),
        default=12,
        help_text=_("How long a new or renewed card stays valid."),
    )
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("patron category")
        verbose_name_plural = _("patron categories")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class PatronStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    ACTIVE = "active", _("Active")


class Patron(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="patrons")
    # Empty until the card is issued (a self-registration waiting for staff).
    card_barcode = models.CharField(
        _("card number"), max_length=30, blank=True, validators=[card_number_validator]
    )
    family_name = models.CharField(_("family name"), max_length=150)
    given_names = models.CharField(_("given names"), max_length=150)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    home_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="patrons", verbose_name=_("home branch")
    )
    category = models.ForeignKey(
        PatronCategory, on_delete=models.PROTECT, related_name="patrons", verbose_name=_("category")
    )
    card_expires_on = models.DateField(_("card expires"), null=True, blank=True)
    guardian = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wards",
        verbose_name=_("guardian"),
    )
    school_class = models.CharField(
        _("class or grade"), max_length=50, blank=True, help_text=_("For students, e.g. 7B.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PatronStatus.choices, default=PatronStatus.PENDING
    )
    reading_history = models.BooleanField(_("keeps a reading history"), default=False)
    reading_history_consent_at = models.DateTimeField(
        _("reading history agreed"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("registered"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The PIN (or password) the patron signs in to the OPAC with, hashed by Django's password
    # hashers; empty until one is chosen at registration or set at the desk.
    pin = models.CharField(_("PIN"), max_length=128, blank=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_names", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "card_barcode"],
                condition=~Q(card_barcode=""),
                name="patron_card_unique_in_network",
                violation_error_code="card_taken",
                violation_error_message=_("Another patron already has this card number."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | ~Q(card_barcode=""),
                name="patron_active_has_card",
            ),
            models.CheckConstraint(
                condition=Q(reading_history=False) | Q(reading_history_consent_at__isnull=False),
                name="patron_reading_history_has_consent_date",
            ),
        ]
        indexes = [
            # The unique constraint above is a partial index, which SQLite does not use for
            # "card_barcode = ?": the desk and self-check find patrons by card through this one.
            models.Index(fields=["network", "card_barcode"], name="patron_card_lookup"),
            # Finding a person already registered (CSV import) by date of birth.
            models.Index(fields=["network", "date_of_birth"], name="patron_birth_lookup"),
            models.Index(fields=["home_branch", "school_class"]),
            models.Index(fields=["status", "created_at"]),
        ]
        verbose_name = _("patron")
        verbose_name_plural = _("patrons")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_barcode})" if self.card_barcode else self.full_name

    @property
    def full_name(self) -> str:
        """The name as said in a sentence or a heading, in the order of its culture."""
        return names.in_text(self.family_name, self.given_names, language=self.language)

    @property
    def listed_name(self) -> str:
        """The name in a list sorted by family name ("Kowalska, Anna", "周子涵")."""
        return names.in_list(self.family_name, self.given_names, language=self.language)

    @property
    def greeting_name(self) -> str:
        """The name a letter or a page greets the patron by."""
        return names.to_greet(self.family_name, self.given_names, language=self.language)

    def card_expired_on(self, day: date) -> bool:
        """Whether the card is no longer valid on `day` (it is valid through its expiry day)."""
        return self.card_expires_on is not None and day > self.card_expires_on

    @property
    def has_pin(self) -> bool:
        return bool(self.pin)

    def hash_pin(self, raw_pin: str) -> None:
        """Keep `raw_pin` hashed in `pin` (not saved: the caller saves and records it)."""
        self.pin = make_password(raw_pin)

    def pin_matches(self, raw_pin: str) -> bool:
        """Whether `raw_pin` is this patron's PIN. False when no PIN is set."""
        return bool(self.pin) and check_password(raw_pin, self.pin)


class PatronSearchTerm(models.Model):
    """One key staff find a patron by (a word of a name, the names written together, the
    class), folded by the one normaliser: see `patrons.lookup`. Kept by the patron services
    whenever the names or the class change, and gone with the patron."""

    # The unique constraint's index, (patron, term), serves lookups by patron.
    patron = models.ForeignKey(
        Patron, on_delete=models.CASCADE, related_name="search_terms", db_index=False
    )
    term = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patron", "term"], name="patron_search_term_once")
        ]
        indexes = [
            # A search is a prefix of a term: a range of this index on SQLite, a LIKE 'x%'
            # on PostgreSQL, which needs the pattern operator class whatever the collation.
            # With the patron in it, the index alone answers (no visit to the table).
            models.Index(
                fields=["term", "patron"],
                name="patron_search_term",
                opclasses=["text_pattern_ops", "int8_ops"],
            )
        ]

    def __str__(self) -> str:
        return self.term


class Block(models.Model):
    """A block a member of staff put on a patron by hand, with the reason the patron is told.
    Blocks computed from the state of things (an expired card, fines) are not stored."""

    patron = models.ForeignKey(Patron, on_delete=models.CASCADE, related_name="blocks")
    reason = models.TextField(_("reason"))
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("blocked by"),
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(
        _("until"), null=True, blank=True, help_text=_("Leave empty to block until lifted.")
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    # Where the block was put: a self-check machine may lift only the blocks a self-check
    # machine put (SIP2 patron enable), never one a member of staff put.
    channel = models.CharField(
        _("put through"), max_length=10, choices=Channel.choices, default=Channel.DESK
    )

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="block_ends_after_it_starts",
            )
        ]
        verbose_name = pgettext_lazy("borrowing block", "block")
        verbose_name_plural = pgettext_lazy("borrowing block", "blocks")

    def __str__(self) -> str:
        return self.reason


class NoticePolicy(models.Model):
    """When a network sends its notices by e-mail. Without a row, the defaults apply."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="+")
    due_soon_days = models.PositiveSmallIntegerField(
        _("remind this many days before the due date"),
        default=3,
        help_text=_("0: no reminder before the due date."),
    )
    first_overdue_days = models.PositiveSmallIntegerField(
        _("first overdue notice, days after the due date"), default=1
    )
    second_overdue_days = models.PositiveSmallIntegerField(
        _("second overdue notice, days after the due date"), default=7
    )
    third_overdue_days = models.PositiveSmallIntegerField(
        _("third overdue notice, days after the due date"), default=14
    )
    fines_threshold = models.DecimalField(
        _("send a fines summary above"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("5.00"),
    )
    fines_repeat_days = models.PositiveSmallIntegerField(
        _("days between fines summaries"), default=30
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(first_overdue_days__gte=1)
                & Q(second_overdue_days__gt=models.F("first_overdue_days"))
                & Q(third_overdue_days__gt=models.F("second_overdue_days")),
                name="notice_policy_overdue_days_in_order",
                violation_error_message=_(
                    "Each overdue notice must come at least a day after the one before."
                ),
            ),
            models.CheckConstraint(
                condition=Q(fines_repeat_days__gte=1), name="notice_policy_fines_repeat_days"
            ),
        ]
        verbose_name = _("notice policy")
        verbose_name_plural = _("notice policies")

    def __str__(self) -> str:
        return str(self.network)


class NoticeLog(models.Model):
    """One notice sent by e-mail: what about (`key`, e.g. "loan:12:2026-12-22T23:59:00+02:00")
    and when. "Sent" means handed to the e-mail outbox, in the same transaction (its message
    there tells whether it has gone out: docs/mail.md). A scheduled run skips what is already
    here, so nothing is queued twice. Removed with the patron on erasure: it says what they
    borrowed."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE_1 = "overdue_1", _("First overdue notice")
        OVERDUE_2 = "overdue_2", _("Second overdue notice")
        OVERDUE_3 = "overdue_3", _("Third overdue notice")
        HOLD_READY = "hold_ready", _("Hold ready")
        HOLD_EXPIRED = "hold_expired", _("Hold expired")
        FINES = "fines", _("Fines summary")

    patron = models.ForeignKey(Patron, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("notice"), max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=100)
    email = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="notice_sent_once"),
        ]
        indexes = [models.Index(fields=["patron", "kind", "sent_at"], name="notice_patron")]
        verbose_name = _("notice sent")
        verbose_name_plural = _("notices sent")

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


# The shortest and longest PIN any network may ask for: four digits fit a self-check keypad;
# a PIN is hashed like a password, and a passphrase is welcome.
PIN_LENGTH_FLOOR = 4
MAX_PIN_LENGTH = 64


class PinPolicy(models.Model):
    """How a network guards its readers' PINs: the shortest PIN it accepts when one is
    chosen, and how many wrong PINs for one card, on any machine or page, lock that card
    for how long. Without a row, the defaults apply. Librarians change it in the
    administration, through patrons.pins.save_pin_policy."""

    network = models.OneToOneField(Network, on_delete=models.CASCADE, related_name="+")
    min_length = models.PositiveSmallIntegerField(
        _("shortest PIN"),
        default=PIN_LENGTH_FLOOR,
        validators=[MinValueValidator(PIN_LENGTH_FLOOR), MaxValueValidator(MAX_PIN_LENGTH)],
        help_text=_(
            "Asked for when a PIN is chosen or changed (online, at the desk, by command). "
            "Shorter PINs chosen before keep working until they are changed."
        ),
    )
    failures_before_lock = models.PositiveSmallIntegerField(
        _("wrong PINs before a card is locked"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(20)],
        help_text=_("Counted for the card on every self-check machine and in the portal."),
    )
    lock_minutes = models.PositiveSmallIntegerField(
        _("minutes a card stays locked"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_(
            "Wrong PINs older than this are forgotten too. Setting a new PIN at the desk "
            "unlocks the card at once."
        ),
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_length__gte=PIN_LENGTH_FLOOR) & Q(min_length__lte=MAX_PIN_LENGTH),
                name="pin_policy_min_length_in_range",
            ),
            models.CheckConstraint(
                condition=Q(failures_before_lock__gte=3) & Q(failures_before_lock__lte=20),
                name="pin_policy_failures_in_range",
            ),
            models.CheckConstraint(
                condition=Q(lock_minutes__gte=1) & Q(lock_minutes__lte=24 * 60),
                name="pin_policy_lock_minutes_in_range",
            ),
        ]
        verbose_name = _("PIN policy")
        verbose_name_plural = _("PIN policies")

    def __str__(self) -> str:
        return str(self.network)


class PinAttempts(models.Model):
    """Wrong PINs counted for one card, one web address or one self-check terminal, in the
    database, so that every server process and every connection counts together. `key` is
    "card:" or "address:" and a keyed digest (neither card numbers nor addresses are kept
    here), or "terminal:" and the terminal's id. Rows are working state, not history: a
    right PIN removes its card's row, and a scheduled job removes the rows that have run
    out (patrons.pins.forget_old_attempts)."""

    key = models.CharField(max_length=80, unique=True)
    # Wrong PINs since `since` (attempts still being checked count too: see patrons.pins).
    failures = models.PositiveIntegerField(default=0)
    since = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("wrong PIN count")
        verbose_name_plural = _("wrong PIN counts")

    def __str__(self) -> str:
        return self.key
