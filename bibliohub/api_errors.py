"""What the REST API answers when it does not answer the question: one shape for every error.
`detail` is a sentence a client can show as it is; a request with parameters that are not
valid (422) also lists each of them in `errors`, where a program can find which. The
project's API (bibliohub/api.py) answers every validation error so, and each app's router
declares these schemas for the statuses it can return, so that the OpenAPI document says
what the API does. It imports no app, so that every app's api module can use it; the import
contracts count it among the interfaces, beside api."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import ValidationError, ValidationErrorContext


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


class API(NinjaAPI):
    """django-ninja's API, its validation errors located as the client sent the parameters:
    ["query", "format", 1], not ["query", "params", "format", 1]. (django-ninja names a
    parameter of a Query[Schema] argument by its field alone, but keeps the argument's name in
    the location of an error inside the parameter, an item of a list.)"""

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            flattened: dict[tuple[str | int, ...], tuple[str | int, ...]] = (
                model.__ninja_flatten_map_reverse__
            )
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = tuple(error["loc"])
                for end in range(len(loc), 0, -1):
                    if loc[:end] in flattened:
                        loc = flattened[loc[:end]] + loc[end:]
                        break
                entry: dict[str, Any] = {
                    key: value for key, value in error.items() if key != "input"
                }
                entry["loc"] = (model.__ninja_param_source__, *loc)
                ctx = entry.get("ctx")
                if ctx and isinstance(ctx.get("error"), Exception):
                    entry["ctx"] = {**ctx, "error": str(ctx["error"])}
                errors.append(entry)
        return ValidationError(errors)


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
