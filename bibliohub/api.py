"""The REST API under /api/v1/, its OpenAPI document at /api/v1/openapi.json. Each domain app
contributes a router from its own api.py."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Bibliohub API",
    version="1",
    description="Catalogue search, records and items of a library network.",
    urls_namespace="api",
)
