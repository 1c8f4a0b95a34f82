"""The keys staff find patrons by (patrons.lookup), made for every patron already there."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 2000


def make_terms(apps, schema_editor):
    from bibliohub.patrons.lookup import search_terms

    Patron = apps.get_model("patrons", "Patron")
    Term = apps.get_model("patrons", "PatronSearchTerm")
    rows = Patron.objects.order_by("pk").values_list(
        "pk", "family_name", "given_names", "school_class", "card_barcode", "email"
    )
    last = 0
    while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
        Term.objects.bulk_create(
            Term(patron_id=pk, term=term)
            for pk, family, given, school_class, card, email in chunk
            for term in search_terms(
                family_name=family,
                given_names=given,
                school_class=school_class,
                card=card,
                email=email,
            )
        )
        last = chunk[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ('patrons', '0005_move_events_to_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='PatronSearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(max_length=200)),
                ('patron', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='search_terms', to='patrons.patron')),
            ],
            options={
                'indexes': [models.Index(fields=['term', 'patron'], name='patron_search_term', opclasses=['text_pattern_ops', 'int8_ops'])],
                'constraints': [models.UniqueConstraint(fields=('patron', 'term'), name='patron_search_term_once')],
            },
        ),
        migrations.RunPython(make_terms, migrations.RunPython.noop, elidable=True),
    ]
