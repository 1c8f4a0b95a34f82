"""The partner-dynamics selector behind the "dynamics of partners" indicator."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from bibliohub.community.models import ActivityKind, Direction
from bibliohub.community.selectors import partner_dynamics
from bibliohub.community.services import partners
from bibliohub.history import Actor
from bibliohub.programs import services as programs
from bibliohub.programs.models import Audience, Format

from .conftest import AT, local


def _activity(partner, day, kind=ActivityKind.PROJECT, value=None, branch=None):
    return partners.record_activity(partner=partner, kind=kind, on=day, description="Together",
                                    value=value, branch=branch, actor=Actor.system("tests"), at=AT)


def _referral(partner, branch, day):
    return partners.log_referral(partner=partner, branch=branch, direction=Direction.FROM_PARTNER,
                                 on=day, reason="Looking for a job", actor=Actor.system("tests"), at=AT)


def test_partners_active_new_and_activities_are_counted_per_year(network, central, riverside, school, bakery, ngo):
    # School (since 2025): active in 2025 and 2026. Bakery (since May 2026) and the non-profit
    # (since January 2026): active in 2026 only.
    _activity(school, date(2025, 3, 1))
    _activity(school, date(2026, 9, 1))
    _activity(bakery, date(2026, 6, 1), ActivityKind.DONATION, Decimal("1500"), central)
    _activity(bakery, date(2026, 7, 1), ActivityKind.DONATION, Decimal("250.50"), central)
    _referral(ngo, riverside, date(2026, 2, 1))
    _referral(ngo, riverside, date(2026, 2, 2))

    y2025, y2026 = partner_dynamics(network=network, start_year=2025, end_year=2026)

    assert (y2025.label, y2025.active_partners, y2025.new_partners, y2025.activities) == ("2025", 1, 1, 1)
    assert (y2026.active_partners, y2026.new_partners) == (3, 2)
    assert (y2026.joint_activities, y2026.referrals, y2026.activities) == (3, 2, 5)
    assert (y2026.donations, y2026.donations_value) == (2, Decimal("1750.50"))
    assert y2025.change is None and y2026.change == Decimal("200.0")


def test_quarters_split_the_year_and_a_quiet_quarter_has_nobody_active(network, school, ngo, riverside):
    _activity(school, date(2026, 1, 1))
    _activity(school, date(2026, 3, 31))
    _referral(ngo, riverside, date(2026, 12, 31))

    quarters = partner_dynamics(network=network, start_year=2026, end_year=2026, period="quarter")

    assert [q.label for q in quarters] == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4"]
    assert [q.start for q in quarters] == [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]
    assert quarters[-1].end == date(2027, 1, 1)
    assert [q.active_partners for q in quarters] == [1, 0, 0, 1]
    assert [q.activities for q in quarters] == [2, 0, 0, 1]
    assert [q.new_partners for q in quarters] == [1, 0, 0, 0]  # the non-profit, in January
    assert quarters[1].change == Decimal("-100.0") and quarters[2].change is None


def test_each_date_of_a_co_hosted_series_counts_unless_cancelled(network, central, school, bakery):
    details = programs.EventDetails(title="Reading club", format=Format.ON_SITE,
                                    audiences=[Audience.CHILDREN], partners=[school, bakery])
    event = programs.create_event(details, branch=central, starts_at=local(2026, 10, 6, 15),
                                  ends_at=local(2026, 10, 6, 16), recurrence="FREQ=WEEKLY;COUNT=4",
                                  organiser=None, actor=Actor.system("tests"), at=AT - timedelta(days=90))
    programs.cancel_occurrence(event.occurrences.first(), note="", actor=Actor.system("tests"), at=AT - timedelta(days=60))

    (q4,) = partner_dynamics(network=network, start_year=2026, end_year=2026, period="quarter")[3:]

    assert q4.co_hosted_events == 2 * 3  # three dates held, two partners each
    assert q4.active_partners == 2


def test_a_branch_sees_only_what_happened_there(network, central, riverside, school, ngo):
    _activity(school, date(2026, 3, 1), branch=central)
    _referral(ngo, riverside, date(2026, 3, 1))

    (at_riverside,) = partner_dynamics(network=network, start_year=2026, end_year=2026, branch=riverside)

    assert (at_riverside.active_partners, at_riverside.referrals, at_riverside.joint_activities) == (1, 1, 0)
    assert at_riverside.new_partners == 1  # the non-profit works with Riverside


def test_the_whole_indicator_takes_a_fixed_number_of_queries(network, school, django_assert_max_num_queries):
    for month in range(1, 13):
        _activity(school, date(2026, month, 1))
    with django_assert_max_num_queries(4):
        partner_dynamics(network=network, start_year=2020, end_year=2026, period="quarter")
