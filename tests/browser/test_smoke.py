"""The home page and the navbar in a real browser: it renders in every language with no
console error and no Content-Security-Policy violation, the language menu works, and the
menu folds into a toggler on a phone."""

import pytest
from django.conf import settings

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page_loads_without_errors(page, page_errors, screenshot, language):
    response = page.goto(f"/{language}/")

    assert response.status == 200
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("h1").is_visible()
    assert page.locator("nav.navbar .navbar-brand").is_visible()
    assert page.evaluate("() => typeof window.bootstrap") == "object"  # the bundle loaded
    page.wait_for_load_state("networkidle")
    screenshot(page, f"home-{language}")
    assert page_errors == []


def test_language_switcher_changes_to_spanish(page, page_errors, screenshot):
    page.goto("/en/")
    toggle = page.get_by_role("button", name="Language")
    assert toggle.inner_text().strip() == "EN"
    spanish = page.locator('nav button[name="language"][value="es"]')
    assert not spanish.is_visible()

    toggle.click()
    assert spanish.is_visible()
    screenshot(page, "language-menu-open")
    with page.expect_navigation():
        spanish.click()

    assert page.locator("html").get_attribute("lang") == "es"
    assert page.url.endswith("/es/")
    assert page.locator("nav .dropdown-toggle").first.inner_text().strip() == "ES"
    screenshot(page, "home-after-switch-es")
    assert page_errors == []


def test_mobile_viewport_shows_navbar_toggler(new_page, page_errors, screenshot):
    page = new_page(width=375, height=740, is_mobile=True, has_touch=True)
    page.goto("/en/")
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#main-nav")

    assert toggler.is_visible()
    assert not menu.is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    screenshot(page, "home-mobile")

    toggler.click()
    page.locator("#main-nav.collapse.show").wait_for()  # Bootstrap's animation is over
    assert menu.get_by_role("link", name="Programmes").is_visible()
    assert menu.get_by_role("button", name="Language").is_visible()
    assert toggler.get_attribute("aria-expanded") == "true"
    screenshot(page, "home-mobile-menu-open")
    assert page_errors == []
