"""Every URL pattern of the portal, read from the resolver, with the objects of a World
(tests/security/world.py) to fill it in: a pattern added to the portal without an entry
here fails the tests that go through them."""

from dataclasses import dataclass

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the pattern itself for an unnamed one
    pattern: str
    admin: bool


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            else:
                name = pattern
            yield Route(name=name, pattern=pattern, admin=namespace == "admin")


def all_routes() -> list[Route]:
    with translation.override("en"):
        return list(_walk(get_resolver().url_patterns))


def _admin_model_kwargs(route: Route, world) -> dict | None:
    """Django's admin: the change, history and delete pages of one row of each model."""
    label, _sep, action = route.name.removeprefix("admin:").rpartition("_")
    if route.name == "admin:auth_user_password_change":
        return {"id": world.owner.pk}
    for model in apps.get_models():
        if f"{model._meta.app_label}_{model._meta.model_name}" == label:
            if action in {"changelist", "add"}:
                return {}
            row = model._default_manager.order_by("pk").first()
            return {"object_id": str(row.pk) if row else "1"}
    return None


def url_of(route: Route, world) -> str | None:
    """The address of the route filled in with the world's objects, or None if this
    module does not know the route yet."""
    w = world
    kwargs_by_name = {
        "healthz": {},
        "set_language": {},
        "home": {},
        "accounts:signup": {},
        "accounts:signup_done": {},
        "accounts:confirm_email": {"uidb64": "MQ", "token": "c0ffee-0123456789abcdef"},
        "accounts:resend_confirmation": {},
        "accounts:confirmation_sent": {},
        "accounts:login": {},
        "accounts:logout": {},
        "accounts:password_reset": {},
        "accounts:password_reset_done": {},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "accounts:password_reset_complete": {},
        "accounts:password_change": {},
        "accounts:profile": {},
        "editions:programmes": {},
        "editions:programme": {"programme": w.programme.slug},
        "editions:programme_logo": {"programme": w.programme.slug},
        "editions:edition": {"programme": w.programme.slug, "edition": w.edition.slug},
        "editions:archive": {},
        "editions:staff_home": {},
        "editions:staff_programme_create": {},
        "editions:staff_programme_edit": {"programme": w.programme.slug},
        "editions:staff_editions": {"programme": w.programme.slug},
        "editions:staff_edition_create": {"programme": w.programme.slug},
        "editions:staff_edition": {"pk": w.edition.pk},
        "editions:staff_edition_state": {"pk": w.edition.pk},
        "editions:staff_edition_edit": {"pk": w.edition.pk},
        "editions:staff_session_create": {"pk": w.edition.pk},
        "editions:staff_session_edit": {"pk": w.lima.pk},
        "editions:staff_session_delete": {"pk": w.lima.pk},
        "editions:staff_call_create": {"pk": w.edition.pk},
        "editions:staff_call_edit": {"pk": w.call.pk},
        "editions:staff_mail_templates": {"pk": w.edition.pk},
        "editions:staff_mail_template": {
            "pk": w.edition.pk,
            "kind": "submissions.submitted",
            "language": "es",
        },
        "editions:staff_activity": {"pk": w.edition.pk},
        "editions:staff_outbox": {},
        "editions:staff_mail": {"pk": w.mail.pk},
        "editions:staff_mail_retry": {"pk": w.mail.pk},
        "editions:staff_mail_discard": {"pk": w.mail.pk},
        "submissions:dashboard": {},
        "submissions:profile": {},
        "submissions:apply": {"call_pk": w.call.pk},
        "submissions:project": {"pk": w.project.pk},
        "submissions:step": {"pk": w.draft.pk, "step": "project"},
        "submissions:review": {"pk": w.draft.pk},
        "submissions:submit": {"pk": w.draft.pk},
        "submissions:withdraw": {"pk": w.project.pk},
        "submissions:materials": {"pk": w.draft.pk},
        "submissions:still_upload": {"pk": w.draft.pk},
        "submissions:still_delete": {"pk": w.still.pk},
        "submissions:document_upload": {"pk": w.draft.pk},
        "submissions:document_delete": {"pk": w.document.pk},
        "submissions:director_photo": {"pk": w.director.pk},
        "submissions:cut_add": {"pk": w.project.pk},
        "submissions:cut_edit": {"pk": w.cut.pk},
        "submissions:still_file": {"pk": w.still.pk, "version": "web"},
        "submissions:document_file": {"pk": w.document.pk},
        "submissions:director_photo_file": {"pk": w.director.pk},
        "submissions:staff_list": {"edition_pk": w.edition.pk},
        "submissions:staff_export": {"edition_pk": w.edition.pk},
        "submissions:staff_invite": {"edition_pk": w.edition.pk},
        "submissions:staff_project": {"pk": w.project.pk},
        "submissions:staff_screen": {"pk": w.project.pk},
        "submissions:staff_reopen": {"pk": w.project.pk},
        "submissions:staff_message": {"pk": w.project.pk},
        "submissions:staff_request_cut": {"pk": w.project.pk},
        "submissions:staff_carry_over": {"pk": w.project.pk},
        "juries:home": {},
        "juries:invitation": {"token": w.invitation_token},
        "juries:round_projects": {"pk": w.round.pk},
        "juries:round_declare_conflict": {"pk": w.round.pk, "project_pk": w.project.pk},
        "juries:review": {"pk": w.assignment.pk},
        "juries:comment": {"pk": w.assignment.pk},
        "juries:declare_conflict": {"pk": w.assignment.pk},
        "juries:still_file": {"pk": w.assignment.pk, "still_pk": w.still.pk, "version": "web"},
        "juries:document_file": {"pk": w.assignment.pk, "document_pk": w.document.pk},
        "juries:director_photo_file": {"pk": w.assignment.pk, "director_pk": w.director.pk},
        "juries:staff_jury": {"edition_pk": w.edition.pk},
        "juries:staff_invite": {"edition_pk": w.edition.pk},
        "juries:staff_invitation_resend": {"pk": w.invitation.pk},
        "juries:staff_invitation_withdraw": {"pk": w.invitation.pk},
        "juries:staff_member": {"pk": w.member.pk},
        "juries:staff_member_remove": {"pk": w.member.pk},
        "juries:staff_criterion_create": {"edition_pk": w.edition.pk},
        "juries:staff_criteria_defaults": {"edition_pk": w.edition.pk},
        "juries:staff_criterion": {"pk": w.criterion.pk},
        "juries:staff_criterion_delete": {"pk": w.criterion.pk},
        "juries:staff_round_create": {"edition_pk": w.edition.pk},
        "juries:staff_round": {"pk": w.round.pk},
        "juries:staff_round_edit": {"pk": w.round.pk},
        "juries:staff_round_phase": {"pk": w.round.pk},
        "juries:staff_round_fill": {"pk": w.round.pk},
        "juries:staff_round_publish": {"pk": w.round.pk},
        "juries:staff_assignments": {"pk": w.round.pk},
        "juries:staff_assign": {"pk": w.round.pk},
        "juries:staff_auto_assign": {"pk": w.round.pk},
        "juries:staff_unassign": {"pk": w.assignment.pk},
        "juries:staff_progress": {"pk": w.round.pk},
        "juries:staff_conflicts": {"edition_pk": w.edition.pk},
        "juries:staff_conflict_add": {"edition_pk": w.edition.pk},
        "juries:staff_conflict_suggest": {"edition_pk": w.edition.pk},
        "juries:staff_conflict_confirm": {"pk": w.open_conflict.pk},
        "juries:staff_conflict_dismiss": {"pk": w.open_conflict.pk},
        "juries:staff_ranking": {"pk": w.round.pk},
        "juries:staff_ranking_csv": {"pk": w.round.pk},
        "juries:staff_reviews_csv": {"pk": w.round.pk},
        "juries:staff_shortlist": {"pk": w.round.pk},
        "juries:staff_selection": {"edition_pk": w.edition.pk},
        "juries:staff_place": {"edition_pk": w.edition.pk},
        "juries:staff_unplace": {"edition_pk": w.edition.pk},
        "juries:staff_propose": {"edition_pk": w.edition.pk},
        "juries:staff_lock": {"edition_pk": w.edition.pk},
        "juries:staff_publication": {"edition_pk": w.edition.pk},
        "juries:staff_publish": {"session_pk": w.lima.pk},
        "juries:staff_unpublish_schedule": {"session_pk": w.lima.pk},
        "juries:staff_withdraw_publication": {"session_pk": w.toulouse.pk},
        "juries:staff_publication_preview": {"session_pk": w.lima.pk},
        "juries:staff_dossiers": {"edition_pk": w.edition.pk},
        "juries:staff_dossier_status": {"edition_pk": w.edition.pk},
        "juries:staff_dossier_start": {"edition_pk": w.edition.pk},
        "juries:staff_dossier_link_create": {"edition_pk": w.edition.pk},
        "juries:staff_dossier_file": {"pk": w.dossier.pk, "kind": "pdf"},
        "juries:staff_dossier_public": {"pk": w.dossier.pk},
        "juries:staff_dossier_private": {"pk": w.dossier.pk},
        "juries:staff_dossier_link_revoke": {"pk": w.link.pk},
        "juries:dossier_guest": {"token": w.link_token},
        "juries:dossier_guest_file": {"token": w.link_token, "kind": "zip"},
        "juries:dossier_public_edition": {"edition_pk": w.edition.pk, "kind": "pdf"},
        "juries:dossier_public_session": {"session_pk": w.toulouse.pk, "kind": "pdf"},
        "juries:staff_results": {"edition_pk": w.edition.pk},
        "juries:staff_results_send": {"edition_pk": w.edition.pk},
        "juries:staff_results_feedback": {"edition_pk": w.edition.pk},
        "juries:staff_results_confirm_days": {"edition_pk": w.edition.pk},
        "juries:staff_offer_place": {"session_pk": w.toulouse.pk},
        "juries:staff_result": {"pk": w.notice.pk},
        "juries:staff_result_send": {"pk": w.notice.pk},
        "juries:staff_result_give_up": {"pk": w.notice.pk},
        "juries:staff_exports": {"edition_pk": w.edition.pk},
        "juries:staff_export_status": {"edition_pk": w.edition.pk},
        "juries:staff_export_start": {"edition_pk": w.edition.pk},
        "juries:staff_export_file": {"pk": w.export.pk},
        "juries:staff_dashboard": {"edition_pk": w.edition.pk},
        "juries:staff_comparison": {"programme": w.programme.slug},
        "selections:feed": {},
        "selections:edition": {"programme": w.programme.slug, "edition": w.edition.slug},
        "selections:session": {
            "programme": w.programme.slug,
            "edition": w.edition.slug,
            "session_pk": w.toulouse.pk,
        },
        "selections:still": {
            "programme": w.programme.slug,
            "edition": w.edition.slug,
            "session_pk": w.toulouse.pk,
            "still_pk": w.still.pk,
        },
        "participation:answer": {"pk": w.notice.pk},
        # Django's admin: its own views.
        "admin:index": {},
        "admin:login": {},
        "admin:logout": {},
        "admin:password_change": {},
        "admin:password_change_done": {},
        "admin:autocomplete": {},
        "admin:jsi18n": {},
        "admin:app_list": {"app_label": "submissions"},
    }
    with translation.override("en"):
        if route.name == "admin:view_on_site":
            from django.contrib.contenttypes.models import ContentType

            content_type = ContentType.objects.get_for_model(type(w.project))
            return reverse(route.name, args=[content_type.pk, w.project.pk])
        if route.admin and route.name.endswith("/"):
            # The admin's old addresses of a change page, which redirect to it.
            _lang, _admin, app_label, model_name = route.pattern.split("/")[:4]
            model = apps.get_model(app_label, model_name)
            row = model._default_manager.order_by("pk").first()
            return f"/en/admin/{app_label}/{model_name}/{row.pk if row else 1}/"
        if route.pattern.endswith("(?P<url>.*)$"):
            return "/en/admin/no-such-page/"
        kwargs = kwargs_by_name.get(route.name)
        if kwargs is None and route.admin:
            kwargs = _admin_model_kwargs(route, world)
        if kwargs is None:
            return None
        return reverse(route.name, kwargs=kwargs)
