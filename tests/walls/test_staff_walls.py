"""Every staff URL, every method it accepts, as every role, on objects of the role's own
branch and of the other one: nothing succeeds that the permission table (permissions.py)
does not allow, and everything the table allows gets past the wall.

A success is a 2xx or 3xx answer, except a redirect to the login page. A refusal is 403,
404 (the object is not there for you), 405, or the login page for someone not signed in;
a POST is refused in the same way, before any form is read, so a 400 for a form without its
fields is a success: the request got through the wall. Requests are sent with no data, each
in a savepoint rolled back afterwards, so that none changes what the next one finds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.walls import world as w
from tests.walls.permissions import PUBLIC_API, TABLE

# The methods a view that names none answers: any. Those that change nothing are tried with
# GET; POST stands for every method that sends a body (the views read request.POST only).
UNDECLARED = ("GET", "POST")


@dataclass(frozen=True)
class Url:
    name: str  # namespaced, as reverse() takes it
    route: str
    view: Callable[..., Any]

    @property
    def has_arguments(self) -> bool:
        return "<" in self.route


def urls(prefix: str = "") -> list[Url]:
    """Every named URL of the site whose route starts with `prefix`."""

    def walk(patterns: list[Any], route: str, namespace: str) -> Iterator[Url]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, route + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield Url(namespace + pattern.name, route + str(pattern.pattern), pattern.callback)

    return [u for u in walk(get_resolver().url_patterns, "", "") if u.route.startswith(prefix)]


def staff_urls() -> list[Url]:
    return urls("staff/")


def accepted_methods(view: Callable[..., Any]) -> tuple[str, ...]:
    """The methods a view takes, as its require_http_methods (require_POST, …) says; the
    decorators keep the list in their closure and the wrapped view in __wrapped__."""
    current: Any = view
    while current is not None:
        code = getattr(current, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = current.__closure__[code.co_freevars.index("request_method_list")]
            return tuple(
                m for m in cell.cell_contents if m in {"GET", "POST", "PUT", "PATCH", "DELETE"}
            )
        current = getattr(current, "__wrapped__", None)
    return UNDECLARED


@dataclass(frozen=True)
class Case:
    url: Url
    method: str
    side: str | None  # the branch whose object the URL names, None for a URL without one
    path: str
    data: dict[str, Any]

    def allowed_for(self, role: str) -> bool:
        wall = TABLE[self.url.name]
        if role not in wall.roles:
            return False
        return not wall.scoped or self.side in w.ACTS_FOR[role]


def cases(world: w.World) -> list[Case]:
    found = []
    for url in staff_urls():
        wall = TABLE[url.name]
        sides: list[str | None] = ["A", "B"] if url.has_arguments else [None]
        for side in sides:
            objects = world.side(side or "A")
            kwargs = wall.args(objects) if side is not None and wall.args else {}
            path = reverse(url.name, kwargs=kwargs)
            for method in accepted_methods(url.view):
                data = wall.data(objects) if wall.data and method == "POST" else {}
                found.append(Case(url, method, side, path, data))
    return found


def refused(response: HttpResponse) -> bool:
    if response.status_code in {403, 404, 405}:
        return True
    login = reverse("accounts:login")
    return response.status_code == 302 and response["Location"].startswith(login)


def client_for(role: str, world: w.World) -> Client:
    client = Client()
    if role == "anonymous":
        return client
    client.force_login(world.users[role])
    if role != "no_role":
        session = client.session
        session["desk_branch"] = world.side(w.DESK.get(role, "A")).branch.pk
        session.save()
    return client


def send(client: Client, case: Case) -> HttpResponse:
    """The request, in a savepoint rolled back afterwards."""
    savepoint = transaction.savepoint()
    try:
        if case.method == "POST":
            return client.post(case.path, case.data)
        return client.generic(case.method, case.path)
    finally:
        transaction.savepoint_rollback(savepoint)


def test_every_staff_url_is_in_the_permission_table():
    names = {u.name for u in staff_urls()}
    missing = sorted(names - TABLE.keys())
    assert not missing, f"staff URLs with no line in tests/walls/permissions.py: {missing}"
    assert not sorted(TABLE.keys() - names), "lines in the table for URLs that are gone"
    without_arguments = [
        u.name for u in staff_urls() if u.has_arguments and TABLE[u.name].args is None
    ]
    assert not without_arguments, f"say how to build the arguments of {without_arguments}"


def test_the_rest_api_has_no_staff_endpoint():
    """The API is public and read-only; a staff endpoint there needs its line in the table."""
    api = {u.name for u in urls("api/")}
    assert api <= PUBLIC_API | TABLE.keys(), sorted(api - PUBLIC_API - TABLE.keys())


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("role", w.ROLES)
def test_no_staff_url_lets_in_whom_the_table_keeps_out(role, db, media):
    with time_machine.travel(w.AT, tick=True):
        world = w.build()
        client = client_for(role, world)
        started = time.perf_counter()
        wrong = []
        all_cases = cases(world)
        for case in all_cases:
            response = send(client, case)
            allowed = case.allowed_for(role)
            if "Content-Security-Policy" not in response:  # tests/walls/test_headers.py
                wrong.append(f"no Content-Security-Policy: {case.method} {case.path}")
            if allowed and refused(response):
                wrong.append(
                    f"refused but allowed: {case.method} {case.path} ({case.url.name}) "
                    f"-> {response.status_code}"
                )
            elif not allowed and not refused(response):
                wrong.append(
                    f"let in but not allowed: {case.method} {case.path} "
                    f"({case.url.name}, branch {case.side}) -> {response.status_code}"
                )
        elapsed = time.perf_counter() - started
    assert not wrong, f"{role}, {len(all_cases)} requests in {elapsed:.1f}s:\n" + "\n".join(wrong)
