"""Rules that existed before a setting did get its default when the database is migrated."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("circulation", "0004_policy_changed_event")]
AFTER = [("circulation", "0006_rule_renew_if_other_copies")]


@pytest.mark.django_db(transaction=True)
def test_existing_rules_fine_only_open_days_and_renew_past_holds_after_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_rule = executor.loader.project_state(BEFORE).apps.get_model(
        "circulation", "CirculationRule"
    )
    rule = old_rule.objects.create(loan_period=21, fine_per_day="0.20")
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new_rule = executor.loader.project_state(AFTER).apps.get_model("circulation", "CirculationRule")
    migrated = new_rule.objects.get(pk=rule.pk)
    assert migrated.fine_days == "open_days" and migrated.renew_if_other_copies is True
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
