"""What the REST API answers when it does not answer the question: one shape for every error.
`detail` is a sentence a client can show as it is; a request with parameters that are not
valid (422) also lists each of them in `errors`, where a program can find which. The
project's API (bibliohub/api.py) answers every validation error so, and each app's router
declares these schemas for the statuses it can return, so that the OpenAPI document says
what the API does. This module sits below the apps: it knows none of them."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError


class Error(Schema):
    detail: str = Field(description="What went wrong, in a sentence.")


class ParameterError(Schema):
    loc: list[str | int] = Field(
        description='Which parameter, where: ["query", "limit"], ["query", "format", 0].'
    )
    msg: str = Field(description="What is wrong with it.")
    type: str = Field(description="The kind of error, for programs: missing, enum, less_than…")


class InvalidRequest(Error):
    errors: list[ParameterError] = Field(description="Every parameter that is not valid.")


def invalid_request(request: HttpRequest, exc: ValidationError, *, api: NinjaAPI) -> HttpResponse:
    """The 422 answer to a request whose parameters are not valid (django-ninja's validation
    errors): InvalidRequest, every parameter named in `detail` too."""
    errors = [
        ParameterError(
            loc=[part if isinstance(part, int) else str(part) for part in e.get("loc", ())],
            msg=str(e.get("msg", "")),
            type=str(e.get("type", "")),
        )
        for e in exc.errors
    ]
    detail = "The request is not valid: " + "; ".join(
        f"{'.'.join(str(part) for part in e.loc)}: {e.msg}" for e in errors
    )
    body = InvalidRequest(detail=detail, errors=errors)
    return api.create_response(request, body.model_dump(), status=422)
