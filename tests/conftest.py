"""Shared fixtures: a small world of regions, units, personas (one per role) and a program.

Personas: ``office`` (生态办管理员 of 甲市), ``reporter`` (联络员 of 甲市生态环境局), ``county`` (县区生态办 of
丘陵县), ``leader``, ``inspector`` and ``outsider`` (生态办管理员 of another city, 乙市).
"""

from __future__ import annotations

import copy
import gc
import hashlib
import inspect
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TypeVar

import django
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from pytest_django import DjangoDbBlocker
from pytest_django.live_server_helper import LiveServer
from xdist.scheduler import LoadScopeScheduling

from apps.accounts.models import Role, User
from apps.accounts.services import user_create
from apps.geo.models import Department, DepartmentKind, Region
from apps.indicators.models import Framework
from apps.programs.models import Program, TitleSought

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from xdist.remote import Producer

T = TypeVar("T")

#: What the ``client_for`` fixture returns: ``client_for(user)`` is the test client logged in as that user.
ClientFor = Callable[[User], Client]

# Property tests that do not fix ``max_examples`` themselves take it from a profile: ``quick`` for a local run,
# ``thorough`` (the examples those tests used to fix) for CI (``.ci/run`` sets ``HYPOTHESIS_PROFILE=thorough``).
# No deadline and no "too slow" health check: time is not what a property test checks (speed goals live in
# benchmarks/), and on a loaded machine Hypothesis's default 200 ms per example, or its limit on the time spent
# generating examples, fails a correct test as "flaky".
_UNTIMED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
hypothesis_settings.register_profile("quick", max_examples=40, **_UNTIMED)
hypothesis_settings.register_profile("thorough", max_examples=150, **_UNTIMED)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))


def pytest_collection_finish(session: pytest.Session) -> None:  # noqa: ARG001 - a hook
    """Garbage collection with fewer, cheaper passes once the tests are collected: the modules, the collected
    tests and Django's setup are moved out of the collector's sight (``gc.freeze``), and a young collection waits
    for 50,000 new objects instead of 700. Reference counting still frees everything that is not in a cycle at
    once; this only spaces out the cycle searches (about a tenth of a test process's CPU before)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


#: A RAM-backed directory where there is one (Linux): a scratch SQLite file there costs no disk flush per commit.
TMPFS = Path("/dev/shm")


def _scratch_root() -> Path:
    return TMPFS if TMPFS.is_dir() and os.access(TMPFS, os.W_OK) else Path(tempfile.gettempdir())


def migrated_template() -> Path | None:
    """Where a freshly migrated SQLite test database is kept for later test processes, or None on PostgreSQL.

    Its name is a hash of everything the migrated schema depends on (every migration file of the installed apps,
    Django's and SQLite's versions), so a changed or added migration names another file: a stale one is never
    used. The first test process of a clean clone migrates as before and leaves its database here.
    """
    if connection.vendor != "sqlite":
        return None
    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    for config in django_apps.get_app_configs():
        digest.update(config.name.encode())
        for path in sorted(Path(config.path).glob("migrations/*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return _scratch_root() / f"ecociv-test-migrated-{digest.hexdigest()[:16]}.sqlite3"


def _test_database() -> Path:
    return Path(connection.settings_dict["TEST"]["NAME"])


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest, django_db_modify_db_settings: None) -> bool:  # noqa: ARG001
    """Whether pytest-django keeps the test database: yes where this process copied in a migrated template (its
    ``migrate`` then finds nothing to apply), or with ``--reuse-db``."""
    template = migrated_template()
    if request.config.getvalue("reuse_db") or template is None or not template.exists():
        return bool(request.config.getvalue("reuse_db"))
    shutil.copyfile(template, _test_database())
    request.config.stash[COPIED_TEMPLATE] = True
    return True


COPIED_TEMPLATE = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker,  # noqa: ARG001
                    request: pytest.FixtureRequest) -> Iterator[None]:
    """Frameworks are package data: load them once for the whole session.

    Requesting pytest-django's own ``django_db_setup`` (which this one overrides) creates the test database first:
    on SQLite from the migrated template when there is one (:func:`migrated_template`), else by migrating, and
    then it becomes the template (copied before anything but the migrations is in it).
    """
    copied = request.config.stash.get(COPIED_TEMPLATE, False)
    template = migrated_template()
    reused = request.config.getvalue("reuse_db")  # a kept database may hold more than the migrations
    if template is not None and not copied and not reused and not template.exists():
        with django_db_blocker.unblock():
            _publish(template)
    with django_db_blocker.unblock():
        call_command("load_frameworks", verbosity=0, stdout=open(os.devnull, "w"))
    yield
    # A live-server or job thread may still hold a connection to the test database; PostgreSQL refuses to
    # drop a database in use, so end those sessions before pytest-django drops it.
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    if copied:  # pytest-django keeps a database it did not create: remove this process's copy
        with django_db_blocker.unblock():
            connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{_test_database()}{suffix}").unlink(missing_ok=True)


def _publish(template: Path) -> None:
    """Copy the migrated test database (a consistent snapshot, through SQLite's backup) to ``template``."""
    partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
    connection.ensure_connection()
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    os.replace(partial, template)  # atomic: another process sees the whole file or none


#: Test modules whose tests must run in order in one process (none of them may commit for real: such a test
#: empties the tables, so pytest-django runs it after every other database test, which a group would defeat).
ONE_WORKER_MODULES = ("tests/test_fixtures.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Producer) -> LoadScopeScheduling:
    """Under pytest-xdist, tests go one by one to whichever worker is free, except that all of ``tests/demo``
    goes to one worker (its package fixture builds the demo once there), and so does each module of
    ``ONE_WORKER_MODULES`` (tests that check what an earlier test of the module left behind).
    (``--dist loadgroup`` with an ``xdist_group`` mark should do the same, but with pytest 9.2 and
    pytest-xdist 3.8 it did not group them.)"""
    class DemoOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith("tests/demo/"):
                return "tests/demo"
            return nodeid.split("::")[0] if nodeid.startswith(ONE_WORKER_MODULES) else nodeid

    return DemoOnOneWorker(config, log)


@pytest.fixture
def scratch_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh directory for a subprocess's scratch SQLite database, on tmpfs when the machine has one.

    A fresh database is migrated with the production settings (synchronous writes), so on disk each migration's
    commit waits for a flush: seconds of idle time per benchmark smoke test. Elsewhere it is ``tmp_path``.
    """
    if _scratch_root() != TMPFS:
        yield tmp_path
        return
    path = Path(tempfile.mkdtemp(prefix="ecociv-scratch-", dir=TMPFS))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def bench_database(scratch_dir: Path, db: None) -> str:  # noqa: ARG001 - the template is made with the test database
    """The URL of a benchmark's scratch SQLite file: a copy of the migrated test database where the suite keeps
    one (:func:`migrated_template`; the benchmark's own ``migrate`` then has nothing to apply), else a new file
    the benchmark migrates.

    It asks for ``db``, not only ``django_db_setup``: pytest-django creates the test database only for the aliases
    that the session's collected tests ask for (a ``django_db`` mark or the ``db`` fixture), so a benchmark smoke
    test run alone would otherwise find no tables when ``load_frameworks`` runs."""
    path = scratch_dir / "bench.sqlite3"
    template = migrated_template()
    if template is not None and template.exists():
        shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def make_user(username: str, role: str, **scope: object) -> User:
    """A user (password ``pw``) with one duty: ``role`` within ``region=`` or ``department=`` (and ``program=``)."""
    return user_create(username=username, password="pw", display_name=username, role=role, **scope)


def _transactional(item: pytest.Item) -> bool:
    """Whether the test commits for real (a live server, a thread, ``transaction=True``): pytest-django's rule."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names


class SharedWorld:
    """The ``world`` of one test module, built once in an outer transaction that is rolled back after the module,
    and the fixtures built on it (``rep``, ``plan``, …, see :func:`shared_fixture`), each in a savepoint above it.

    Each test runs in its own savepoint inside them (pytest-django's ``db``) and gets a deep copy of the objects
    (as Django's ``setUpTestData`` does), so neither its rows nor its changes to the objects reach the next test.
    Before each test the stack of shared fixtures is made exactly the ones the test uses (savepoints of others
    rolled back, missing ones built), so a test sees no row of a fixture it did not ask for. The world is closed
    (rolled back) before any test of the module that must not see it: one that commits for real, or one that uses
    the database without ``world``; such tests, and later ones of the module, build their own.
    """

    #: The open one, if any (one module at a time; ``pytest_runtest_setup`` closes it when a test must not see it).
    current: SharedWorld | None = None
    #: The test being set up (set by ``pytest_runtest_setup``, read when a module's fixture is created).
    item: pytest.Item | None = None

    def __init__(self, blocker: DjangoDbBlocker) -> None:
        self.blocker = blocker
        #: The shared objects by fixture name (``world`` and the open layers), and below it the states before each
        #: layer was opened, with that layer's savepoint.
        self.state: dict[str, object] = {}
        self._layers: list[tuple[str, transaction.Atomic, dict[str, object]]] = []
        self._atomic: transaction.Atomic | None = None
        self._copy: dict[str, object] | None = None

    @property
    def template(self) -> SimpleNamespace | None:
        world = self.state.get("world")
        return world if isinstance(world, SimpleNamespace) else None

    @property
    def layers(self) -> list[str]:
        """The shared fixtures built on the world now, bottom first."""
        return [name for name, _, _ in self._layers]

    def open(self, item: pytest.Item) -> None:
        with self.blocker.unblock():
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            self.state = {"world": build_world()}
        SharedWorld.current = self
        self.arrange(item)

    def arrange(self, item: pytest.Item) -> None:
        """Make the open layers exactly the shared fixtures ``item`` uses: keep the common bottom, roll back the
        rest, build the missing ones (each from a copy of the layers below, so those stay as they were)."""
        wanted = _shared_stack(getattr(item, "fixturenames", ()))
        keep = 0
        while keep < min(len(wanted), len(self._layers)) and self._layers[keep][0] == wanted[keep]:
            keep += 1
        with self.blocker.unblock():
            while len(self._layers) > keep:
                _, savepoint, self.state = self._layers.pop()
                transaction.set_rollback(True)
                savepoint.__exit__(None, None, None)
            for name in wanted[keep:]:
                savepoint = transaction.atomic()
                savepoint.__enter__()
                self._layers.append((name, savepoint, self.state))
                state = copy.deepcopy(self.state)
                builder = SHARED_FIXTURES[name]
                state[name] = builder(**{arg: state[arg] for arg in _arguments(builder)})
                self.state = state

    def copy(self) -> dict[str, object]:
        """This test's copy of the shared objects (one deep copy per test, so objects shared stay shared)."""
        if self._copy is None:
            self._copy = copy.deepcopy(self.state)
        return self._copy

    def close(self) -> None:
        if self._atomic is not None:
            with self.blocker.unblock():
                for _, savepoint, _ in reversed(self._layers):  # innermost first: Django's atomic is a stack
                    transaction.set_rollback(True)
                    savepoint.__exit__(None, None, None)
                transaction.set_rollback(True)
                self._atomic.__exit__(None, None, None)
        self._atomic, self.state, self._layers, self._copy = None, {}, [], None
        if SharedWorld.current is self:
            SharedWorld.current = None


#: The fixtures shared per module above ``world`` (:func:`shared_fixture`), by name, in the order registered.
SHARED_FIXTURES: dict[str, Callable[..., object]] = {}


def _arguments(builder: Callable[..., object]) -> list[str]:
    return list(inspect.signature(builder).parameters)


def _shared_stack(names: Iterable[str]) -> list[str]:
    """The shared fixtures among ``names`` with the ones they are built on, each after those (bottom first)."""
    stack: list[str] = []

    def add(name: str) -> None:
        if name in SHARED_FIXTURES and name not in stack:
            for arg in _arguments(SHARED_FIXTURES[name]):
                add(arg)
            stack.append(name)

    for name in sorted(set(names) & SHARED_FIXTURES.keys(), key=list(SHARED_FIXTURES).index):
        add(name)
    return stack


def shared_fixture(builder: Callable[..., T]) -> Callable[..., T]:
    """A fixture built on ``world`` (and on other shared fixtures, named by ``builder``'s arguments), shared by
    the tests of a module as ``world`` is: built once in a savepoint, each test gets a copy.

    Where the module's world is not shared (a test that commits, or later tests of a module where one did), the
    fixture is built for the test from the test's own objects, as a plain fixture would be.
    """
    name = builder.__name__
    SHARED_FIXTURES[name] = builder

    def fixture(**kwargs: object) -> T:
        shared = SharedWorld.current
        if shared is not None and name in shared.state:
            return shared.copy()[name]  # type: ignore[return-value]
        return builder(**{arg: kwargs[arg] for arg in _arguments(builder)})

    arguments = dict.fromkeys(["world", *_arguments(builder)])  # world: the test's database and its world first
    fixture.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY) for arg in arguments])
    fixture.__name__ = fixture.__qualname__ = name
    fixture.__doc__ = builder.__doc__
    return pytest.fixture(name=name)(fixture)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    SharedWorld.item = item
    shared = SharedWorld.current
    if shared is None:
        return
    shared._copy = None
    names = getattr(item, "fixturenames", ())
    uses_db = "db" in names or item.get_closest_marker("django_db") is not None or _transactional(item)
    if uses_db and ("world" not in names or _transactional(item)):
        shared.close()
    elif "world" in names:
        shared.arrange(item)


@pytest.fixture(scope="module")
def shared_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[SharedWorld]:  # noqa: ARG001
    """This module's :class:`SharedWorld`, opened unless its first ``world`` test commits for real.

    Module-scoped, so it is set up before any test's own ``db`` savepoint. Requesting ``django_db_setup``
    creates the test database first.
    """
    shared = SharedWorld(django_db_blocker)
    if SharedWorld.item is not None and not _transactional(SharedWorld.item):
        shared.open(SharedWorld.item)
    try:
        yield shared
    finally:
        shared.close()


@pytest.fixture
def world(shared_world: SharedWorld, db: None) -> SimpleNamespace:  # noqa: ARG001 - requesting db opens the test database
    """Regions, units, personas and two programs: the module's shared ones (copied), or built for this test."""
    if shared_world.template is not None:
        return shared_world.copy()["world"]  # type: ignore[return-value]
    return build_world()


def build_world() -> SimpleNamespace:
    if not Framework.objects.exists():  # a transactional (browser) test before this one flushed the tables
        call_command("load_frameworks", verbosity=0, stdout=open(os.devnull, "w"))
    province = Region.objects.create(code="990000", name="测试省", level="province", zone="west")
    city = Region.objects.create(code="990100", name="甲市", level="city", parent=province, terrain="hill",
                                 city_size="large", zone="west")
    counties = {
        "hill": Region.objects.create(code="990121", name="丘陵县", level="county", parent=city, terrain="hill"),
        "mountain": Region.objects.create(code="990122", name="山区县", level="county", parent=city,
                                          terrain="mountain"),
        "plain": Region.objects.create(code="990123", name="平原县", level="county", parent=city, terrain="plain"),
        "arid": Region.objects.create(code="990124", name="旱塬县", level="county", parent=city, terrain="hill",
                                      arid=True),
    }
    other_city = Region.objects.create(code="990200", name="乙市", level="city", parent=province, terrain="plain",
                                       city_size="medium")
    units = {
        name: Department.objects.create(region=city, name=name, aliases=aliases)
        for name, aliases in [
            ("市生态环境局", ["生态环境局"]),
            ("市住建局", ["市住房和城乡建设局"]),
            ("市水务局", []),
            ("市财政局", []),
            ("市统计局", []),
        ]
    }
    units["丘陵县人民政府"] = Department.objects.create(
        region=city, name="丘陵县人民政府", kind=DepartmentKind.GOVERNMENT, governs=counties["hill"]
    )
    other_unit = Department.objects.create(region=other_city, name="乙市生态环境局")
    program = Program.objects.create(
        region=city, framework=Framework.objects.get(code="national-2019"), name="甲市创建国家生态文明建设示范市",
        title_sought=TitleSought.NATIONAL, base_year=2020, target_year=2025,
    )
    other_program = Program.objects.create(
        region=other_city, framework=Framework.objects.get(code="national-2019"), name="乙市创建",
        title_sought=TitleSought.PROVINCIAL, base_year=2020, target_year=2025,
    )
    users = SimpleNamespace(
        office=make_user("office", Role.OFFICE_ADMIN, region=city),
        reporter=make_user("reporter", Role.DEPARTMENT_REPORTER, department=units["市生态环境局"]),
        county=make_user("county", Role.COUNTY_OFFICE, region=counties["hill"]),
        leader=make_user("leader", Role.LEADER, region=city),
        inspector=make_user("inspector", Role.INSPECTOR, region=city),
        outsider=make_user("outsider", Role.OFFICE_ADMIN, region=other_city),
    )
    return SimpleNamespace(
        province=province, city=city, counties=counties, other_city=other_city, units=units, other_unit=other_unit,
        program=program, other_program=other_program, users=users,
    )


@pytest.fixture
def client_for(client: Client) -> ClientFor:
    """``client_for(user)``: the test client logged in as that persona."""

    def login(user: User) -> Client:
        client.force_login(user)
        return client

    return login


# --- browser tests -----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """Debian's chromium driven by Playwright, launched once per test process (each test gets its own context);
    skipped (visibly) where chromium is absent."""
    if CHROMIUM is None:
        if os.environ.get("ECOCIV_REQUIRE_BROWSER"):
            pytest.fail("ECOCIV_REQUIRE_BROWSER is set but chromium is not installed")
        pytest.skip("browser test skipped: chromium not installed (apt-get install -y chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - the browser driver, for browser tests only

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(live_server: LiveServer, chromium_browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies or storage from another test)."""
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


def browser_login(page: Page, username: str, password: str = "pw") -> None:
    page.goto(f"{page.base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the answer page to load: a redirect (to /password/, say) changes page.url before the new document
    # has an <html> element, and a check run in that gap reads a null document.
    with page.expect_navigation(wait_until="load"):
        page.click("button[type=submit]")
