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


@pytest.mark.django_db(transaction=True)
def test_existing_rules_renew_from_the_due_date_after_the_migration():
    before = [("circulation", "0010_move_events_to_history")]
    after = [("circulation", "0011_rule_renewal_base")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_rule = executor.loader.project_state(before).apps.get_model(
        "circulation", "CirculationRule"
    )
    rule = old_rule.objects.create(loan_period=21, renewals_allowed=2)
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new_rule = executor.loader.project_state(after).apps.get_model("circulation", "CirculationRule")
    assert new_rule.objects.get(pk=rule.pk).renewal_base == "due_date"
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
