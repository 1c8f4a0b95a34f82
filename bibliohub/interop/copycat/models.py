"""The catalogues copy cataloguing searches."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CopyTarget(models.Model):
    """Another library's catalogue, searched over Z39.50 or SRU (a national library, a
    union catalogue, a neighbouring network)."""

    class Protocol(models.TextChoices):
        Z3950 = "z3950", "Z39.50"
        SRU = "sru", "SRU"

    class Syntax(models.TextChoices):
        USMARC = "usmarc", _("MARC 21 (ISO 2709)")
        MARCXML = "marcxml", "MARCXML"
        UNIMARC = "unimarc", _("UNIMARC (ISO 2709)")

    class Charset(models.TextChoices):
        AUTO = "auto", pgettext_lazy("character set", "As each record says")
        UTF8 = "utf-8", "UTF-8"
        MARC8 = "marc-8", "MARC-8"

    name = models.CharField(_("name"), max_length=100, unique=True)
    protocol = models.CharField(_("protocol"), max_length=10, choices=Protocol.choices, default=Protocol.Z3950)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=210)
    database = models.CharField(
        _("database or path"), max_length=255, blank=True,
        help_text=_("The Z39.50 database name, or the path of the SRU service (for example sru)."),
    )
    tls = models.BooleanField(_("HTTPS"), default=False, help_text=_("SRU over HTTPS."))
    syntax = models.CharField(_("record syntax"), max_length=10, choices=Syntax.choices, default=Syntax.USMARC)
    charset = models.CharField(_("character set"), max_length=10, choices=Charset.choices, default=Charset.AUTO)
    enabled = models.BooleanField(_("searched"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("copy cataloguing target")
        verbose_name_plural = _("copy cataloguing targets")

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        """Where it is, as a cataloguer would write it."""
        if self.protocol == self.Protocol.SRU:
            scheme = "https" if self.tls else "http"
            return f"{scheme}://{self.host}:{self.port}/{self.database.lstrip('/')}"
        return f"{self.host}:{self.port}/{self.database}"
