"""What people typed, once stored, is escaped wherever the portal shows it: every free
text column of every row holds HTML and script, then every page of the world is opened
by the person it is for (none may be a 500; those the crawl skips must have no form)."""

from django.apps import apps
from django.db import models

from . import corpus, pages, posting, world

PAYLOAD = f"{corpus.SCRIPT}<img src=x onerror=alert(1)>"
OUR_APPS = {"accounts", "outbox", "editions", "submissions", "juries"}
# Columns that hold codes, addresses or secrets rather than free text.
NOT_FREE_TEXT = {
    "email",
    "password",
    "slug",
    "token_hash",
    "language",
    "country",
    "nationality",
    "currency",
    "time_zone",
    "scope",
    "kind",
    "subtitles",
    "website",
    "screener_url",
    "phone",
    "to",
    "dedupe_key",
    "message_id",
    "recipient",
    "code",
}


def _unique_fields(model):
    names = set()
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
    for group in model._meta.unique_together:
        names.update(group)
    return names


def store_hostile_text() -> list[str]:
    """Every free text column of every row of the portal's models set to HTML with a
    script; the columns changed."""
    changed = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        unique = _unique_fields(model)
        values = {}
        for f in model._meta.concrete_fields:
            if not isinstance(f, models.CharField | models.TextField) or f.choices:
                continue
            if f.unique or f.primary_key or f.name in unique or f.name in NOT_FREE_TEXT:
                continue
            if isinstance(f, models.EmailField | models.URLField | models.SlugField):
                continue
            limit = f.max_length or len(PAYLOAD)
            if limit < len(corpus.SCRIPT):
                continue
            values[f.name] = PAYLOAD if limit >= len(PAYLOAD) else corpus.SCRIPT
        if values and model._base_manager.exists():
            model._base_manager.update(**values)
            changed.extend(f"{model._meta.label}.{name}" for name in values)
    return changed


def test_stored_html_is_escaped_on_every_page(portal):
    changed = store_hostile_text()
    assert "submissions.Project.original_title" in changed
    assert "accounts.User.full_name" in changed
    problems = []
    opened = 0
    for name, page_list in world.pages(portal).items():
        for page in page_list:
            response = posting.client_for(portal, page.role).get(page.url, follow=True)
            opened += 1
            if response.status_code >= 500:
                problems.append(f"{name} {page.url} as {page.role}: {response.status_code}")
                continue
            if not response.get("Content-Type", "").startswith("text/html"):
                continue
            html = response.content.decode()
            if name in posting.FORMLESS_PAGES:
                path = response.request["PATH_INFO"]
                own = {form.endpoint for form in pages.forms_of(html, path)}
                own |= {form.endpoint for form in pages.forms_of(html, path, method="get")}
                if own - posting.NAVIGATION_FORMS:
                    problems.append(f"{name} is listed as formless but has forms for {own}")
            for marker in corpus.UNESCAPED_MARKERS:
                if marker in html:
                    at = html.index(marker)
                    problems.append(
                        f"{name} {page.url} as {page.role}: {html[max(0, at - 120) : at + 60]!r}"
                    )
    assert opened > 90
    assert not problems, "\n".join(problems)
