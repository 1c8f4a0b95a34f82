"""Bibliographic records (the whole MARC record kept, plus the fields we search and show) and
the items a network holds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bibliohub.i18n import localised
from bibliohub.libraries.models import Branch, Location


class Format(models.TextChoices):
    """Derived from leader 06/07 (and 007 where it tells more)."""

    BOOK = "book", pgettext_lazy("format", "Book")
    SERIAL = "serial", _("Journal or magazine")
    AUDIO = "audio", _("Audio recording")
    MUSIC = "music", _("Music recording")
    VIDEO = "video", _("Video")
    MAP = "map", _("Map")
    SCORE = "score", _("Printed music")
    ERESOURCE = "eresource", _("Electronic resource")
    VISUAL = "visual", _("Picture or visual material")
    MANUSCRIPT = "manuscript", _("Manuscript")
    KIT = "kit", _("Kit or mixed materials")
    OBJECT = "object", _("Object")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    """Derived from 008/22 (target audience) for books, music and visual materials."""

    CHILDREN = "children", _("Children")
    YOUNG_ADULT = "young_adult", _("Teenagers")
    ADULT = "adult", _("Adults")
    SPECIALISED = "specialised", _("Specialists")
    GENERAL = "general", _("General")


class Record(models.Model):
    marc = models.BinaryField(_("MARC record"), help_text=_("The whole record, ISO 2709 in UTF-8."))
    title = models.TextField(_("title"))
    subtitle = models.TextField(_("subtitle"), blank=True)
    responsibility = models.TextField(_("statement of responsibility"), blank=True)
    authors = models.JSONField(_("authors"), default=list, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    isbns = models.JSONField(_("ISBNs"), default=list, blank=True)
    issns = models.JSONField(_("ISSNs"), default=list, blank=True)
    publisher = models.TextField(_("publisher"), blank=True)
    place = models.TextField(_("place of publication"), blank=True)
    year = models.SmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.BOOK)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, blank=True)
    series = models.TextField(_("series"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    edition = models.TextField(_("edition"), blank=True)
    control_number = models.CharField(_("control number"), max_length=64, blank=True)
    control_source = models.CharField(_("control number source"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    updated_at = models.DateTimeField(_("updated"))
    # The 880 fields: the title, names and subjects in their own script beside the romanised
    # ones (catalog.marc.extract.vernacular_fields), searched and shown with them.
    vernacular = models.JSONField(_("in the original script"), default=list, blank=True)

    class Meta:
        verbose_name = _("bibliographic record")
        verbose_name_plural = _("bibliographic records")
        indexes = [
            models.Index(fields=["control_source", "control_number"]),
            # "New in the library" on the OPAC: the newest records without sorting them all.
            models.Index(fields=["-created_at", "-id"], name="catalog_record_newest"),
            # Harvesting (OAI-PMH) pages through records in the order they last changed.
            models.Index(fields=["updated_at", "id"], name="catalog_record_changed"),
        ]

    def __str__(self) -> str:
        return self.full_title

    @property
    def full_title(self) -> str:
        return f"{self.title} : {self.subtitle}" if self.subtitle else self.title

    @property
    def isbn(self) -> str:
        return self.isbns[0] if self.isbns else ""


class DeletedRecord(models.Model):
    """What stays of a deleted record: its id and when it went, so that harvesters that copied
    it (OAI-PMH) learn of the deletion however long after it they ask. Written only by
    `services.delete_record`; never removed."""

    record_id = models.BigIntegerField(pgettext_lazy("catalogue record", "record"), primary_key=True)
    deleted_at = models.DateTimeField(_("deleted"))
    # What the record was, so that a harvest of one format's set learns of its deletion.
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, blank=True)

    class Meta:
        verbose_name = _("deleted record")
        verbose_name_plural = _("deleted records")
        indexes = [models.Index(fields=["deleted_at", "record_id"], name="catalog_deleted_when")]

    def __str__(self) -> str:
        return str(self.record_id)


class Identifier(models.Model):
    """ISBNs, ISSNs and control numbers of a record, indexed so that an import finds the record
    it updates in one look-up instead of scanning JSON."""

    class Kind(models.TextChoices):
        ISBN = "isbn", "ISBN"
        ISSN = "issn", "ISSN"
        CONTROL = "control", _("control number")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=140)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]
        constraints = [
            models.UniqueConstraint(fields=["record", "kind", "value"], name="identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class ItemType(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    names = models.JSONField(_("name in each language"), default=dict, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("item type")
        verbose_name_plural = _("item types")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return localised(self.names, self.name, language)


class ItemStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    ON_HOLD_SHELF = "on_hold_shelf", _("Waiting for a reader")
    IN_TRANSIT = "in_transit", _("In transit")
    IN_PROCESSING = "in_processing", _("Being processed")
    REFERENCE = "reference", _("Library use only")
    MISSING = "missing", _("Missing")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which a reader can take the item off the shelf now.
AVAILABLE_STATUSES = frozenset({ItemStatus.AVAILABLE, ItemStatus.REFERENCE})
# Statuses that no longer count as part of the collection shown to readers.
GONE_STATUSES = frozenset({ItemStatus.WITHDRAWN, ItemStatus.LOST})


class Item(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="items")
    barcode = models.CharField(_("barcode"), max_length=50, unique=True)
    branch = models.ForeignKey(Branch, on_delete=models.PROTECT, related_name="items", verbose_name=_("branch"))
    location = models.ForeignKey(
        Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="items",
        verbose_name=_("shelving location"),
    )
    call_number = models.CharField(_("call number"), max_length=100, blank=True)
    item_type = models.ForeignKey(ItemType, on_delete=models.PROTECT, related_name="items", verbose_name=_("item type"))
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.AVAILABLE)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, null=True, blank=True)
    received_on = models.DateField(_("received"), null=True, blank=True)
    available_on = models.DateField(_("made available"), null=True, blank=True)
    public_note = models.CharField(_("public note"), max_length=255, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["branch", "call_number", "barcode"]
        indexes = [models.Index(fields=["record", "branch", "status"])]
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self) -> str:
        return self.barcode

    @property
    def is_available(self) -> bool:
        return self.status in AVAILABLE_STATUSES



class OutOfUse(models.Model):
    """A copy that could not be lent when the copies were last counted (catalog.census):
    lost, missing, damaged, being processed or for use in the library only, but not withdrawn.
    The daily count compares what it finds with these rows and records the copies that leave
    lending and those that come back (COPY_OUT_OF_USE, COPY_BACK_IN_USE), so that a period's
    figures know which copies lent in it could still be lent at its end."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, primary_key=True, related_name="+")

    def __str__(self) -> str:
        return str(self.item_id)
