"""Selection dossiers. For staff of the programme: the page of an edition's dossiers (the
catalogue and each session, their versions and the build under way), starting a build,
its progress as JSON for the page's script, downloads, making a version public, and the
guests' links. For guests: the page and downloads behind a link. For anyone: the public
version's downloads. Anything not there, not theirs, expired or revoked answers 404."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from editions.files import serve_file
from editions.models import Edition, Session
from submissions.views.staff import add_service_error

from .. import dossiers
from ..forms.dossiers import DossierLinkForm, StartDossierForm
from ..models import Dossier, DossierLink, Selection
from .staff import ActionView, JuryEditionMixin, JuryObjectMixin

# The two files of a dossier, by the name used in addresses.
FILES = {"pdf": ("pdf", ".pdf"), "zip": ("archive", ".zip")}
STATUS_IDS_MAX = 50


def serve_dossier(dossier: Dossier, kind: str):
    if kind not in FILES or dossier is None or not dossier.is_ready:
        raise Http404
    field_name, suffix = FILES[kind]
    return serve_file(
        getattr(dossier, field_name),
        download_name=f"{dossiers.download_stem(dossier)}{suffix}",
        inline=False,
    )


def _private(response):
    """A page holding a secret, or reached through one: never cached, never indexed, and
    its address never passed on to another page (the origin only: "no-referrer" would have
    browsers post its forms with "Origin: null", which CSRF refuses)."""
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "strict-origin"
    return response


# --- Staff ------------------------------------------------------------------------------


class DossierMixin(JuryEditionMixin):
    def dossiers_url(self):
        return reverse("juries:staff_dossiers", kwargs={"edition_pk": self.edition.pk})


class DossiersView(DossierMixin, TemplateView):
    """The edition's catalogue and each session: their versions, the build under way,
    downloads, public version, and the guests' links."""

    template_name = "juries/dossiers/staff.html"

    def get(self, request, *args, **kwargs):
        new = request.session.pop(NEW_LINK_SESSION_KEY, None)
        if new:
            link = self.edition.dossier_links.filter(pk=new["id"]).first()
            if link is not None:
                kwargs.update(new_link=link, new_link_url=new["url"])
        return _private(self.render_to_response(self.get_context_data(**kwargs)))

    def get_context_data(self, **kwargs):
        kwargs.setdefault("link_form", DossierLinkForm(edition=self.edition))
        return super().get_context_data(
            scopes=dossiers.dossier_board(self.edition),
            locked=Selection.objects.filter(edition=self.edition, locked_at__isnull=False).exists(),
            status_url=reverse(
                "juries:staff_dossier_status", kwargs={"edition_pk": self.edition.pk}
            ),
            **kwargs,
        )


class DossierStatusView(DossierMixin, View):
    """The status and progress of the builds the page shows as under way (`?id=…`)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()]
        rows = Dossier.objects.filter(edition=self.edition, pk__in=ids[:STATUS_IDS_MAX]).only(
            "pk", "status", "progress"
        )
        return JsonResponse(
            {
                "dossiers": [
                    {
                        "id": dossier.pk,
                        "status": dossier.status,
                        "label": dossier.get_status_display(),
                        "progress": dossier.progress,
                        "running": dossier.status in dossiers.RUNNING,
                    }
                    for dossier in rows
                ]
            }
        )


class DossierStartView(DossierMixin, ActionView):
    def act(self):
        form = StartDossierForm(self.request.POST, edition=self.edition)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        dossier = dossiers.start_dossier(
            edition=self.edition,
            session=form.cleaned_data["session"],
            by=self.request.user,
            language=form.cleaned_data["language"],
        )
        return _("Version %(version)s of the dossier of %(scope)s is on its way.") % {
            "version": dossier.version,
            "scope": dossiers.scope_title(self.edition, dossier.session),
        }

    def success_url(self):
        return self.dossiers_url()


class DossierFileView(JuryObjectMixin, View):
    """Any ready version's PDF or ZIP, for staff of the programme."""

    model = Dossier
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        return serve_dossier(self.object, kwargs["kind"])


class DossierPublicView(JuryObjectMixin, ActionView):
    model = Dossier
    public = True

    def act(self):
        scope = dossiers.scope_title(self.edition, self.object.session)
        if self.public:
            dossiers.make_public(dossier=self.object, by=self.request.user)
            return _("Version %(version)s of the dossier of %(scope)s is public.") % {
                "version": self.object.version,
                "scope": scope,
            }
        dossiers.make_private(dossier=self.object, by=self.request.user)
        return _("The dossier of %(scope)s is no longer public.") % {"scope": scope}

    def success_url(self):
        return reverse("juries:staff_dossiers", kwargs={"edition_pk": self.edition.pk})


class DossierPrivateView(DossierPublicView):
    public = False


NEW_LINK_SESSION_KEY = "juries:new-dossier-link"


class DossierLinkCreateView(DossiersView):
    """Create a guest's link, then show it once on the dossiers page it redirects to (so
    that reloading that page creates nothing): the address is kept in the staff member's
    session until then, since only its hash is stored."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = DossierLinkForm(request.POST, edition=self.edition)
        if form.is_valid():
            data = form.cleaned_data
            try:
                link, token = dossiers.create_link(
                    edition=self.edition,
                    session=data["session"],
                    label=data["label"],
                    expires_at=timezone.now() + timedelta(days=data["days"]),
                    by=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                request.session[NEW_LINK_SESSION_KEY] = {
                    "id": link.pk,
                    "url": request.build_absolute_uri(
                        reverse("juries:dossier_guest", kwargs={"token": token})
                    ),
                }
                return HttpResponseRedirect(
                    reverse("juries:staff_dossiers", kwargs={"edition_pk": self.edition.pk})
                )
        return self.render_to_response(self.get_context_data(link_form=form))


class DossierLinkRevokeView(JuryObjectMixin, ActionView):
    model = DossierLink

    def act(self):
        dossiers.revoke_link(link=self.object, by=self.request.user)
        return _("The link for %(label)s no longer works.") % {"label": self.object.label}

    def success_url(self):
        return reverse("juries:staff_dossiers", kwargs={"edition_pk": self.edition.pk})


# --- Guests and the public --------------------------------------------------------------


def _link(token: str) -> DossierLink:
    link = dossiers.link_for_token(token)
    if link is None:
        raise Http404
    return link


class GuestDossierView(TemplateView):
    """What a guest's link opens: the dossier's downloads, until the link expires."""

    template_name = "juries/dossiers/guest.html"

    def get(self, request, *args, **kwargs):
        link = _link(kwargs["token"])
        context = self.get_context_data(
            link=link,
            edition=link.edition,
            scope=dossiers.scope_title(link.edition, link.session),
            dossier=dossiers.latest_ready(link.edition, link.session),
            token=kwargs["token"],
        )
        return _private(self.render_to_response(context))


@require_GET
def guest_file(request, token, kind):
    link = _link(token)
    dossier = dossiers.latest_ready(link.edition, link.session)
    response = serve_dossier(dossier, kind)
    dossiers.record_download(link=link, by=request.user)
    return _private(response)


@require_GET
def public_file(request, kind, edition_pk=None, session_pk=None):
    """The version staff made public, once the selection is published."""
    if session_pk is not None:
        session = get_object_or_404(Session.objects.select_related("edition"), pk=session_pk)
        edition = session.edition
    else:
        session, edition = None, get_object_or_404(Edition, pk=edition_pk)
    return serve_dossier(dossiers.public_dossier(edition, session), kind)
