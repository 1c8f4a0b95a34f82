"""The full-text index for the database in use: an FTS5 table on SQLite, a tsvector column
with a GIN index on PostgreSQL. Both hold text already split by bibliohub.text,
so neither database's own word rules matter."""

from django.db import migrations

SQLITE = [
    # The `ascii` tokenizer splits only on ASCII spaces and punctuation and leaves every other
    # character alone: the tokens arrive normalised and space-separated.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, author, subject, other, isbn, tokenize = 'ascii', detail = full)",
    # Default ranking: bm25 with field weights title > author > subject > the rest.
    "INSERT INTO search_fts(search_fts, rank) VALUES ('rank', 'bm25(10.0, 5.0, 2.5, 1.0, 1.0)')",
]
SQLITE_REVERSE = ["DROP TABLE search_fts"]

POSTGRESQL = [
    "ALTER TABLE search_document ADD COLUMN vector tsvector NOT NULL DEFAULT ''",
    "CREATE INDEX search_document_vector ON search_document USING gin (vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX search_document_vector",
    "ALTER TABLE search_document DROP COLUMN vector",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
