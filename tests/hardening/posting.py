"""Posting to the portal's forms and judging what comes back.

Every POST endpoint of the portal is found from the URL resolver; its forms are found on
the pages of the world (tests/hardening/world.py) by reading them like a browser. A post
is judged by what the person sees and by what is stored:

- never a 500 (nor an exception out of the view);
- a refusal says why: the form comes back with an error by the field or above it, or the
  next page carries an error message; a page in the portal's layout, never a raw one;
- a refused form keeps what was typed;
- a refusal stores nothing: every row of every model and the files under MEDIA_ROOT are
  as before;
- nothing a person typed reaches a page unescaped.
"""

import functools
import os
import traceback
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib import messages as django_messages
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.converters import IntConverter
from django.utils.safestring import SafeData

from . import corpus, pages
from .world import World
from .world import pages as world_pages

# --- The portal's POST endpoints ------------------------------------------------------------


def _walk(patterns, namespace="", converters=None):
    converters = converters or {}
    for pattern in patterns:
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern.callback, found


def url_patterns() -> dict:
    """Every named URL pattern of the portal but the admin: name -> view callback."""
    return {name: callback for name, callback, _ in _walk(get_resolver().url_patterns)}


def any_url(name: str) -> str:
    """The pattern's address with any values of the right shape: enough to learn which
    methods its view answers."""
    converters = {n: c for n, _, c in _walk(get_resolver().url_patterns)}[name]
    kwargs = {key: 1 if isinstance(c, IntConverter) else "x" for key, c in converters.items()}
    return reverse(name, kwargs=kwargs)


def accepts_post(callback) -> bool | None:
    """For a class-based view, whether it has a POST handler; None for a function view,
    which only a request can tell (see test_coverage)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None:
        return None
    return "post" in view_class.http_method_names and hasattr(view_class, "post")


def post_endpoints() -> list[str]:
    """The class-based views that take a POST, and the function views known to."""
    names = {name for name, view in url_patterns().items() if accepts_post(view)}
    return sorted((names - NOT_TAKING_POST) | set(FUNCTION_VIEWS_TAKING_POST))


# Function views that answer a POST (every other one answers 405: test_coverage checks).
FUNCTION_VIEWS_TAKING_POST = {
    "set_language": "Django's language switch, in the navigation of every page",
}
# Class-based views with a post() that answers 405 (test_coverage checks): a page whose
# mixin handles both methods in the edition's time zone, and has no POST of its own.
NOT_TAKING_POST = {"juries:staff_publication"}

# POST endpoints whose forms carry no field a person fills in (a button, perhaps a
# hidden value): they are posted with junk extra fields. test_coverage keeps the list
# true to the pages.
BUTTON_ONLY = {
    "accounts:confirm_email",
    "accounts:logout",
    "editions:staff_mail_discard",
    "editions:staff_mail_retry",
    "editions:staff_session_delete",
    "juries:staff_conflict_confirm",
    "juries:staff_conflict_dismiss",
    "juries:staff_conflict_suggest",
    "juries:staff_criteria_defaults",
    "juries:staff_criterion_delete",
    "juries:staff_dossier_link_revoke",
    "juries:staff_dossier_private",
    "juries:staff_dossier_public",
    "juries:staff_invitation_resend",
    "juries:staff_invitation_withdraw",
    "juries:staff_member_remove",
    "juries:staff_offer_place",
    "juries:staff_result_give_up",
    "juries:staff_result_send",
    "juries:staff_results_feedback",
    "juries:staff_round_fill",
    "juries:staff_round_publish",
    "juries:staff_unassign",
    "juries:staff_unpublish_schedule",
    "juries:staff_withdraw_publication",
    "set_language",
    "submissions:apply",
    "submissions:document_delete",
    "submissions:still_delete",
    "submissions:submit",
    "juries:staff_export_start",
    "juries:staff_place",
    "juries:staff_unplace",
    "juries:staff_propose",
    "juries:staff_round_phase",
    "editions:staff_edition_state",
}

# A page that comes back (200) without an error after a POST that changed nothing is a
# refusal without a word, but for these: their POST shows something (a preview).
RENDERS_WITHOUT_SAVING = {"editions:staff_mail_template"}
# Redirects after a successful POST that carry no message (the next page says it).
SILENT_SUCCESS = {
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:signup",
    "accounts:password_reset",
    "accounts:password_reset_confirm",
    "accounts:resend_confirmation",
}
# Refusals that may say nothing: none now (test_known_gaps had the invitation's).
SILENT_REFUSALS: set[str] = set()
# Where another person may post the same form and be right to: the object in the address
# is shared (a public call, a round the other juror sits on) or the secret is in it.
CROSS_ALLOWED = {
    "submissions:apply": {"other_producer"},
    "juries:round_projects": {"other_juror"},
    "juries:round_declare_conflict": {"other_juror"},
    "juries:invitation": {"other_producer", "anonymous"},
    "accounts:confirm_email": {"anonymous"},
    "accounts:password_reset_confirm": {"anonymous"},
}
OTHER_PERSON = {
    "producer": "other_producer",
    "staff": "other_staff",
    "juror": "other_juror",
    "other_producer": "producer",
}
# Refused by a redirect with a message, the number typed lost (its page shows the default
# again): a small gap, in the report rather than the run.
DROPS_TYPED_TEXT = {"juries:staff_auto_assign"}
# The form's page must be opened first in the same session (it keeps the reset token).
OPEN_PAGE_FIRST = {"accounts:password_reset_confirm"}


# Pages with no form of their own (but the navigation's): the crawl skips them.
FORMLESS_PAGES = {
    "home",
    "accounts:signup_done",
    "accounts:confirmation_sent",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "editions:programmes",
    "editions:programme",
    "editions:edition",
    "editions:staff_home",
    "editions:staff_editions",
    "editions:staff_mail_templates",
    "submissions:dashboard",
    "juries:home",
    "juries:staff_progress",
    "juries:staff_publication_preview",
    "juries:dossier_guest",
    "juries:staff_dashboard",
    "juries:staff_comparison",
    "selections:edition",
    "selections:session",
}
NAVIGATION_FORMS = {"set_language", "accounts:logout"}


@dataclass
class Spec:
    """A form as one person sees it on one page."""

    role: str
    form: pages.Form
    page_url: str = ""  # the address opened (the form's page may be where it led)

    @property
    def endpoint(self) -> str:
        return self.form.endpoint


def crawl(w: World) -> dict[str, list[Spec]]:
    """Open every page of the world as the person it is for; the POST forms found, by
    endpoint, each distinct form once."""
    found: dict[str, list[Spec]] = {}
    seen = set()
    for name, page_list in world_pages(w).items():
        if name in FORMLESS_PAGES:
            continue  # opened by test_escaping, which checks they have no form
        for page in page_list:
            client = client_for(w, page.role)
            try:
                response = client.get(page.url, follow=True)
            except Exception:  # noqa: BLE001 - reported by test_coverage, not here
                w.crawl_errors.append(f"{name} {page}: {traceback.format_exc(limit=-3)}")
                continue
            if response.status_code != 200:
                w.crawl_errors.append(f"{name} {page}: {response.status_code}")
                continue
            path = response.request["PATH_INFO"]
            html = response.content.decode()
            for form in pages.forms_of(html, path, method="get"):
                key = (page.role, "get", form.endpoint, tuple(sorted(form.fields)))
                if form.endpoint and key not in seen:
                    seen.add(key)
                    w.get_forms.setdefault(form.endpoint, []).append(Spec(page.role, form, path))
            for form in pages.forms_of(html, path):
                key = (page.role, form.endpoint, form.path, tuple(sorted(form.fields)))
                if not form.endpoint or key in seen:
                    continue
                if form.endpoint in NAVIGATION_FORMS and any(
                    spec.role == page.role for spec in found.get(form.endpoint, [])
                ):
                    continue  # in the navigation of every page
                seen.add(key)
                found.setdefault(form.endpoint, []).append(Spec(page.role, form, page.url))
    return found


def has_object_in_address(spec: Spec) -> bool:
    return bool(resolve(spec.form.path).kwargs)


# The CSRF check runs as in production (the test client skips it unless asked): a body
# Django cannot read is then refused by the middleware, before any view acts on it.
CSRF_SECRET = "hardening" * 3 + "abcde"


def client_for(w: World, role: str | None, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if csrf:
        client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    user = w.users.get(role) if role else None
    if user is not None:
        client.force_login(user)
    return client


# --- What is stored -------------------------------------------------------------------------

IGNORED_COLUMNS = {("accounts", "user"): {"last_login"}}


@functools.cache
def _queries() -> list[tuple[str, str]]:
    """(model label, SELECT of its rows) for every model but sessions: read with one raw
    query each, several times faster than the ORM for a check made after every post."""
    queries = []
    for model in apps.get_models():
        if model is Session:
            continue
        ignored = IGNORED_COLUMNS.get((model._meta.app_label, model._meta.model_name), set())
        columns = [
            connection.ops.quote_name(f.column)
            for f in model._meta.concrete_fields
            if f.attname not in ignored
        ]
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        sql = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {pk}"  # noqa: S608 - names from the models
        queries.append((model._meta.label, sql))
    return queries


def dump() -> dict:
    """Every row of every model (but sessions), as tuples, by model."""
    rows = {}
    with connection.cursor() as cursor:
        for label, sql in _queries():
            cursor.execute(sql)
            rows[label] = [tuple(row) for row in cursor.fetchall()]
    return rows


def diff(before: dict, after: dict) -> list[str]:
    changes = []
    for label, rows in after.items():
        old = before.get(label, [])
        if rows != old:
            added = len(set(rows) - set(old)) if _hashable(rows, old) else "?"
            changes.append(f"{label}: {len(old)} -> {len(rows)} rows ({added} new or changed)")
    return changes


def _hashable(*lists):
    try:
        for rows in lists:
            set(rows)
    except TypeError:
        return False
    return True


def media_files(root) -> dict[str, int]:
    files = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            files[os.path.relpath(path, root)] = os.path.getsize(path)
    return files


# --- Posting and judging ----------------------------------------------------------------------


@dataclass
class Outcome:
    endpoint: str
    role: str
    url: str
    status: int = 0
    kind: str = ""  # accepted, refused, error
    problems: list[str] = field(default_factory=list)
    messages: list = field(default_factory=list)
    html: str = ""


FIGURES: Counter = Counter()


def submit(
    w: World,
    spec: Spec,
    data: dict[str, list[str]],
    *,
    role: str | None = None,
    files: dict | None = None,
    body: bytes | None = None,
    content_type: str | None = None,
    typed: dict[str, str] | None = None,
    expect_refusal: bool = False,
    raw_400: bool = False,
    baseline: dict | None = None,
    extra: dict | None = None,
) -> Outcome:
    """Post `data` (and `files`) to the form, as `role` (the form's own by default), and
    judge the answer; the database is rolled back afterwards."""
    role = role or spec.role
    endpoint = spec.endpoint
    url = spec.form.action
    outcome = Outcome(endpoint, role, url)
    client = client_for(w, role, csrf=True)
    if endpoint in OPEN_PAGE_FIRST:
        client.get(spec.page_url, follow=True)
    media_before = media_files(w.media_root)
    with transaction.atomic():
        try:
            if body is not None:
                response = client.generic(
                    "POST", url, data=body, content_type=content_type, **extra or {}
                )
            else:
                payload = dict(data)
                payload["csrfmiddlewaretoken"] = [CSRF_SECRET]
                payload.update(files or {})
                response = client.post(url, data=payload, **extra or {})
        except Exception:  # noqa: BLE001 - any exception out of a view is a 500
            outcome.kind = "error"
            outcome.status = 500
            outcome.problems.append("500: " + traceback.format_exc(limit=-8))
            transaction.set_rollback(True)
            FIGURES["500s"] += 1
            return outcome
        outcome.status = response.status_code
        _judge(w, spec, outcome, response, typed or {}, expect_refusal, raw_400, client)
        if outcome.kind == "refused":
            changes = diff(baseline if baseline is not None else w.baseline, dump())
            if changes:
                outcome.problems.append("partial save on a refused post: " + "; ".join(changes))
                FIGURES["partial saves"] += 1
            media_after = media_files(w.media_root)
            if media_after != media_before:
                new = sorted(set(media_after) - set(media_before))
                outcome.problems.append(f"files stored by a refused post: {new}")
                FIGURES["partial saves"] += 1
        elif outcome.kind == "accepted":
            outcome.problems.extend(_mass_assignment(w))
        transaction.set_rollback(True)
    if outcome.status >= 500:
        FIGURES["500s"] += 1
    return outcome


def _queued_messages(response):
    storage = getattr(response.wsgi_request, "_messages", None)
    return list(getattr(storage, "_queued_messages", []))


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _judge(w, spec, outcome, response, typed, expect_refusal, raw_400, client):
    endpoint = spec.endpoint
    html = response.content.decode("utf-8", "replace") if _is_html(response) else ""
    outcome.html = html
    queued = _queued_messages(response)
    outcome.messages = queued
    for marker in corpus.UNESCAPED_MARKERS:
        if marker in html:
            outcome.problems.append(f"unescaped {marker!r} in the page")
    for message in queued:
        text = str(message.message)
        if isinstance(message.message, SafeData) and any(
            marker in text for marker in corpus.UNESCAPED_MARKERS
        ):
            outcome.problems.append(f"message marked safe with typed HTML: {text[:200]!r}")
    status = response.status_code
    if status >= 500:
        outcome.kind = "error"
        outcome.problems.append(f"{status}")
        return
    if 300 <= status < 400:
        location = response["Location"]
        levels = {message.level for message in queued}
        refused = bool(levels & {django_messages.ERROR, django_messages.WARNING})
        to_login = urlsplit(location).path.endswith("/accounts/login/")
        if refused or to_login:
            outcome.kind = "refused"
            typed_text = {name: value for name, value in typed.items() if value.strip()}
            if refused and typed_text and endpoint not in DROPS_TYPED_TEXT:
                # The page it sends back to must show the form again, filled in.
                back = client.get(location)
                html = back.content.decode("utf-8", "replace")
                lost = _lost_values(spec, html, typed_text, path=urlsplit(location).path)
                if lost:
                    outcome.problems.append(f"refused by a redirect to {location}: {lost}")
        elif queued or endpoint in SILENT_SUCCESS:
            outcome.kind = "accepted"
        elif not diff(w.baseline, dump()):
            outcome.kind = "refused"
            if endpoint not in SILENT_REFUSALS:
                outcome.problems.append(f"refused without a message (redirect to {location})")
        else:
            outcome.kind = "accepted"
        if expect_refusal and outcome.kind == "accepted":
            outcome.problems.append(f"accepted (redirect to {location}); expected a refusal")
        return
    if status >= 400:
        outcome.kind = "refused"
        if status == 400 and raw_400 and "portal-navbar" not in html:
            # Refused by Django before any view (see RAW_400 in test_limits): counted.
            FIGURES["raw 400 pages"] += 1
        elif "portal-navbar" not in html:
            outcome.problems.append(f"{status} with a raw page: {response.content[:120]!r}")
        elif status not in (403, 404) and not pages.errors_of(html):
            outcome.problems.append(f"{status} without a message")
        return
    errors = pages.errors_of(html)
    if errors:
        outcome.kind = "refused"
        outcome.problems.extend(_lost_values(spec, html, typed))
        return
    if diff(w.baseline, dump()):
        outcome.kind = "accepted"
        if expect_refusal:
            outcome.problems.append("accepted (200); expected a refusal")
    elif endpoint in RENDERS_WITHOUT_SAVING:
        outcome.kind = "rendered"
    else:
        outcome.kind = "refused"
        outcome.problems.append("the page came back without a message and nothing was saved")


def _lost_values(spec, html, typed, path=None) -> list[str]:
    """The typed values must be in the form that comes back."""
    if not typed:
        return []
    candidates = [
        form
        for form in pages.forms_of(html, path or spec.form.path)
        if all(name in form.fields for name in typed)
    ]
    if not candidates:
        return [f"the form came back without the fields typed: {sorted(typed)}"]
    lost = []
    for name, value in typed.items():
        shown = {form.fields[name].value for form in candidates}
        # crispy-forms collapses whitespace between tags: a text of spaces and line
        # breaks alone comes back as one space (it is blank either way).
        if not value.strip() and any(not text.strip() for text in shown):
            continue
        if value not in shown:
            lost.append(f"{name}: typed {value[:60]!r}, shown {sorted(shown)[0][:60]!r}")
    return [f"typed values lost: {lost}"] if lost else []


def _mass_assignment(w: World) -> list[str]:
    """A post accepted must not have made anyone staff, nor moved a project."""
    from accounts.models import User
    from submissions.models import Project

    problems = []
    raised = User.objects.filter(is_superuser=True).exclude(pk=w.users["admin"].pk)
    if raised.exists() or User.objects.filter(is_staff=True).exclude(pk=w.users["admin"].pk):
        problems.append("a post made someone staff or superuser")
    owners = dict(Project.objects.values_list("pk", "owner_id"))
    moved = [pk for pk, owner in w.owners.items() if owners.get(pk, owner) != owner]
    if moved:
        problems.append(f"a post changed the owner of projects {moved}")
    return problems
