"""A small named world shared by the tests: a network with a central library open long hours
and a branch closed on Sundays and Mondays, item types, and one member of staff per role."""

from __future__ import annotations

from datetime import time

import django
import pytest

from bibliohub import cli
from bibliohub.accounts.models import Role, User
from bibliohub.catalog.models import ItemType
from bibliohub.libraries.models import Branch, Location, Network, OpeningPeriod
from tests.concurrency import on_a_database_file  # noqa: F401 (a fixture for every test folder)


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise():
    """Each test starts in the default language, whatever the test before it activated."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Background tasks (the outbox's sending) run when they are enqueued, on the commit,
    unless a test puts them in the database queue (tests/mail)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def network(db) -> Network:
    return Network.objects.create(name="City Library Network", names={"uk": "Центральна бібліотечна система"})


@pytest.fixture
def central(network) -> Branch:
    branch = Branch.objects.create(
        network=network, code="central", name="Central Library",
        names={"uk": "Центральна бібліотека", "vi": "Thư viện Trung tâm"}, is_central=True,
    )
    for weekday in range(6):  # Monday to Saturday, 9:00–20:00
        OpeningPeriod.objects.create(branch=branch, weekday=weekday, opens=time(9), closes=time(20))
    Location.objects.create(branch=branch, code="adult", name="Adult lending")
    return branch


@pytest.fixture
def riverside(network) -> Branch:
    branch = Branch.objects.create(network=network, code="riverside", name="Riverside Branch")
    for weekday in range(1, 6):  # Tuesday to Saturday, with a lunch break
        OpeningPeriod.objects.create(branch=branch, weekday=weekday, opens=time(10), closes=time(13))
        OpeningPeriod.objects.create(branch=branch, weekday=weekday, opens=time(14), closes=time(18))
    Location.objects.create(branch=branch, code="children", name="Children's corner")
    return branch


@pytest.fixture
def book_type(db) -> ItemType:
    return ItemType.objects.create(code="book", name="Book", names={"uk": "Книга"})


def _staff(username: str, role: Role, branches: list[Branch] = ()) -> User:  # type: ignore[assignment]
    user = User.objects.create_user(username=username, password="correct horse battery", role=role)
    user.branches.set(branches)
    return user


@pytest.fixture
def admin_user(db) -> User:
    return _staff("admin", Role.ADMINISTRATOR)


@pytest.fixture
def manager(db) -> User:
    return _staff("manager", Role.NETWORK_MANAGER)


@pytest.fixture
def central_librarian(central) -> User:
    return _staff("olena", Role.BRANCH_LIBRARIAN, [central])


@pytest.fixture
def riverside_librarian(riverside) -> User:
    return _staff("minh", Role.BRANCH_LIBRARIAN, [riverside])


@pytest.fixture
def cataloguer(db) -> User:
    return _staff("cataloguer", Role.CATALOGUER)


@pytest.fixture
def bibliohub_main(monkeypatch):
    """The `bibliohub` console script's entry point, run in the test's process. Django is set
    up already; setting it up again would point logging's console handler at this test's
    captured stderr, which is closed after the test, and every later log line would fail."""
    monkeypatch.setattr(django, "setup", lambda *args, **kwargs: None)
    return cli.main
