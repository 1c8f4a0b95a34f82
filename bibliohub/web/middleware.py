"""The Content-Security-Policy header on every answer.

The policy is one fixed header: the pages load their scripts, styles and images from the site
itself and nothing runs inline (no inline script, event handler, `<style>` block or `style`
attribute; htmx is told not to insert its indicator styles or evaluate code), so there is no
nonce to make per request. Django's SecurityMiddleware sends the other security headers
(see settings)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def policy_header(directives: dict[str, list[str]]) -> str:
    """`{"default-src": ["'self'"], …}` as a header value: `default-src 'self'; …`."""
    return "; ".join(
        " ".join([name, *sources]) if sources else name for name, sources in directives.items()
    )


class ContentSecurityPolicyMiddleware:
    """Adds settings.CONTENT_SECURITY_POLICY to every response that has none of its own, as
    Content-Security-Policy, or as Content-Security-Policy-Report-Only when
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY is set (to try a change to the policy, or
    a theme with its own files, without breaking pages)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            else "Content-Security-Policy"
        )
        self.value = policy_header(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.header not in response:
            response[self.header] = self.value
        return response
