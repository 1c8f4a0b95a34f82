"""Partner organisations and what the library does with them, volunteers and their hours, the
business and career service (curated resources, local businesses and mentors, mentoring
requests), and referrals both ways. What happened to them is in the history
(`community.kinds`), which statistics read.

Co-hosted events are not stored here: the programmes app points its events at `Partner`
(`Event.partners`, reverse name `events`), and the partner-dynamics selector reads that
relation. Everything else a partner and the library did together is a `PartnerActivity` or a
`Referral`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.i18n import localised
from bibliohub.libraries.models import Branch, Network

# --- partners ---------------------------------------------------------------------------------


class PartnerKind(models.TextChoices):
    SCHOOL = "school", _("School or kindergarten")
    UNIVERSITY = "university", _("University or college")
    NGO = "ngo", _("Non-profit organisation")
    BUSINESS = "business", _("Business")
    GOVERNMENT = "government", _("Public authority")
    CULTURAL = "cultural", _("Cultural institution")
    MEDIA = "media", _("Media")
    RELIGIOUS = "religious", _("Faith community")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An organisation the library works with: a school, a non-profit, a business, a council
    department, a museum, a newspaper."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=PartnerKind.choices)
    description = models.TextField(_("about"), blank=True)
    offers = models.TextField(
        _("what they offer"),
        blank=True,
        help_text=_("Speakers, venues, books, prizes, advice, volunteers…"),
    )
    branches = models.ManyToManyField(
        Branch, blank=True, related_name="partners", verbose_name=_("branches")
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    since = models.DateField(
        _("partner since"), help_text=_("When the library started working with them.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class PartnerContact(models.Model):
    """A person the library talks to at a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = pgettext_lazy("contact person", "contact")
        verbose_name_plural = pgettext_lazy("contact person", "contacts")

    def __str__(self) -> str:
        return self.name


class Agreement(models.Model):
    """A signed agreement with a partner: a memorandum, a sponsorship, a service contract."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("valid from"))
    ends_on = models.DateField(_("valid until"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to="community/agreements/", blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_it_starts",
            )
        ]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.title


class ActivityKind(models.TextChoices):
    DONATION = "donation", _("Donation in kind")
    SERVICE = "service", _("Service or expertise")
    PROMOTION = "promotion", _("Joint promotion")
    PROJECT = "project", _("Joint project")
    OTHER = "other", _("Other")


class PartnerActivity(models.Model):
    """Something a partner and the library did together, other than a co-hosted event (those
    are events with the partner attached) or a referral (see `Referral`)."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="activities")
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    kind = models.CharField(_("type"), max_length=20, choices=ActivityKind.choices)
    on = models.DateField(_("date"))
    description = models.TextField(_("what happened"))
    value = models.DecimalField(
        _("estimated value"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For donations in kind: what the gift would have cost."),
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name = _("joint activity")
        verbose_name_plural = _("joint activities")

    def __str__(self) -> str:
        return f"{self.on} {self.get_kind_display()}"


# --- referrals --------------------------------------------------------------------------------


class Direction(models.TextChoices):
    TO_PARTNER = "to_partner", _("Library to partner")
    FROM_PARTNER = "from_partner", _("Partner to library")


class ReferralOutcome(models.TextChoices):
    OPEN = "open", _("Waiting to hear")
    HELPED = "helped", _("Got help")
    NOT_HELPED = "not_helped", _("Could not be helped")
    NO_CONTACT = "no_contact", _("Did not get in touch")


class Referral(models.Model):
    """A person sent from the library to a partner, or from a partner to the library. The
    person is described, not named: the log serves statistics and follow-up, not a file on
    someone."""

    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("partner")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    direction = models.CharField(_("direction"), max_length=15, choices=Direction.choices)
    on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), help_text=_("What the person needed."))
    outcome = models.CharField(
        _("outcome"), max_length=15, choices=ReferralOutcome.choices, default=ReferralOutcome.OPEN
    )
    outcome_note = models.TextField(_("notes on the outcome"), blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["on"])]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.on} {self.get_direction_display()}"


# --- volunteers -------------------------------------------------------------------------------


class Skill(models.Model):
    """What a volunteer can do: reading to children, IT help, languages, events."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class Volunteer(models.Model):
    """Someone who gives time to the library: a patron, or a person without a card. Nothing
    is done with a volunteer (shifts, hours) until they have agreed to the library keeping
    their details (`consented_at`)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="volunteers")
    patron = models.OneToOneField(
        "patrons.Patron",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        verbose_name=_("patron"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    branches = models.ManyToManyField(
        Branch, related_name="volunteers", verbose_name=_("branches")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="volunteers", verbose_name=_("skills")
    )
    available_days = models.JSONField(
        _("days available"), default=list, blank=True, help_text=_("0 is Monday, 6 is Sunday.")
    )
    availability = models.TextField(_("availability"), blank=True, help_text=_("e.g. after 16:00"))
    consented_at = models.DateTimeField(_("agreed to data use"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered"))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")

    def __str__(self) -> str:
        return self.name

    @property
    def has_consented(self) -> bool:
        return self.consented_at is not None


class Shift(models.Model):
    """A stretch of time at a branch that volunteers sign up for."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="volunteer_shifts", verbose_name=_("branch")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what to do"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("volunteers needed"), default=1)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="shifts", verbose_name=_("skills wanted")
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="shift_has_a_place"),
        ]
        verbose_name = _("volunteer shift")
        verbose_name_plural = _("volunteer shifts")

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%Y-%m-%d %H:%M}"


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    CANCELLED = "cancelled", pgettext_lazy("volunteer shift", "Cancelled")


class ShiftSignup(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField(
        _("status"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP
    )
    created_at = models.DateTimeField(_("signed up"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # One live sign-up per volunteer and shift; cancelled ones stay as history.
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(status="signed_up"),
                name="one_live_signup_per_shift",
            )
        ]
        verbose_name = _("shift sign-up")
        verbose_name_plural = _("shift sign-ups")

    def __str__(self) -> str:
        return f"{self.volunteer_id} → {self.shift_id} ({self.status})"


class HoursStatus(models.TextChoices):
    LOGGED = "logged", _("Waiting for confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("volunteer hours", "Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class HoursEntry(models.Model):
    """Time a volunteer gave on one day. Only confirmed entries count in totals: whoever
    logs the time, a member of staff of that branch confirms it."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="hours", verbose_name=_("volunteer")
    )
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.SET_NULL, null=True, blank=True, related_name="hours",
        verbose_name=_("shift"),
    )
    on = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(pgettext_lazy("duration", "minutes"))
    description = models.CharField(_("what they did"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.LOGGED
    )
    logged_at = models.DateTimeField(_("logged"))
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("confirmed or refused"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(pgettext_lazy("remark", "note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=24 * 60), name="hours_within_a_day"
            )
        ]
        indexes = [models.Index(fields=["status", "on"])]
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")

    def __str__(self) -> str:
        return f"{self.on} {self.minutes} min ({self.status})"


# --- business and career service ------------------------------------------------------------


class Topic(models.TextChoices):
    JOBS = "jobs", _("Finding a job")
    CAREER = "career", _("Skills and career change")
    START = "start", _("Starting a business")
    FUNDING = "funding", _("Funding and grants")
    LEGAL = "legal", _("Law, tax and accounts")
    MARKETS = "markets", _("Market and company research")
    OTHER = "other", _("Other")


class CareerResource(models.Model):
    """One link on a branch's business and career page, chosen by staff."""

    branch = models.ForeignKey(
        Branch, on_delete=models.CASCADE, related_name="career_resources", verbose_name=_("branch")
    )
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    title = models.CharField(_("title"), max_length=200)
    titles = models.JSONField(_("title in each language"), default=dict, blank=True)
    url = models.URLField(_("link"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("description in each language"), default=dict, blank=True)
    sort_order = models.PositiveSmallIntegerField(pgettext_lazy("sort order", "order"), default=0)
    is_published = models.BooleanField(_("shown to the public"), default=True)

    class Meta:
        ordering = ["branch", "topic", "sort_order", "pk"]
        verbose_name = _("business and career link")
        verbose_name_plural = _("business and career links")

    def __str__(self) -> str:
        return self.display_title()

    def display_title(self, language: str | None = None) -> str:
        return localised(self.titles, self.title, language)

    def display_description(self, language: str | None = None) -> str:
        return localised(self.descriptions, self.description, language)


class MentorKind(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    BUSINESS = "business", _("Local business")


class ContactPreference(models.TextChoices):
    LIBRARY = "library", _("Only through the library")
    EMAIL = "email", _("By e-mail")
    PHONE = "phone", _("By phone")
    ANY = "any", _("By e-mail or phone")


class Mentor(models.Model):
    """A mentor or a local business in the database staff keep for the business and career
    service. Shown in the public directory only while they agree to it (`public_consent_at`),
    and then only with the contact details they chose to share."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="mentors")
    kind = models.CharField(_("type"), max_length=10, choices=MentorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    partner = models.ForeignKey(
        Partner, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentors",
        verbose_name=_("partner organisation"),
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    expertise = models.TextField(_("what they can help with"), blank=True)
    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("e.g. Ukrainian, English")
    )
    branches = models.ManyToManyField(
        Branch, related_name="mentors", verbose_name=_("branches")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_preference = models.CharField(
        _("how they want to be contacted"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.LIBRARY,
    )
    public_consent_at = models.DateTimeField(
        _("agreed to be listed publicly"), null=True, blank=True
    )
    takes_requests = models.BooleanField(_("takes mentoring requests"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("business or mentor")
        verbose_name_plural = _("businesses and mentors")

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.is_active and self.public_consent_at is not None

    @property
    def public_email(self) -> str:
        return self.email if self.contact_preference in {"email", "any"} else ""

    @property
    def public_phone(self) -> str:
        return self.phone if self.contact_preference in {"phone", "any"} else ""


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    MATCHED = "matched", _("Appointment arranged")
    MET = "met", _("Met")
    CLOSED = "closed", pgettext_lazy("mentoring request", "Closed")


class MentoringRequest(models.Model):
    """A patron (or anyone, with a name and an e-mail) asking to meet a mentor. Staff match
    it to a mentor with an appointment, then log how it went."""

    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="mentoring_requests", verbose_name=_("branch")
    )
    patron = models.ForeignKey(
        "patrons.Patron", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("patron"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    message = models.TextField(_("what you would like help with"))
    wished_mentor = models.ForeignKey(
        Mentor, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("mentor asked for"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    mentor = models.ForeignKey(
        Mentor, on_delete=models.SET_NULL, null=True, blank=True, related_name="requests",
        verbose_name=_("mentor"),
    )
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    outcome = models.TextField(_("how it went"), blank=True)
    created_at = models.DateTimeField(_("asked"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")

    def __str__(self) -> str:
        return f"{self.name} {self.created_at:%Y-%m-%d}"
