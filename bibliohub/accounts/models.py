"""Staff users and their roles. Patrons are not users of this kind (see the patrons app)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from bibliohub.libraries.models import Branch


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    NETWORK_MANAGER = "network_manager", _("Network manager")
    BRANCH_LIBRARIAN = "branch_librarian", _("Branch librarian")
    CATALOGUER = "cataloguer", _("Cataloguer")
    # Runs the development programme, its SWOT and indicators for the whole network; on
    # other screens she works like a branch librarian of the branches listed (often none).
    METHODOLOGIST = "methodologist", _("Methodologist")
    # Not staff: someone of the programme's monitoring group (the city's culture department,
    # a civic organisation, an active reader) who reads programmes, indicators and summaries
    # and nothing else. Every staff screen refuses this role.
    MONITORING = "monitoring", _("Monitoring group (read only)")


class User(AbstractUser):
    """A member of staff. Administrators and network managers act on every branch; a branch
    librarian only on the branches listed; a cataloguer edits records everywhere and items of
    the listed branches (all branches when none are listed); a methodologist edits every
    development programme and SWOT. An account with the monitoring role is not staff: it
    reads the programmes (of the listed branches and the network's, or all when none are
    listed) and nothing else."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.BRANCH_LIBRARIAN)
    branches = models.ManyToManyField(
        Branch, verbose_name=_("branches"), related_name="staff", blank=True
    )
    language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("staff user")
        verbose_name_plural = _("staff users")

    @property
    def is_network_wide(self) -> bool:
        return self.is_superuser or self.role in {Role.ADMINISTRATOR, Role.NETWORK_MANAGER}


class ApiToken(models.Model):
    """A secret a member of staff gives a script to call the REST API as herself: only its
    SHA-256 is kept, so the token is shown once, when issued (`bibliohub api-token`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What it is for."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The last characters, to tell tokens apart in a list without showing them.
    hint = models.CharField(max_length=4, editable=False)
    created_at = models.DateTimeField(_("issued"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} (…{self.hint})"
