from django.db import migrations

# The copies withdrawn in the entries the roll-up had already counted, put into DistinctYear
# (counter "copy_withdrawn") as the roll-up of this version would have counted them; entries
# not rolled up yet are counted by the next roll-up. The kind is that of this moment (the
# catalogue's withdrawal, marked `withdraws`). Withdrawals are few: read in Python, so that
# the months are or-ed the same way on both databases. Their patterns of months
# (DistinctPattern) are then counted again from DistinctYear, as migration 0005 counted every
# counter's.
WITHDRAWS = ("catalog", "item_withdrawn")
COUNTER = "copy_withdrawn"
NETWORK_WIDE = -1


def fill_copies_withdrawn(apps, schema_editor):
    Entry = apps.get_model("history", "Entry")
    DistinctYear = apps.get_model("history", "DistinctYear")
    seen: dict[tuple[int, int, int, str], int] = {}
    rows = (
        Entry.objects.filter(
            domain=WITHDRAWS[0], kind=WITHDRAWS[1], rolled_up=True, item_id__isnull=False
        )
        .values_list("day", "network_id", "branch_id", "item_id")
        .iterator(chunk_size=5000)
    )
    for day, network_id, branch_id, item_id in rows:
        for where in (branch_id or 0, NETWORK_WIDE):
            key = (network_id or 0, day.year, where, str(item_id))
            seen[key] = seen.get(key, 0) | (1 << (day.month - 1))
    DistinctYear.objects.bulk_create(
        [
            DistinctYear(
                counter=COUNTER,
                network_id=network_id,
                year=year,
                branch_id=branch_id,
                value=value,
                months=months,
                month_count=bin(months).count("1"),
                online_months=0,
            )
            for (network_id, year, branch_id, value), months in sorted(seen.items())
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM history_distinctpattern WHERE counter = %s", [COUNTER])
        cursor.execute(
            "INSERT INTO history_distinctpattern (year, network_id, branch_id, counter, months, "
            "online_months, month_count, number) "
            "SELECT year, network_id, branch_id, counter, months, online_months, month_count, "
            "COUNT(*) FROM history_distinctyear WHERE counter = %s "
            "GROUP BY year, network_id, branch_id, counter, months, online_months, month_count",
            [COUNTER],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0005_distinct_patterns"),
    ]

    operations = [
        migrations.RunPython(fill_copies_withdrawn, migrations.RunPython.noop, elidable=True),
    ]
