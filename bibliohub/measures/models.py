"""The plan's side of the indicators: for a year, an indicator's baseline and target, for a
branch or the whole network. The figures themselves are computed (history.indicators)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.libraries.models import Branch, Network


class Target(models.Model):
    """What the library aims at for indicator `code` in `year`: a value (`target`), or a
    change in % from the baseline (`change`: -10 for "10 % fewer complaints"); the
    baseline is what it is measured from, last year's figure when none is entered."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("branch"),
    )
    code = models.CharField(pgettext_lazy("plan", "indicator"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    baseline = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True,
        help_text=_("Empty: last year's figure."),
    )
    target = models.DecimalField(
        _("target"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    change = models.DecimalField(
        _("target change in %"), max_digits=8, decimal_places=2, null=True, blank=True,
        help_text=_("Instead of a value: e.g. 10 for 10 % more than the baseline, -5 for 5 % less."),
    )
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["year", "code", "branch"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "code", "year"],
                condition=Q(branch__isnull=False),
                name="target_of_branch_once",
            ),
            models.UniqueConstraint(
                fields=["network", "code", "year"],
                condition=Q(branch__isnull=True),
                name="target_of_network_once",
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(change__isnull=True),
                name="target_value_or_change",
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.code} {self.year}"
