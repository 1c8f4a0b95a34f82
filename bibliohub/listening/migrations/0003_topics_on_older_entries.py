"""The complaints, suggestions and thanks received and answered before the history had a
topic (history migration 0003) get it now, from the item each entry names, so that the
indicators by topic, answered in time and median days count them.

- received ("submitted"): "<kind>.<topic>" as the entry's detail recorded them (else as the
  item has them now);
- answered: "<kind>.<topic>.<in_time|late>.<days>", whether in time as the entry's detail
  recorded it (else against the item's deadline) and the calendar days from receipt to the
  entry's moment in the network's time zone, as `listening.rules.answered_topic` writes it.

Entries the roll-up has not counted yet are counted with their topic when it runs. Those it
counted already are never counted again, so their topic rows (DayBreakdown, dimension
"topic") are added here, with the quantity and amount the roll-up would have added. Entries
whose item is gone keep no topic (a received one still gets it from its detail)."""

from collections import defaultdict
from decimal import Decimal

from django.db import migrations
from django.utils import timezone

KINDS = ("submitted", "answered")


def _days(received_at, answered_at):
    # As listening.rules.days_to_answer.
    return max((timezone.localdate(answered_at) - timezone.localdate(received_at)).days, 0)


def _topic(entry, item):
    detail = entry.detail or {}
    if entry.kind == "submitted":
        kind = detail.get("kind") or (item.kind if item else "")
        topic = detail.get("topic") or (item.topic if item else "")
        return f"{kind}.{topic}" if kind and topic else None
    if item is None:
        return None
    in_time = detail.get("in_time")
    if in_time is None:
        in_time = entry.at <= item.deadline
    days = min(_days(item.received_at, entry.at), 9999)
    return f"{item.kind}.{item.topic}.{'in_time' if in_time else 'late'}.{days}"


def fill_topics(apps, schema_editor):
    Entry = apps.get_model("history", "Entry")
    DayBreakdown = apps.get_model("history", "DayBreakdown")
    Feedback = apps.get_model("listening", "Feedback")
    older = Entry.objects.filter(
        domain="listening", kind__in=KINDS, topic__isnull=True, object_type="listening.feedback"
    ).order_by("pk")
    items = Feedback.objects.in_bulk(
        list(older.exclude(object_id=None).values_list("object_id", flat=True).distinct())
    )
    by_topic = defaultdict(list)
    parts = defaultdict(lambda: [0, Decimal(0)])
    for entry in older.iterator(chunk_size=2000):
        code = _topic(entry, items.get(entry.object_id))
        if code is None:
            continue
        code = code[:40]
        by_topic[code].append(entry.pk)
        if entry.rolled_up:
            key = (entry.day, entry.network_id or 0, entry.branch_id or 0, entry.domain,
                   entry.kind, code)
            parts[key][0] += entry.quantity
            parts[key][1] += Decimal(str(entry.amount)) if entry.amount is not None else 0
    for code, ids in by_topic.items():
        for start in range(0, len(ids), 1000):
            Entry.objects.filter(pk__in=ids[start:start + 1000]).update(topic=code)
    for (day, network_id, branch_id, domain, kind, value), (quantity, amount) in sorted(
        parts.items()
    ):
        row, _created = DayBreakdown.objects.get_or_create(
            day=day, network_id=network_id, branch_id=branch_id, domain=domain, kind=kind,
            dimension="topic", value=value,
            defaults={"month": day.replace(day=1), "quantity": 0, "amount": Decimal(0)},
        )
        row.quantity += quantity
        row.amount += amount
        row.save(update_fields=["quantity", "amount"])


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0002_feedback_patron"),
        ("history", "0003_entry_topic"),
    ]

    operations = [migrations.RunPython(fill_topics, migrations.RunPython.noop)]
