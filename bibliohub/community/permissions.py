"""Permission-checked fetches for the community screens, built on accounts.access: a member of
staff works with what belongs to their branches. Partners, volunteers and mentors belong to
several branches and are the user's when they share one; shifts, hours, referrals, links and
mentoring requests belong to one branch. 404 when the thing does not exist, 403 when it is
another branch's."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from bibliohub.accounts import access
from bibliohub.accounts.models import User
from bibliohub.community.models import (
    Agreement,
    CareerResource,
    HoursEntry,
    Mentor,
    MentoringRequest,
    Partner,
    Referral,
    Shift,
    ShiftSignup,
    Volunteer,
)
from bibliohub.libraries.models import Branch


def _shares_a_branch(user: User, branch_ids: Iterable[int]) -> bool:
    if user.is_network_wide:
        return True
    return access.branches_for(user).filter(pk__in=list(branch_ids)).exists()


def _require_shared(user: User, obj: Model) -> None:
    branch_ids = obj.branches.values_list("pk", flat=True)  # type: ignore[attr-defined]
    if not _shares_a_branch(user, branch_ids):
        raise PermissionDenied(_("This belongs to branches you do not work for."))


def partner_for_edit(user: User, pk: int) -> Partner:
    partner = get_object_or_404(Partner, pk=pk)
    _require_shared(user, partner)
    return partner


def agreement_for_edit(user: User, pk: int) -> Agreement:
    agreement = get_object_or_404(Agreement.objects.select_related("partner"), pk=pk)
    _require_shared(user, agreement.partner)
    return agreement


def volunteer_for_edit(user: User, pk: int) -> Volunteer:
    volunteer = get_object_or_404(Volunteer.objects.select_related("patron"), pk=pk)
    _require_shared(user, volunteer)
    return volunteer


def mentor_for_edit(user: User, pk: int) -> Mentor:
    mentor = get_object_or_404(Mentor.objects.select_related("partner"), pk=pk)
    _require_shared(user, mentor)
    return mentor


def shift_for_edit(user: User, pk: int) -> Shift:
    shift = get_object_or_404(Shift.objects.select_related("branch"), pk=pk)
    access.require_branch(user, shift.branch)
    return shift


def signup_for_edit(user: User, pk: int) -> ShiftSignup:
    signup = get_object_or_404(ShiftSignup.objects.select_related("shift__branch"), pk=pk)
    access.require_branch(user, signup.shift.branch)
    return signup


def hours_for_edit(user: User, pk: int) -> HoursEntry:
    entry = get_object_or_404(HoursEntry.objects.select_related("branch", "volunteer"), pk=pk)
    access.require_branch(user, entry.branch)
    return entry


def referral_for_edit(user: User, pk: int) -> Referral:
    referral = get_object_or_404(Referral.objects.select_related("branch", "partner"), pk=pk)
    access.require_branch(user, referral.branch)
    return referral


def resource_for_edit(user: User, pk: int) -> CareerResource:
    resource = get_object_or_404(CareerResource.objects.select_related("branch"), pk=pk)
    access.require_branch(user, resource.branch)
    return resource


def request_for_edit(user: User, pk: int) -> MentoringRequest:
    request = get_object_or_404(
        MentoringRequest.objects.select_related("branch", "mentor", "wished_mentor", "patron"),
        pk=pk,
    )
    access.require_branch(user, request.branch)
    return request


def merged_branches(user: User, chosen: Iterable[Branch], current: Iterable[Branch]) -> list[Branch]:
    """The branches to save when `user` edits a partner, volunteer or mentor: what they chose
    among their own branches, plus the branches they cannot see, kept as they were (a
    librarian of one branch must not take a partner away from another)."""
    own = set(access.branches_for(user).values_list("pk", flat=True))
    kept = [b for b in current if b.pk not in own]
    return [*chosen, *kept]
