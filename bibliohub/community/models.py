"""Partner organisations and what the library does with them, volunteers and their hours, the
business and career service (curated resources, local businesses and mentors, mentoring
requests), referrals both ways, and the community events that statistics read.

Co-hosted events are not stored here: the programmes app points its events at `Partner`
(`Event.partners`, reverse name `events`), and the partner-dynamics selector reads that
relation. Everything else a partner and the library did together is a `PartnerActivity` or a
`Referral`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch, Network


def _localised(names: dict[str, str], default: str, language: str | None) -> str:
    language = (language or get_language() or "en").lower()
    return names.get(language) or names.get(language.split("-")[0]) or default


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
        return _localised(self.names, self.name, language)


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
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

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
