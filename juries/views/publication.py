"""Publication of a session's selection.

Staff (of the edition's programme; others get 403, another programme's sessions 404)
publish a session's selection now or at an announced moment, typed in the edition's time
zone, call it off before then, and preview the public page. The public session pages, the
stills they show and the JSON feed show a selection only once it is out: before, they
answer 404 to everyone, staff included (staff have the preview)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from django_countries import countries

from editions.files import serve_file
from editions.mixins import EditionTimeZoneMixin, StaffAreaMixin
from editions.models import Session
from submissions.views.staff import add_service_error

from .. import publication
from ..forms.publication import PublishForm
from .staff import JuryEditionMixin, flash_error, managed_editions

# --- Staff ------------------------------------------------------------------------------


class SessionScopeMixin(StaffAreaMixin):
    """The session from `session_pk`, in an edition the person runs."""

    def load_scope(self):
        self.session = get_object_or_404(
            Session.objects.filter(edition__in=managed_editions(self.request.user)).select_related(
                "edition__programme"
            ),
            pk=self.kwargs["session_pk"],
        )
        self.edition = self.session.edition

    def publication_url(self):
        return reverse("juries:staff_publication", kwargs={"edition_pk": self.edition.pk})


class PublicationPage(TemplateView):
    """The staff's page of an edition's publication; after a refused POST, with that
    session's form as it was typed and its errors."""

    template_name = "juries/publication/staff.html"

    def get_context_data(self, bound_form=None, **kwargs):
        board = publication.publication_board(self.edition)
        for item in board["sessions"]:
            session = item["session"]
            if bound_form is not None and bound_form.session.pk == session.pk:
                item["form"] = bound_form
            else:
                scheduled = item["publication"]
                initial = {}
                if scheduled is not None and not scheduled.is_published:
                    initial["publish_at"] = scheduled.publish_at
                item["form"] = PublishForm(session=session, initial=initial)
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(time_zone=self.edition.time_zone, **board, **kwargs)


class PublicationView(JuryEditionMixin, EditionTimeZoneMixin, PublicationPage):
    pass


class PublishHandler(PublicationPage):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = PublishForm(request.POST, session=self.session)
        if form.is_valid():
            try:
                done = publication.schedule_publication(
                    session=self.session, by=request.user, at=form.moment()
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, self.success_message(done))
                return HttpResponseRedirect(self.publication_url())
        return self.render_to_response(self.get_context_data(bound_form=form))

    def success_message(self, done) -> str:
        name = self.session.display_name
        if done.is_published:
            return _("The selection of %(session)s is public now.") % {"session": name}
        return _("The selection of %(session)s will be public on %(moment)s.") % {
            "session": name,
            "moment": publication.local_moment(done.publish_at, self.edition),
        }


class PublishView(SessionScopeMixin, EditionTimeZoneMixin, PublishHandler):
    pass


class CancelScheduleView(SessionScopeMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            publication.cancel_publication(session=self.session, by=request.user)
        except ValidationError as error:
            flash_error(request, error)
        else:
            messages.success(
                request,
                _("The publication of %(session)s is called off: its selection stays private.")
                % {"session": self.session.display_name},
            )
        return HttpResponseRedirect(self.publication_url())


class WithdrawView(SessionScopeMixin, View):
    """POST only: take a published selection down from the public pages."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            publication.withdraw_publication(session=self.session, by=request.user)
        except ValidationError as error:
            flash_error(request, error)
        else:
            messages.success(
                request,
                _(
                    "The selection of %(session)s is no longer public; its public dossiers are "
                    "private again."
                )
                % {"session": self.session.display_name},
            )
        return HttpResponseRedirect(self.publication_url())


class PreviewView(SessionScopeMixin, TemplateView):
    """The public session page as it will look, with the selection as it is now."""

    template_name = "juries/publication/session.html"

    def get_context_data(self, **kwargs):
        scheduled = getattr(self.session, "publication", None)
        return super().get_context_data(
            session=self.session,
            edition=self.edition,
            films=publication.session_films(self.session, locked_only=False),
            preview=True,
            scheduled=scheduled,
            **kwargs,
        )


# --- Public -----------------------------------------------------------------------------


class SessionView(TemplateView):
    """A published session: each selected film with its still, titles, directors,
    countries, runtime, logline, synopsis and post-production needs."""

    template_name = "juries/publication/session.html"

    def get_context_data(self, **kwargs):
        session = publication.published_session(
            programme=self.kwargs["programme"],
            edition=self.kwargs["edition"],
            session_pk=self.kwargs["session_pk"],
        )
        if session is None:
            raise Http404
        others = [
            other
            for other in publication.published_sessions_of(
                programme=self.kwargs["programme"], edition=self.kwargs["edition"]
            )
            if other.pk != session.pk
        ]
        # The address's slugs are in kwargs under the names the template uses for objects.
        context = super().get_context_data(**kwargs)
        from .. import dossiers

        context.update(
            session=session,
            edition=session.edition,
            films=publication.session_films(session),
            other_sessions=others,
            public_dossier=dossiers.public_dossier(session.edition, session),
        )
        return context


class EditionSelectionView(TemplateView):
    """Every published session of an edition, one after the other."""

    template_name = "juries/publication/edition.html"

    def get_context_data(self, **kwargs):
        sessions = publication.published_sessions_of(
            programme=self.kwargs["programme"], edition=self.kwargs["edition"]
        )
        if not sessions:
            raise Http404
        films = publication.films_by_session(sessions)
        context = super().get_context_data(**kwargs)
        context.update(
            edition=sessions[0].edition,
            sessions=[{"session": session, "films": films[session.pk]} for session in sessions],
        )
        return context


@require_GET
def still(request, programme, edition, session_pk, still_pk):
    """The web version of the still a published session shows for one of its films."""
    session = publication.published_session(
        programme=programme, edition=edition, session_pk=session_pk
    )
    if session is None:
        raise Http404
    found = publication.public_still(session=session, still_pk=still_pk)
    if found is None:
        raise Http404
    response = serve_file(found.web, download_name=f"still-{found.pk}.jpg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _country(code: str) -> dict:
    return {"code": code, "name": str(countries.name(code) or code)}


class FeedView(View):
    """The published selections as JSON, for festival websites: newest edition first,
    optionally of one programme (`?programme=<slug>`) and one edition (`&edition=<slug>`).
    Names of countries and needs are in the language of the address (/es/…); their codes
    come with them. Only what the public pages show: never budgets, screeners, contacts
    or anything of the jury."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        publications = (
            publication.published_publications()
            .select_related("session__edition__programme")
            .order_by("-session__edition__starts_on", "session__starts_on", "session__city", "pk")
        )
        if request.GET.get("programme"):
            publications = publications.filter(
                session__edition__programme__slug=request.GET["programme"]
            )
            if request.GET.get("edition"):
                publications = publications.filter(session__edition__slug=request.GET["edition"])
        publications = list(publications)
        films = publication.films_by_session([item.session for item in publications])
        data = {
            "language": translation.get_language(),
            "generated_at": timezone.now(),
            "sessions": [self.session_data(item, films[item.session_id]) for item in publications],
        }
        response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
        # Selections come out on the minute (the form takes minutes): a cached copy lasts
        # until the next whole minute at most.
        response["Cache-Control"] = f"public, max-age={60 - timezone.now().second}"
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def session_data(self, item, films) -> dict:
        session = item.session
        edition = session.edition
        programme = edition.programme
        return {
            "programme": {
                "name": programme.name,
                "slug": programme.slug,
                "url": _absolute(programme.get_absolute_url()),
            },
            "edition": {
                "title": edition.display_title,
                "number": edition.number,
                "year": edition.year,
                "slug": edition.slug,
                "url": _absolute(edition.get_absolute_url()),
            },
            "session": {
                "id": session.pk,
                "name": session.display_name,
                "city": session.city,
                "country": _country(session.country.code),
                "venue": session.venue,
                "starts_on": session.starts_on,
                "ends_on": session.ends_on,
                "url": _absolute(publication.session_url(session)),
            },
            "published_at": item.published_at,
            "films": [self.film_data(session, film) for film in films],
        }

    def film_data(self, session, film) -> dict:
        return {
            "position": film.position,
            "original_title": film.original_title,
            "english_title": film.english_title,
            "directors": film.directors,
            "countries": [_country(code) for code in film.countries],
            "runtime_minutes": film.runtime,
            "logline": film.logline,
            "synopsis": film.synopsis,
            "post_production_needs": [
                {"code": code, "label": label}
                for code, label in zip(film.needs, film.need_labels(), strict=True)
            ],
            "still_url": (
                _absolute(publication.still_url(session, film.still_id)) if film.still_id else None
            ),
        }
