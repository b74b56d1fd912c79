"""Headless Chromium driven by Playwright against pytest-django's live_server.

Every test under tests/browser is marked `browser` and is skipped, with the reason, when
Debian's Chromium (/usr/bin/chromium) or the playwright package is missing. Playwright
never downloads a browser here: it drives the system Chromium.

Fixtures: `page` (a desktop page), `new_page(width=…, height=…, locale=…)` for other viewports,
`page_errors` (console errors, uncaught exceptions and Content-Security-Policy violations
seen by every page of the test) and `screenshot(page, name)`, which writes
test-artifacts/<name>.png. A failing test leaves a screenshot of each of its pages there.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from tests.helpers import has_failed

CHROMIUM = Path(os.environ.get("WIP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
HERE = Path(__file__).resolve().parent

# Reports each CSP violation to Python, on every document the page loads.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__wipReportCsp(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


def browser_skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return (
            f"browser test: {CHROMIUM} not found "
            "(apt-get install chromium chromium-driver; .ci/run does it)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser test: the playwright package is not installed (requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = browser_skip_reason()
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def _live_server_media_url():
    # Django's live server always wraps a media-file handler built from MEDIA_URL, which is
    # None here (uploads are private, served only by views that check permission): give it
    # a prefix no page links to, before the server starts.
    with override_settings(MEDIA_URL="/__live-server-media__/"):
        yield


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    """pytest-django's live_server, started after the MEDIA_URL fix above."""
    return live_server


@pytest.fixture(scope="module")
def chromium():
    reason = browser_skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps its event loop running in this thread, which makes
    # Django refuse ORM calls ("async context") in the tests and in the live server's
    # database flush. Nothing here is really asynchronous: allow it while Chromium runs,
    # which is only during one browser test module (hence the module scope).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page_errors():
    return []


def artifact_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def screenshot():
    def take(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{artifact_name(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def new_page(request, chromium, live_server, page_errors, screenshot):
    """Opens pages on the live server; each watches for console errors and CSP
    violations."""
    contexts = []

    def open_page(*, width=DESKTOP["width"], height=DESKTOP["height"], **options):
        context = chromium.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            **{"locale": "en-GB", **options},  # new_page(locale="es-ES") for another
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and page_errors.append(f"console: {message.text} ({message.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda error: page_errors.append(f"uncaught: {error}"))
        page.expose_function("__wipReportCsp", lambda text: page_errors.append(f"CSP: {text}"))
        page.add_init_script(CSP_LISTENER)
        return page

    yield open_page
    failed = has_failed(request)
    for number, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                screenshot(page, f"FAILED-{request.node.name}-{number}")
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
