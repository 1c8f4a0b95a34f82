"""Columns for the other-script forms of each field (bibliohub.search.scripts) in SQLite's
FTS5 table, which cannot take new columns: the table is made again and the indexed text
copied into it. The new columns stay empty until `bibliohub reindex` fills them; until then
search works as before. PostgreSQL keeps the forms in the same tsvector and needs nothing."""

from django.db import migrations

_OLD = "title, author, subject, other, isbn"
_NEW = f"{_OLD}, cross_title, cross_author, cross_subject, cross_other"

SQLITE = [
    f"CREATE VIRTUAL TABLE search_fts_new USING fts5({_NEW}, tokenize = 'ascii', detail = full)",
    # A cross-script column weighs a hundredth or less of its field, so that a match of the
    # text as catalogued ranks first (docs/search.md, "Across scripts").
    "INSERT INTO search_fts_new(search_fts_new, rank) VALUES "
    "('rank', 'bm25(10.0, 5.0, 2.5, 1.0, 1.0, 0.02, 0.01, 0.005, 0.002)')",
    f"INSERT INTO search_fts_new(rowid, {_OLD}) SELECT rowid, {_OLD} FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_new RENAME TO search_fts",
]
SQLITE_REVERSE = [
    f"CREATE VIRTUAL TABLE search_fts_old USING fts5({_OLD}, tokenize = 'ascii', detail = full)",
    "INSERT INTO search_fts_old(search_fts_old, rank) VALUES ('rank', 'bm25(10.0, 5.0, 2.5, 1.0, 1.0)')",
    f"INSERT INTO search_fts_old(rowid, {_OLD}) SELECT rowid, {_OLD} FROM search_fts",
    "DROP TABLE search_fts",
    "ALTER TABLE search_fts_old RENAME TO search_fts",
]


def _run(statements: list[str]):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_document_without_record_constraint"), ("catalog", "0006_record_vernacular")]

    operations = [migrations.RunPython(_run(SQLITE), _run(SQLITE_REVERSE))]
