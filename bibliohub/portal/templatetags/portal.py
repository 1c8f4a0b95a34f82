"""The signed-in patron and the pickup choices, for OPAC pages the portal does not render
(the header's account link, the record page's hold form)."""

from __future__ import annotations

from django import template

from bibliohub.patrons.models import Patron
from bibliohub.portal import session
from bibliohub.portal.forms import PickupForm

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_in_patron(context: template.Context) -> Patron | None:
    request = context.get("request")
    return session.current_patron(request) if request is not None else None


@register.simple_tag
def pickup_form(patron: Patron) -> PickupForm:
    return PickupForm(
        initial={"pickup_branch": patron.home_branch_id}, network_id=patron.network_id
    )
