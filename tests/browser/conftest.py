"""Browser tests: a real Streamlit server, Debian's Chromium driven by Playwright.

One demo server per session (30 000 events, built here), one Chromium per session and a fresh
browser context per test. Without Chromium the test modules are skipped on a developer's machine
(require_browser at their top) and fail in CI (CI=true), where .ci/run installs it. A failing test
gets the servers' logs and a screenshot of its open pages (tests/.artifacts/failures) in its report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from browser_support import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    INSTALL_HINT,
    OPEN_PAGES,
    RUNNING_SERVERS,
    StreamlitServer,
    browser_unavailable,
    chromium_path,
    new_context,
    running_in_ci,
    start_server,
    stop_server,
)

from trygghet.demo.build import build_demo

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page


def _unavailable(reason: str) -> None:
    message = f"{reason} {INSTALL_HINT}"
    if running_in_ci():
        pytest.fail(f"CI=true and the browser tests cannot run: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    reason = browser_unavailable()
    if reason is not None:
        _unavailable(reason)
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        manager.stop()
        _unavailable(f"Chromium at {executable} did not start: {exc}.")
    yield browser
    browser.close()
    manager.stop()


@pytest.fixture(scope="session")
def demo_server(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StreamlitServer]:
    """The app on a demo database of 30 000 events that the tests may add to."""
    workdir = tmp_path_factory.mktemp("browser-demo")
    db_path = workdir / "demo.duckdb"
    build_demo(db_path, seed=5, events=30_000)
    server = start_server(workdir, db_path, "streamlit-demo")
    yield server
    stop_server(server)


@pytest.fixture
def new_page(chromium: Browser) -> Iterator[Callable[..., Page]]:
    """`new_page(color_scheme="dark", viewport=HD)` -> a page in a browser context of its own."""
    contexts: list[BrowserContext] = []

    def make(color_scheme: str = "light", viewport: dict[str, int] | None = None) -> Page:
        context = new_context(chromium, color_scheme, viewport)
        contexts.append(context)
        page = context.new_page()
        OPEN_PAGES.append(page)
        return page

    yield make
    for context in contexts:
        for made in context.pages:
            if made in OPEN_PAGES:
                OPEN_PAGES.remove(made)
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A light-theme page at 1920×1080."""
    return new_page()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when in ("setup", "call") and report.failed:
        for server in RUNNING_SERVERS:
            report.sections.append((f"{server.name} log ({server.log_path})", server.log_tail()))
        folder = ARTIFACTS / "failures"
        for index, open_page in enumerate(list(OPEN_PAGES)):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)[:120]
                target = folder / f"{name}-{index}.png"
                open_page.screenshot(path=str(target))
                report.sections.append(("screenshot", f"{target} ({open_page.url})"))
            except Exception as exc:  # a closed page or a crashed browser: the log says more
                report.sections.append(("screenshot", f"none: {exc}"))
