"""Who may see what: every URL pattern of the portal (read from the resolver, so that a new
page cannot be forgotten), asked with GET and with POST by each kind of person of the
world in tests/security/world.py, each answer compared with the one expected here.

A cell's answer is the status code, or `login` for a redirect to the sign-in page,
`admin-login` for one to the admin's and `302` for any other redirect. A POST carries no
data: who may act gets the form back with its errors (200) or is sent back to the page
(302); a POST to a page that only shows answers 405. Every request runs in a transaction
rolled back after it, so each cell sees the same world. No answer may show a canary
value (tests/security/world.py) to someone not entitled to it, and none may be logged.

The columns, in this order:
    anonymous, owner, other producer, assigned juror, unassigned juror, conflicted
    juror, staff of the edition, staff of another programme, superuser.
"""

import pytest
from django.urls import reverse

from .matrix import ask
from .urls import Route, all_routes, url_of
from .world import CANARIES, ROLES

pytestmark = pytest.mark.django_db

L, AL = "login", "admin-login"


def row(*answers: str) -> tuple[str, ...]:
    assert len(answers) == len(ROLES), answers
    return answers


def everyone(answer: str) -> tuple[str, ...]:
    return row(*[answer] * len(ROLES))


def signed_in(answer: str) -> tuple[str, ...]:
    return row(L, *[answer] * (len(ROLES) - 1))


# Pages anyone may read, and what they answer to a POST.
PUBLIC = everyone("200")
PUBLIC_405 = everyone("405")
SIGNED_IN = signed_in("200")
SIGNED_IN_405 = signed_in("405")
# Signed-in people already have an account: the sign-up and sign-in pages send them on.
SIGNED_OUT_ONLY = row("200", *["302"] * (len(ROLES) - 1))
# The staff area: anyone signed in without a programme is refused (403); staff of another
# programme do not learn that the edition exists (404).
STAFF = row(L, "403", "403", "403", "403", "403", "200", "404", "200")
STAFF_405 = row(L, "403", "403", "403", "403", "403", "405", "404", "405")
STAFF_DONE = row(L, "403", "403", "403", "403", "403", "302", "404", "302")
# Staff pages of any programme's staff (their own programmes are listed).
ANY_STAFF = row(L, "403", "403", "403", "403", "403", "200", "200", "200")
ANY_STAFF_405 = row(L, "403", "403", "403", "403", "403", "405", "405", "405")
SUPERUSER = row(L, "403", "403", "403", "403", "403", "403", "403", "200")
# The producer's own project: anyone else gets 404, whether it exists or not (staff work
# on it from the staff area).
OWNER = row(L, "200", "404", "404", "404", "404", "404", "404", "404")
OWNER_405 = row(L, "405", "404", "404", "404", "404", "404", "404", "404")
OWNER_DONE = row(L, "302", "404", "404", "404", "404", "404", "404", "404")
# The producer's materials, which staff of the programme may correct at any stage; the
# owner of a submitted application is sent back to it with a message (302).
MATERIAL = row(L, "200", "404", "404", "404", "404", "200", "404", "200")
MATERIAL_LOCKED = row(L, "302", "404", "404", "404", "404", "200", "404", "200")
MATERIAL_DONE = row(L, "302", "404", "404", "404", "404", "302", "404", "302")
# The producer's stored files: the producer and the programme's staff only.
PRIVATE_FILE = MATERIAL
FILE_POST = everyone("405")
# A juror's own assignment: no one else, the project's other jurors included.
JUROR = row(L, "404", "404", "200", "404", "404", "404", "404", "404")
JUROR_405 = row(L, "404", "404", "405", "404", "404", "404", "404", "404")
JUROR_DONE = row(L, "404", "404", "302", "404", "404", "404", "404", "404")
# The jurors' page of a round: the round's jurors only (in scoring the declarations of
# interest are closed: they are sent back to their jury page).
ROUND = row(L, "404", "404", "302", "302", "302", "404", "404", "404")
# Django's admin: superusers only; everyone else is sent to its sign-in page.
ADMIN_ONLY = row(AL, AL, AL, AL, AL, AL, AL, AL, "200")
ADMIN_DONE = row(AL, AL, AL, AL, AL, AL, AL, AL, "302")
ADMIN_403 = row(AL, AL, AL, AL, AL, AL, AL, AL, "403")
ADMIN_405 = row(AL, AL, AL, AL, AL, AL, AL, AL, "405")
ADMIN_404 = row(AL, AL, AL, AL, AL, AL, AL, AL, "404")

# (GET, POST) for each route.
EXPECTED = {
    "healthz": (PUBLIC, PUBLIC_405),
    "set_language": (everyone("302"), everyone("302")),
    "home": (PUBLIC, PUBLIC_405),
    "accounts:signup": (SIGNED_OUT_ONLY, SIGNED_OUT_ONLY),
    "accounts:signup_done": (PUBLIC, PUBLIC_405),
    # A link that does not check out says so (400); it never signs anyone in.
    "accounts:confirm_email": (PUBLIC, everyone("400")),
    "accounts:resend_confirmation": (PUBLIC, PUBLIC),
    "accounts:confirmation_sent": (PUBLIC, PUBLIC_405),
    "accounts:login": (SIGNED_OUT_ONLY, SIGNED_OUT_ONLY),
    "accounts:logout": (PUBLIC_405, everyone("302")),
    "accounts:password_reset": (PUBLIC, PUBLIC),
    "accounts:password_reset_done": (PUBLIC, PUBLIC_405),
    "accounts:password_reset_confirm": (PUBLIC, PUBLIC),
    "accounts:password_reset_complete": (PUBLIC, PUBLIC_405),
    "accounts:password_change": (SIGNED_IN, SIGNED_IN),
    "accounts:profile": (SIGNED_IN, SIGNED_IN),
    "editions:programmes": (PUBLIC, PUBLIC_405),
    "editions:programme": (PUBLIC, PUBLIC_405),
    "editions:programme_logo": (PUBLIC, PUBLIC_405),
    "editions:edition": (PUBLIC, PUBLIC_405),
    "editions:archive": (PUBLIC, PUBLIC_405),
    "editions:staff_home": (ANY_STAFF, ANY_STAFF_405),
    "editions:staff_programme_create": (SUPERUSER, SUPERUSER),
    "editions:staff_programme_edit": (STAFF, STAFF),
    "editions:staff_editions": (STAFF, STAFF_405),
    "editions:staff_edition_create": (STAFF, STAFF),
    "editions:staff_edition": (STAFF, STAFF_405),
    "editions:staff_edition_state": (STAFF_405, STAFF_DONE),
    "editions:staff_edition_edit": (STAFF, STAFF),
    "editions:staff_session_create": (STAFF, STAFF),
    "editions:staff_session_edit": (STAFF, STAFF),
    "editions:staff_session_delete": (STAFF, STAFF_DONE),
    "editions:staff_call_create": (STAFF, STAFF),
    "editions:staff_call_edit": (STAFF, STAFF),
    "editions:staff_mail_templates": (STAFF, STAFF_405),
    "editions:staff_mail_template": (STAFF, STAFF),
    "editions:staff_activity": (STAFF, STAFF_405),
    "editions:staff_outbox": (ANY_STAFF, ANY_STAFF_405),
    "editions:staff_mail": (STAFF, STAFF_405),
    "editions:staff_mail_retry": (STAFF_405, STAFF_DONE),
    "editions:staff_mail_discard": (STAFF_405, STAFF_DONE),
    "submissions:dashboard": (SIGNED_IN, SIGNED_IN_405),
    "submissions:profile": (SIGNED_IN, SIGNED_IN),
    # The edition's jurors and staff may not apply to it: they are sent back.
    "submissions:apply": (
        row(L, "200", "200", "302", "302", "302", "302", "302", "302"),
        signed_in("302"),
    ),
    "submissions:project": (OWNER, OWNER_405),
    "submissions:step": (OWNER, OWNER_DONE),
    "submissions:review": (OWNER, OWNER_405),
    "submissions:submit": (OWNER_405, OWNER),
    "submissions:withdraw": (OWNER, OWNER_DONE),
    "submissions:materials": (OWNER, OWNER_405),
    "submissions:still_upload": (MATERIAL, MATERIAL),
    "submissions:still_delete": (MATERIAL_LOCKED, MATERIAL_DONE),
    "submissions:document_upload": (MATERIAL, MATERIAL),
    "submissions:document_delete": (MATERIAL_LOCKED, MATERIAL_DONE),
    "submissions:director_photo": (MATERIAL_LOCKED, MATERIAL_LOCKED),
    "submissions:cut_add": (MATERIAL, MATERIAL),
    "submissions:cut_edit": (MATERIAL_LOCKED, MATERIAL_LOCKED),
    "submissions:still_file": (PRIVATE_FILE, FILE_POST),
    "submissions:document_file": (PRIVATE_FILE, FILE_POST),
    "submissions:director_photo_file": (PRIVATE_FILE, FILE_POST),
    "submissions:staff_list": (STAFF, STAFF_405),
    "submissions:staff_export": (STAFF, STAFF_405),
    "submissions:staff_invite": (STAFF, STAFF),
    "submissions:staff_project": (STAFF, STAFF_405),
    "submissions:staff_screen": (STAFF_405, STAFF),
    "submissions:staff_reopen": (STAFF_405, STAFF),
    "submissions:staff_message": (STAFF_405, STAFF),
    "submissions:staff_request_cut": (STAFF_405, STAFF),
    "submissions:staff_carry_over": (STAFF_405, STAFF),
    "juries:home": (SIGNED_IN, SIGNED_IN_405),
    # An invitation is opened from its mail, signed in or not; answering it sends on.
    "juries:invitation": (PUBLIC, everyone("302")),
    "juries:round_projects": (ROUND, ROUND),
    "juries:round_declare_conflict": (ROUND, ROUND),
    "juries:review": (JUROR, JUROR_DONE),
    "juries:comment": (JUROR_405, JUROR),
    "juries:declare_conflict": (JUROR_405, JUROR),
    "juries:still_file": (JUROR, FILE_POST),
    "juries:document_file": (JUROR, FILE_POST),
    "juries:director_photo_file": (JUROR, FILE_POST),
    "juries:staff_jury": (STAFF, STAFF_405),
    "juries:staff_invite": (STAFF, STAFF),
    "juries:staff_invitation_resend": (STAFF_405, STAFF_DONE),
    "juries:staff_invitation_withdraw": (STAFF_405, STAFF_DONE),
    "juries:staff_member": (STAFF, STAFF_DONE),
    "juries:staff_member_remove": (STAFF_405, STAFF_DONE),
    "juries:staff_criterion_create": (STAFF, STAFF),
    "juries:staff_criteria_defaults": (STAFF_405, STAFF_DONE),
    "juries:staff_criterion": (STAFF, STAFF),
    "juries:staff_criterion_delete": (STAFF_405, STAFF_DONE),
    "juries:staff_round_create": (STAFF, STAFF),
    "juries:staff_round": (STAFF, STAFF_405),
    "juries:staff_round_edit": (STAFF, STAFF),
    "juries:staff_round_phase": (STAFF_405, STAFF_DONE),
    "juries:staff_round_fill": (STAFF_405, STAFF_DONE),
    "juries:staff_round_publish": (STAFF_405, STAFF_DONE),
    "juries:staff_assignments": (STAFF, STAFF_405),
    "juries:staff_assign": (STAFF_405, STAFF_DONE),
    "juries:staff_auto_assign": (STAFF_405, STAFF_DONE),
    "juries:staff_unassign": (STAFF_405, STAFF_DONE),
    "juries:staff_progress": (STAFF, STAFF_405),
    "juries:staff_conflicts": (STAFF, STAFF_405),
    "juries:staff_conflict_add": (STAFF_405, STAFF),
    "juries:staff_conflict_suggest": (STAFF_405, STAFF_DONE),
    "juries:staff_conflict_confirm": (STAFF_405, STAFF_DONE),
    "juries:staff_conflict_dismiss": (STAFF_405, STAFF_DONE),
    "juries:staff_ranking": (STAFF, STAFF_405),
    "juries:staff_ranking_csv": (STAFF, STAFF_405),
    "juries:staff_reviews_csv": (STAFF, STAFF_405),
    "juries:staff_shortlist": (STAFF_405, STAFF_DONE),
    "juries:staff_selection": (STAFF, STAFF_405),
    "juries:staff_place": (STAFF_405, STAFF_DONE),
    "juries:staff_unplace": (STAFF_405, STAFF_DONE),
    "juries:staff_propose": (STAFF_405, STAFF_DONE),
    "juries:staff_lock": (STAFF_405, STAFF_DONE),
    "juries:staff_publication": (STAFF, STAFF_405),
    "juries:staff_publish": (STAFF_405, STAFF),
    "juries:staff_unpublish_schedule": (STAFF_405, STAFF_DONE),
    "juries:staff_withdraw_publication": (STAFF_405, STAFF_DONE),
    "juries:staff_publication_preview": (STAFF, STAFF_405),
    "juries:staff_dossiers": (STAFF, STAFF_405),
    "juries:staff_dossier_status": (STAFF, STAFF_405),
    "juries:staff_dossier_start": (STAFF_405, STAFF_DONE),
    "juries:staff_dossier_link_create": (STAFF_405, STAFF),
    "juries:staff_dossier_file": (STAFF, STAFF_405),
    "juries:staff_dossier_public": (STAFF_405, STAFF_DONE),
    "juries:staff_dossier_private": (STAFF_405, STAFF_DONE),
    "juries:staff_dossier_link_revoke": (STAFF_405, STAFF_DONE),
    # A guest link works for whoever holds it, until it expires or is revoked.
    "juries:dossier_guest": (PUBLIC, PUBLIC_405),
    "juries:dossier_guest_file": (PUBLIC, PUBLIC_405),
    # The whole edition's catalogue is public once every session is published: one is not.
    "juries:dossier_public_edition": (everyone("404"), PUBLIC_405),
    "juries:dossier_public_session": (PUBLIC, PUBLIC_405),
    "juries:staff_results": (STAFF, STAFF_405),
    "juries:staff_results_send": (STAFF_405, STAFF_DONE),
    "juries:staff_results_feedback": (STAFF_405, STAFF_DONE),
    "juries:staff_results_confirm_days": (STAFF_405, STAFF_DONE),
    "juries:staff_offer_place": (STAFF_405, STAFF_DONE),
    "juries:staff_result": (STAFF, STAFF),
    "juries:staff_result_send": (STAFF_405, STAFF_DONE),
    "juries:staff_result_give_up": (STAFF_405, STAFF_DONE),
    "juries:staff_exports": (STAFF, STAFF_405),
    "juries:staff_export_status": (STAFF, STAFF_405),
    "juries:staff_export_start": (STAFF_405, STAFF_DONE),
    "juries:staff_export_file": (STAFF, STAFF_405),
    "juries:staff_dashboard": (STAFF, STAFF_405),
    "juries:staff_comparison": (STAFF, STAFF_405),
    "selections:feed": (PUBLIC, PUBLIC_405),
    "selections:edition": (PUBLIC, PUBLIC_405),
    "selections:session": (PUBLIC, PUBLIC_405),
    "selections:still": (PUBLIC, PUBLIC_405),
    # The producer answers their own result; no one else learns it exists.
    "participation:answer": (
        row(L, "405", "405", "405", "405", "405", "405", "405", "405"),
        OWNER_DONE,
    ),
    # Django's admin.
    # Signed in without the admin's rights, the page says so and offers to sign in as
    # someone else.
    "admin:login": (row(*["200"] * 8, "302"), everyone("200")),
    "admin:logout": (row(*["302"] * 8, "405"), everyone("302")),
    "admin:password_change_done": (ADMIN_ONLY, ADMIN_405),
    "admin:jsi18n": (ADMIN_ONLY, ADMIN_405),
    # The autocomplete needs the field it completes: without one it refuses.
    "admin:autocomplete": (ADMIN_403, ADMIN_405),
    "admin:view_on_site": (ADMIN_DONE, ADMIN_DONE),
}

# What the admin answers for each page of a model, by the end of its name.
ADMIN_MODEL_PAGES = {
    "changelist": (ADMIN_ONLY, ADMIN_ONLY),
    "add": (ADMIN_ONLY, ADMIN_ONLY),
    "change": (ADMIN_ONLY, ADMIN_ONLY),
    "history": (ADMIN_ONLY, ADMIN_ONLY),
    # A POST without its confirmation shows the question again.
    "delete": (ADMIN_ONLY, ADMIN_ONLY),
    # The old address of a change page redirects to it.
    "": (ADMIN_DONE, ADMIN_DONE),
}
# Rows the portal writes itself (an application and its files come from its producer):
# the admin may not add them…
ADMIN_ADDS_NOTHING = {
    "editions_mailtemplate",
    "submissions_project",
    "submissions_cut",
    "submissions_still",
    "submissions_document",
    "juries_review",
    "juries_export",
}
# …and these records of what happened it may only read.
ADMIN_READS_ONLY = {
    "editions_activitylog",
    "submissions_projectevent",
    "juries_score",
    "juries_decision",
}
# An export's fields are all read only: saving its page changes nothing and sends back.
ADMIN_SAVES_AS_IS = {"juries_export"}


def expected_for(route: Route) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    if route.name in EXPECTED:
        return EXPECTED[route.name]
    if not route.admin:
        return None
    if route.name in {"admin:index", "admin:password_change", "admin:app_list"}:
        return (ADMIN_ONLY, ADMIN_ONLY)
    if route.pattern.endswith("(?P<url>.*)$"):
        return (ADMIN_404, ADMIN_404)
    if route.name.endswith("/"):
        return ADMIN_MODEL_PAGES[""]
    if route.name == "admin:auth_user_password_change":
        return (ADMIN_ONLY, ADMIN_ONLY)
    model, _sep, page = route.name.removeprefix("admin:").rpartition("_")
    if model in ADMIN_READS_ONLY and page in {"add", "delete"}:
        return (ADMIN_403, ADMIN_403)
    if model in ADMIN_READS_ONLY and page == "change":
        return (ADMIN_ONLY, ADMIN_403)
    if model in ADMIN_ADDS_NOTHING and page == "add":
        return (ADMIN_403, ADMIN_403)
    if model in ADMIN_SAVES_AS_IS and page == "change":
        return (ADMIN_ONLY, ADMIN_DONE)
    return ADMIN_MODEL_PAGES.get(page)


ROUTES = all_routes()


def test_every_route_has_an_address_and_an_expected_answer():
    unknown = [route.name for route in ROUTES if expected_for(route) is None]
    assert unknown == [], "routes with no expected answers in the matrix"
    stale = set(EXPECTED) - {route.name for route in ROUTES}
    assert stale == set(), "expected answers for routes that no longer exist"


# Files anyone may have: a published still, a programme's logo, a published catalogue.
PUBLIC_FILES = {
    "selections:still",
    "editions:programme_logo",
    "juries:dossier_public_session",
    "juries:dossier_public_edition",
}


def header_problems(route, response) -> list[str]:
    """Every answer carries a Content Security Policy without inline code; a stored file
    is sent with its type pinned (nosniff), a download name, no shared caching and a
    policy that runs nothing in it."""
    problems = []
    policy = response.headers.get("Content-Security-Policy", "")
    if not policy:
        problems.append("no Content-Security-Policy")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        problems.append(f"an unsafe policy: {policy}")
    if response.streaming and response.status_code == 200:
        if response.headers.get("X-Content-Type-Options") != "nosniff":
            problems.append("a file without nosniff")
        disposition = response.headers.get("Content-Disposition", "")
        if not disposition.startswith(("attachment;", "inline;")):
            problems.append(f"a file without its name: {disposition!r}")
        cache = response.headers.get("Cache-Control", "")
        if "public" in cache and route.name not in PUBLIC_FILES:
            problems.append("a private file cached as public")
        if "sandbox" not in policy:
            problems.append(f"a file whose policy is not a sandbox: {policy}")
    return problems


def leaks(role: str, body: bytes) -> list[str]:
    """The canaries in a body that this role may not see."""
    text = body.decode("utf-8", errors="replace")
    return [
        name
        for name, (entitled, pattern) in CANARIES.items()
        if role not in entitled and pattern.search(text)
    ]


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_permission_matrix(route, in_world, figure, caplog):
    url = url_of(route, in_world)
    assert url is not None, f"{route.name} has no address in tests/security/urls.py"
    expected = expected_for(route)
    assert expected is not None, f"{route.name} has no expected answers"
    people = in_world.clients
    differences = []
    for method, answers in zip(("get", "post"), expected, strict=True):
        for role, wanted in zip(ROLES, answers, strict=True):
            got, response, body = ask(people[role], method, url)
            if got != wanted:
                differences.append(f"{method.upper()} as {role}: expected {wanted}, got {got}")
            for problem in header_problems(route, response):
                differences.append(f"{method.upper()} as {role}: {problem}")
            for canary in leaks(role, body):
                differences.append(f"{method.upper()} as {role}: the {canary} shows")
    figure("permission matrix: routes")
    figure("permission matrix: cells", 2 * len(ROLES))
    for name, (_entitled, pattern) in CANARIES.items():
        if pattern.search(caplog.text):
            differences.append(f"the {name} is in the log")
    assert differences == [], f"{url}\n" + "\n".join(differences)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("juries:review", lambda w: {"pk": w.conflicted_assignment.pk}),
        ("juries:comment", lambda w: {"pk": w.conflicted_assignment.pk}),
        (
            "juries:still_file",
            lambda w: {"pk": w.conflicted_assignment.pk, "still_pk": w.still.pk, "version": "web"},
        ),
        (
            "juries:document_file",
            lambda w: {"pk": w.conflicted_assignment.pk, "document_pk": w.document.pk},
        ),
        (
            "juries:director_photo_file",
            lambda w: {"pk": w.conflicted_assignment.pk, "director_pk": w.director.pk},
        ),
    ],
)
def test_a_conflicted_juror_sees_nothing_of_the_project_even_by_their_own_assignment(
    name, kwargs, in_world, figure
):
    """The matrix asks for the assigned juror's assignment; this is the conflicted
    juror's own, which a confirmed conflict closes."""
    url = reverse(name, kwargs=kwargs(in_world))
    answers = {
        method: ask(in_world.clients["conflicted_juror"], method, url)[0]
        for method in ("get", "post")
    }
    figure("permission matrix: cells", 2)
    assert answers["get"] in {"404", "405"} and answers["post"] in {"404", "405"}, answers
    assert "404" in answers.values(), answers
