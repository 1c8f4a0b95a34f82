"""Records catalogued before 880 fields were kept get them read from their stored MARC when
the database is migrated."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bibliohub.catalog.marc import iso2709
from bibliohub.catalog.models import Record
from tests.catalog.marc_builders import make_record
from tests.catalog.test_vernacular import hong_lou_meng
from tests.migrating import before

AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_existing_records_get_their_880_fields():
    with before("catalog", "0006_record_vernacular") as old:
        OldRecord = old.get_model("catalog", "Record")
        chinese = OldRecord.objects.create(
            marc=iso2709.encode(hong_lou_meng()), title="Hong lou meng", created_at=AT, updated_at=AT
        )
        plain = OldRecord.objects.create(
            marc=iso2709.encode(make_record(control="plain1", title="War and peace /")),
            title="War and peace", created_at=AT, updated_at=AT,
        )
        assert OldRecord.objects.get(pk=chinese.pk).vernacular == []
    # Leaving `before` migrated everything forward again.
    filled = Record.objects.get(pk=chinese.pk).vernacular
    by_role = {v["role"]: v for v in filled}
    assert (by_role["title"]["text"], by_role["title"]["linked"]) == ("紅樓夢", "Hong lou meng")
    assert by_role["author"]["text"].startswith("曹雪芹") and by_role["subject"]["text"] == "小說"
    assert Record.objects.get(pk=plain.pk).vernacular == []
