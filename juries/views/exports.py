"""The staff's exports of an edition: the page listing every export with its recent builds,
starting a build, the progress of the builds under way as JSON for the page's script,
and downloads. Festival staff of the edition's programme only, as the ranking page:
anonymous people are sent to sign in, anyone else signed in gets 403 (a juror too, the
president of the jury included), and an edition or build of a programme the person does
not run answers 404."""

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from editions.files import serve_file

from .. import exports
from ..models import ROUND_EXPORTS, Export, ExportFormat, Round
from .staff import ActionView, JuryEditionMixin, JuryObjectMixin

STATUS_IDS_MAX = 50


def _no_store(response):
    """Exports hold personal data: never kept by a browser or a proxy."""
    response["Cache-Control"] = "no-store"
    return response


class ExportsMixin(JuryEditionMixin):
    def exports_url(self):
        return reverse("juries:staff_exports", kwargs={"edition_pk": self.edition.pk})


class ExportsView(ExportsMixin, TemplateView):
    """Each export in CSV and XLSX, with its latest ready files, and the recent builds."""

    template_name = "juries/exports/staff.html"

    def get(self, request, *args, **kwargs):
        return _no_store(super().get(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **exports.export_board(self.edition),
            status_url=reverse(
                "juries:staff_export_status", kwargs={"edition_pk": self.edition.pk}
            ),
            **kwargs,
        )


class ExportStatusView(ExportsMixin, View):
    """The status and progress of the builds the page shows as under way (`?id=…`), in
    the shape the page's script reads (the dossiers' builds use the same script)."""

    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()]
        rows = Export.objects.filter(edition=self.edition, pk__in=ids[:STATUS_IDS_MAX]).only(
            "pk", "status", "progress", "created_at"
        )
        return _no_store(
            JsonResponse(
                {
                    "dossiers": [
                        {
                            "id": export.pk,
                            "status": export.status,
                            "label": export.get_status_display(),
                            "progress": export.progress,
                            "running": export.status in exports.RUNNING
                            and not exports.is_stale(export),
                        }
                        for export in rows
                    ]
                }
            )
        )


class ExportStartView(ExportsMixin, ActionView):
    """POST kind, format and, for a round's reviews or ranking, round."""

    def act(self):
        data = self.request.POST
        kind, fmt = data.get("kind", ""), data.get("format", "")
        round_ = None
        if kind in ROUND_EXPORTS:
            round_id = data.get("round", "")
            round_ = (
                Round.objects.filter(edition=self.edition, pk=round_id).first()
                if round_id.isdigit()
                else None
            )
        export = exports.start_export(
            edition=self.edition,
            kind=kind,
            fmt=fmt,
            round_=round_,
            by=self.request.user,
            language=self.request.LANGUAGE_CODE,
        )
        return _("%(export)s (%(format)s) is on its way: it can be downloaded here once ready.") % {
            "export": exports.export_title(export),
            "format": export.get_format_display(),
        }

    def success_url(self):
        return self.exports_url()


class ExportFileView(JuryObjectMixin, View):
    """A ready build's file, as an attachment."""

    model = Export
    http_method_names = ["get"]

    def get(self, request, *args, **kwargs):
        export = self.object
        if not export.is_ready:
            raise Http404
        response = serve_file(
            export.file, download_name=exports.download_name(export), inline=False
        )
        response["Content-Type"] = exports.CONTENT_TYPES[ExportFormat(export.format)]
        return _no_store(response)
