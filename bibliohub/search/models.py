"""What the index keeps beside the full-text table: facet values and a sort key per record.
The full-text tables themselves (FTS5 on SQLite, a tsvector column on PostgreSQL) are created
by migrations for the database in use; see backends/."""

from __future__ import annotations

from django.db import models

from bibliohub.catalog.models import Record


class Document(models.Model):
    """One row per indexed record. On PostgreSQL the table also holds the `vector` column
    (tsvector with a GIN index), added by a migration Django does not model."""

    # No foreign key constraint in the database: on PostgreSQL the table is partitioned, and
    # creating a partition with one would lock the record table against every writer (and
    # deadlock two imports entering a new band at once). Deleting a record still deletes its
    # row here (Django's on_delete), and the index is rebuilt from the records anyway.
    record = models.OneToOneField(
        Record, on_delete=models.CASCADE, primary_key=True, related_name="+", db_constraint=False
    )
    sort_title = models.CharField(max_length=100, db_index=True)

    def __str__(self) -> str:
        return self.sort_title


class Facet(models.Model):
    """One facet value of one record: ("language", "ukr"), ("branch", "central"),
    ("availability", "available"), ("available_at", "central"), ("year", "1999") …
    Filters read it by (facet, value); facet counts read it by record.

    On SQLite the table is WITHOUT ROWID (migration 0003): the rows live in the primary-key
    B-tree itself, so a bulk import maintains two B-trees per facet row instead of four.
    Django knows nothing of that clause: a later migration that makes SQLite rebuild this
    table must repeat it (see migration 0003)."""

    pk = models.CompositePrimaryKey("record_id", "facet", "value")
    # No index of its own: the primary key starts with record_id and serves lookups by record.
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="+", db_constraint=True, db_index=False
    )
    facet = models.CharField(max_length=16)
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["facet", "value", "record"], name="search_facet_value")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"
