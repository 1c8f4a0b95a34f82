"""PostgreSQL: search_document becomes a table partitioned by record id, one partition per
band of PARTITION_SIZE ids, each with its own GIN index (docs/search.md, "Bounding the cost").

The rows are copied into the new table; constraints and indexes keep the names Django and
migration 0002 gave them, so that later migrations find them. Nothing changes on SQLite.
Going back leaves the table partitioned: it works the same for everything but speed."""

from django.db import migrations

from bibliohub.search.backends.postgresql import ensure_partitions


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT relkind FROM pg_class WHERE oid = 'search_document'::regclass"
        )
        if cursor.fetchone()[0] == "p":
            return  # already partitioned
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'search_document'::regclass ORDER BY contype DESC"  # p before f
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'search_document'::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        )
        indexes = cursor.fetchall()
        cursor.execute("ALTER TABLE search_document RENAME TO search_document_unpartitioned")
        for name, _definition in constraints:
            cursor.execute(
                f'ALTER TABLE search_document_unpartitioned RENAME CONSTRAINT "{name}" TO "{name}_old"'
            )
        for name, _definition in indexes:
            cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{name}_old"')
        cursor.execute(
            "CREATE TABLE search_document (LIKE search_document_unpartitioned INCLUDING DEFAULTS) "
            "PARTITION BY RANGE (record_id)"
        )
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE search_document ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            # Taken before the rename, the definitions still say "ON public.search_document".
            cursor.execute(definition)
        cursor.execute("SELECT coalesce(max(record_id), 0) FROM search_document_unpartitioned")
        ensure_partitions(cursor, cursor.fetchone()[0])
        cursor.execute(
            "INSERT INTO search_document SELECT * FROM search_document_unpartitioned"
        )
        cursor.execute("DROP TABLE search_document_unpartitioned")
        cursor.execute("ANALYZE search_document")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_facet_without_rowid")]

    operations = [migrations.RunPython(partition, migrations.RunPython.noop)]
