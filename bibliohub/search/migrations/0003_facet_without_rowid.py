"""Facet rows without a separate record_id index (the primary key starts with record_id), and
on SQLite a WITHOUT ROWID table: the rows are stored in the primary-key B-tree, so each facet
row written by an import updates two B-trees (the key and the (facet, value) index) instead of
four (rowid table, key, record_id index, (facet, value) index). PostgreSQL keeps its heap
table; only the redundant index goes."""

import django.db.models.deletion
from django.db import migrations, models

# Django rebuilds SQLite tables for most schema changes and would drop the WITHOUT ROWID clause
# when it does: a later migration that alters Facet must run these statements again.
SQLITE_WITHOUT_ROWID = [
    'CREATE TABLE "search_facet__new" ("facet" varchar(16) NOT NULL, "value" varchar(64) NOT NULL, '
    '"record_id" bigint NOT NULL REFERENCES "catalog_record" ("id") DEFERRABLE INITIALLY DEFERRED, '
    'PRIMARY KEY ("record_id", "facet", "value")) WITHOUT ROWID',
    'INSERT INTO "search_facet__new" ("facet", "value", "record_id") '
    'SELECT "facet", "value", "record_id" FROM "search_facet"',
    'DROP TABLE "search_facet"',
    'ALTER TABLE "search_facet__new" RENAME TO "search_facet"',
    'CREATE INDEX "search_facet_value" ON "search_facet" ("facet", "value", "record_id")',
]
SQLITE_WITH_ROWID = [
    'CREATE TABLE "search_facet__new" ("facet" varchar(16) NOT NULL, "value" varchar(64) NOT NULL, '
    '"record_id" bigint NOT NULL REFERENCES "catalog_record" ("id") DEFERRABLE INITIALLY DEFERRED, '
    'PRIMARY KEY ("record_id", "facet", "value"))',
    'INSERT INTO "search_facet__new" ("facet", "value", "record_id") '
    'SELECT "facet", "value", "record_id" FROM "search_facet"',
    'DROP TABLE "search_facet"',
    'ALTER TABLE "search_facet__new" RENAME TO "search_facet"',
    'CREATE INDEX "search_facet_value" ON "search_facet" ("facet", "value", "record_id")',
]


def _sqlite(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_record_newest"),
        ("search", "0002_fulltext"),
    ]

    operations = [
        migrations.AlterField(
            model_name="facet",
            name="record",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="catalog.record",
            ),
        ),
        migrations.RunPython(_sqlite(SQLITE_WITHOUT_ROWID), _sqlite(SQLITE_WITH_ROWID)),
    ]
