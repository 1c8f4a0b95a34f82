"""Who may move a patron to another home branch and who may erase one: staff who may act for
the patron's current home branch (its librarians, the network's managers and administrators),
whatever screen calls the service. A librarian of another branch serves the patron at her
desk but cannot first move the patron to her own branch and then erase them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bibliohub.history import Actor
from bibliohub.history.models import Entry
from bibliohub.patrons import services
from bibliohub.patrons.forms import PatronForm
from bibliohub.patrons.models import Patron

from .conftest import AT


def _details(patron: Patron, **changes) -> services.PatronDetails:
    fields = services.PatronDetails.__dataclass_fields__
    values = {name: getattr(patron, name) for name in fields}
    return services.PatronDetails(**{**values, **changes})


def _move(patron: Patron, to, actor: Actor) -> Patron:
    return services.update_details(
        patron,
        _details(patron),
        category=patron.category,
        home_branch=to,
        guardian=patron.guardian,
        branch=to,
        actor=actor,
        at=AT,
    )


def test_a_librarian_cannot_move_another_branchs_patron_to_her_branch_and_erase_them(
    adult, central, riverside, riverside_librarian
):
    intruder = Actor.for_staff(riverside_librarian)
    with pytest.raises(PermissionDenied) as refused:
        _move(adult, riverside, intruder)
    assert refused.value.codes == ["patron_of_other_branch"]  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        services.erase_patron(adult, branch=riverside, actor=intruder, at=AT)
    adult.refresh_from_db()
    assert adult.home_branch == central
    assert not Entry.objects.filter(kind__in=["details_changed", "erased"]).exists()


def test_she_still_serves_the_patron_at_her_desk_and_corrects_their_details(
    adult, riverside, riverside_librarian
):
    """Patrons borrow at every branch: a new phone number is not a move."""
    services.update_details(
        adult,
        _details(adult, phone="+380 44 000 0000"),
        category=adult.category,
        home_branch=adult.home_branch,
        guardian=None,
        branch=riverside,
        actor=Actor.for_staff(riverside_librarian),
        at=AT,
    )
    adult.refresh_from_db()
    assert adult.phone == "+380 44 000 0000"


def test_the_home_branch_hands_the_patron_over_and_then_only_the_new_one_may_erase(
    blocked_patron, central, riverside, central_librarian, riverside_librarian
):
    """Moving is decided at the branch the patron leaves; afterwards the patron belongs to
    the branch they moved to."""
    _move(blocked_patron, central, Actor.for_staff(riverside_librarian))
    blocked_patron.refresh_from_db()
    assert blocked_patron.home_branch == central
    with pytest.raises(PermissionDenied):
        _move(blocked_patron, riverside, Actor.for_staff(riverside_librarian))
    with pytest.raises(PermissionDenied):
        services.erase_patron(
            blocked_patron, branch=riverside, actor=Actor.for_staff(riverside_librarian), at=AT
        )
    services.erase_patron(
        blocked_patron, branch=central, actor=Actor.for_staff(central_librarian), at=AT
    )
    assert not Patron.objects.filter(pk=blocked_patron.pk).exists()


def test_the_networks_managers_move_and_erase_anyone(adult, riverside, manager, admin_user):
    _move(adult, riverside, Actor.for_staff(manager))
    adult.refresh_from_db()
    assert adult.home_branch == riverside
    services.erase_patron(adult, branch=riverside, actor=Actor.for_staff(admin_user), at=AT)
    assert not Patron.objects.filter(pk=adult.pk).exists()


def test_nobody_else_moves_or_erases_a_patron(adult, riverside, blocked_patron):
    """A patron keeps their own home branch when saving their details online, but cannot
    move another patron, nor erase themselves online; a member of the public cannot either.
    The installation's own jobs may erase."""
    services.update_details(
        adult,
        _details(adult, email="new@example.org"),
        category=adult.category,
        home_branch=adult.home_branch,
        guardian=None,
        branch=adult.home_branch,
        actor=Actor.for_patron(adult),
        at=AT,
    )
    with pytest.raises(PermissionDenied):
        _move(blocked_patron, adult.home_branch, Actor.for_patron(adult))
    for actor in (Actor.for_patron(adult), Actor.for_public()):
        with pytest.raises(PermissionDenied):
            services.erase_patron(adult, branch=riverside, actor=actor, at=AT)
    services.erase_patron(adult, branch=riverside, actor=Actor.for_job("anonymise"), at=AT)
    assert not Patron.objects.filter(pk=adult.pk).exists()


def test_at_the_desk_the_move_is_refused_on_the_form_and_the_erasure_with_403(
    client, adult, central, riverside, riverside_librarian
):
    client.force_login(riverside_librarian)
    form = {k: v for k, v in PatronForm.initial_from(adult).items() if v is not None}
    response = client.post(
        reverse("staff:patrons:edit", args=[adult.pk]), {**form, "home_branch": riverside.pk}
    )
    assert response.status_code == 400
    assert "Only staff of the patron&#x27;s home branch" in response.content.decode()
    adult.refresh_from_db()
    assert adult.home_branch == central
    url = reverse("staff:patrons:erase", args=[adult.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "on"}).status_code == 403
    assert Patron.objects.filter(pk=adult.pk).exists()
