"""Self-check terminal accounts: what a SIP2 machine logs in with, where it stands and the
language its screen speaks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch

# The login travels in a SIP2 field, where "|" ends a field.
login_validator = RegexValidator(
    r"^[A-Za-z0-9._-]+\Z", _("Use only letters, digits, dots, hyphens and underscores.")
)


class PersonalField(models.TextChoices):
    """What a patron information answer (64) may say about the reader beyond the name, each
    only to the terminals allowed it: a self-check that greets readers needs none; a PC
    booking system may need the date of birth (age rules) or the category."""

    ADDRESS = "address", _("Home address (BD)")
    EMAIL = "email", _("E-mail (BE)")
    PHONE = "phone", _("Phone (BF)")
    BIRTH_DATE = "birth_date", _("Date of birth (PB)")
    CATEGORY = "category", _("Patron category (PC)")
    CARD_EXPIRY = "card_expiry", _("Card expiry date (PA)")
    HOME_BRANCH = "home_branch", _("Home library (AQ)")


class SelfCheckTerminal(models.Model):
    login = models.CharField(
        _("login"),
        max_length=50,
        unique=True,
        validators=[login_validator],
        help_text=_("The user name the machine sends when it logs in (SIP2 field CN)."),
    )
    password = models.CharField(_("password"), max_length=128)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("Where the machine stands, e.g. Entrance hall.")
    )
    branch = models.ForeignKey(
        Branch,
        on_delete=models.PROTECT,
        related_name="self_check_terminals",
        verbose_name=_("branch"),
        help_text=_("Loans, returns and payments made on this machine count for this branch."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the messages on the machine's screen."),
    )
    requires_pin = models.BooleanField(
        _("patrons enter their PIN"),
        default=False,
        help_text=_(
            "Patrons must type their PIN on this machine. Otherwise a PIN is checked only "
            "when the machine sends one."
        ),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("A machine that is not active cannot log in.")
    )
    # Codes of PersonalField, none by default: a reader's details reach a machine only when
    # the library has said that machine needs them.
    personal_fields = models.JSONField(
        _("personal details it may receive"),
        default=list,
        blank=True,
        help_text=_(
            "What patron information answers may tell this machine about a reader besides "
            "the name. Leave all unticked unless the machine needs them."
        ),
    )

    class Meta:
        ordering = ["branch", "login"]
        verbose_name = _("self-check terminal")
        verbose_name_plural = _("self-check terminals")

    def __str__(self) -> str:
        return f"{self.name} ({self.login})"

    def set_password(self, raw_password: str) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        return check_password(raw_password, self.password)

    def may_receive(self, personal_field: PersonalField) -> bool:
        return personal_field.value in (self.personal_fields or ())
