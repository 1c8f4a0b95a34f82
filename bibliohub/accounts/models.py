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


class User(AbstractUser):
    """A member of staff. Administrators and network managers act on every branch; a branch
    librarian only on the branches listed; a cataloguer edits records everywhere and items of
    the listed branches (all branches when none are listed)."""

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
