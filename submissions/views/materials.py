"""The materials step: stills, director photos, documents and cuts.

The producer changes stills, photos and documents while the application is a draft; staff
of the programme may always. Cuts may be added after submission too: a work in progress
changes while it is judged. Projects the person may not see answer 404."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, TemplateView

from editions.models import Material

from .. import eligibility, services, uploads
from ..forms.materials import CutForm, DirectorPhotoForm, DocumentForm, StillUploadForm
from ..mixins import ProjectWizardMixin, project_queryset
from ..models import DOCUMENT_KINDS, Cut, Director, Document, Still
from ..permissions import (
    can_add_cut,
    can_edit_project,
    is_owner,
    visible_projects,
)

# --- The step ---------------------------------------------------------------------------


class MaterialsView(ProjectWizardMixin, TemplateView):
    step = eligibility.STEP_MATERIALS
    template_name = "submissions/materials/materials.html"

    def get_context_data(self, **kwargs):
        project = self.project
        call = project.call
        required = set(call.required_materials)
        documents = {document.kind: document for document in project.documents.all()}
        slots = [
            {
                "kind": kind,
                "label": label,
                "required": kind in required,
                "document": documents.get(kind),
            }
            for kind, label in sorted(DOCUMENT_KINDS, key=lambda choice: choice[0] not in required)
        ]
        stills = list(project.stills.all())
        cuts = sorted(project.cuts.all(), key=lambda cut: cut.number, reverse=True)
        can_edit = can_edit_project(self.request.user, project)
        return super().get_context_data(
            stills=stills,
            free_stills=max(0, call.max_stills - len(stills)),
            stills_required=Material.STILLS in required,
            still_form=StillUploadForm(project=project) if can_edit else None,
            directors=list(project.directors.all()),
            director_photo_required=Material.DIRECTOR_PHOTO in required,
            document_slots=slots,
            document_max_bytes=uploads.DOCUMENT_MAX_BYTES,
            cuts=cuts,
            current_cut=cuts[0] if cuts else None,
            can_add_cut=can_add_cut(self.request.user, project),
            can_edit_cuts=can_edit,
            **kwargs,
        )


# --- Shared access rules ----------------------------------------------------------------


class MaterialMixin(LoginRequiredMixin):
    """Loads `self.project` (and the still, document, director or cut in the URL) among
    the projects the person may see; anything else answers 404. When they may see it but
    not make this change (a producer after submission), they go back to the project with
    a message and nothing changes."""

    denied_message = _(
        "This application has been submitted: its stills, photos and documents can no "
        "longer be changed."
    )
    anchor = ""

    def load(self):
        """Set self.project (and self.object when the URL names a part of it)."""
        self.project = get_object_or_404(
            project_queryset().filter(pk__in=visible_projects(self.request.user)),
            pk=self.kwargs["pk"],
        )

    def load_part(self, model):
        part = get_object_or_404(
            model.objects.filter(project__in=visible_projects(self.request.user)),
            pk=self.kwargs["pk"],
        )
        self.project = get_object_or_404(project_queryset(), pk=part.project_id)
        return part

    def allowed(self) -> bool:
        return can_edit_project(self.request.user, self.project)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.load()
        if not self.allowed():
            messages.error(request, self.denied_message)
            return redirect(self.back_url())
        return self.proceed(request, *args, **kwargs)

    def proceed(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

    def back_url(self):
        """The producer's materials step; for staff, the project's staff page."""
        if is_owner(self.request.user, self.project):
            url = reverse("submissions:materials", kwargs={"pk": self.project.pk})
        else:
            url = reverse("submissions:staff_project", kwargs={"pk": self.project.pk})
        return f"{url}#{self.anchor}" if self.anchor else url

    def get_success_url(self):
        return self.back_url()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("project", self.project)
        kwargs.setdefault("back_url", self.back_url())
        kwargs.setdefault("staff_view", not is_owner(self.request.user, self.project))
        return super().get_context_data(**kwargs)


class ServiceFormMixin:
    """form_valid() calls one service through save(); a ValidationError it raises goes
    back to the form, and a PermissionDenied (the project was submitted meanwhile) back
    to the project with a message."""

    success_message = ""

    def form_valid(self, form):
        try:
            self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except PermissionDenied:
            messages.error(self.request, self.denied_message)
            return redirect(self.back_url())
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self):
        return self.success_message


@method_decorator(csrf_exempt, name="dispatch")
class UploadMixin(MaterialMixin):
    """Uploads have a limit on the whole request, checked from its declared length
    before the body is read (Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out, and
    files over FILE_UPLOAD_MAX_MEMORY_SIZE are written to disk as they arrive). The CSRF
    check, which reads the body, runs just after: the view is exempt from the
    middleware's check and protected here instead."""

    upload_field = ""

    def max_request_bytes(self) -> int:
        raise NotImplementedError

    def proceed(self, request, *args, **kwargs):
        if request.method == "POST":
            limit = self.max_request_bytes()
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return self.request_too_large(length, limit)
        return csrf_protect(super().proceed)(request, *args, **kwargs)

    def request_too_large(self, length, limit):
        form = self.get_form_class()(
            data=QueryDict(), files=MultiValueDict(), **self.get_form_kwargs_base()
        )
        form.full_clean()
        form.errors.clear()
        form.add_error(
            self.upload_field,
            ValidationError(
                _("This upload is %(size)s; at most %(limit)s can be sent at once."),
                code="request_too_large",
                params={"size": filesizeformat(length), "limit": filesizeformat(limit)},
            ),
        )
        return self.render_to_response(self.get_context_data(form=form), status=413)

    def get_form_kwargs_base(self):
        return {}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(self.get_form_kwargs_base())
        return kwargs


# --- Stills -----------------------------------------------------------------------------


class StillUploadView(UploadMixin, ServiceFormMixin, FormView):
    form_class = StillUploadForm
    template_name = "submissions/materials/still_upload.html"
    upload_field = "images"
    anchor = "stills"

    def max_request_bytes(self):
        return uploads.request_limit_for_stills(self.project)

    def get_form_kwargs_base(self):
        return {"project": self.project}

    def save(self, form):
        self.stills = uploads.add_stills(
            project=self.project,
            by=self.request.user,
            uploads=form.cleaned_data["images"],
            caption=form.cleaned_data["caption"],
        )

    def get_success_message(self):
        count = len(self.stills)
        return ngettext(
            "%(count)s still uploaded. Its web and print versions are being made.",
            "%(count)s stills uploaded. Their web and print versions are being made.",
            count,
        ) % {"count": count}


class StillDeleteView(MaterialMixin, TemplateView):
    template_name = "submissions/materials/still_confirm_delete.html"
    anchor = "stills"

    def load(self):
        self.object = self.load_part(Still)

    def get_context_data(self, **kwargs):
        return super().get_context_data(still=self.object, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            uploads.delete_still(still=self.object, by=request.user)
        except PermissionDenied:
            messages.error(request, self.denied_message)
        else:
            messages.success(request, _("The still was deleted."))
        return redirect(self.back_url())


# --- Director photos --------------------------------------------------------------------


class DirectorPhotoView(UploadMixin, ServiceFormMixin, FormView):
    form_class = DirectorPhotoForm
    template_name = "submissions/materials/director_photo.html"
    upload_field = "photo"
    anchor = "directors"
    success_message = _("The photo was saved.")

    def load(self):
        self.object = self.load_part(Director)

    def max_request_bytes(self):
        return uploads.STILL_MAX_BYTES + uploads.REQUEST_OVERHEAD_BYTES

    def get_context_data(self, **kwargs):
        return super().get_context_data(director=self.object, **kwargs)

    def save(self, form):
        uploads.set_director_photo(
            director=self.object, by=self.request.user, upload=form.cleaned_data["photo"]
        )


# --- Documents --------------------------------------------------------------------------


class DocumentUploadView(UploadMixin, ServiceFormMixin, FormView):
    form_class = DocumentForm
    template_name = "submissions/materials/document_upload.html"
    upload_field = "file"
    anchor = "documents"

    def max_request_bytes(self):
        return uploads.DOCUMENT_MAX_BYTES + uploads.REQUEST_OVERHEAD_BYTES

    def get_form_kwargs_base(self):
        return {"project": self.project}

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in dict(DOCUMENT_KINDS) else {}

    def save(self, form):
        self.document = uploads.save_document(
            project=self.project,
            by=self.request.user,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
        )

    def get_success_message(self):
        return _("%(document)s: uploaded.") % {"document": self.document.get_kind_display()}


class DocumentDeleteView(MaterialMixin, TemplateView):
    template_name = "submissions/materials/document_confirm_delete.html"
    anchor = "documents"

    def load(self):
        self.object = self.load_part(Document)

    def get_context_data(self, **kwargs):
        return super().get_context_data(document=self.object, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            uploads.delete_document(document=self.object, by=request.user)
        except PermissionDenied:
            messages.error(request, self.denied_message)
        else:
            messages.success(
                request,
                _("%(document)s: deleted.") % {"document": self.object.get_kind_display()},
            )
        return redirect(self.back_url())


# --- Cuts -------------------------------------------------------------------------------


class CutAddView(MaterialMixin, ServiceFormMixin, FormView):
    form_class = CutForm
    template_name = "submissions/materials/cut_form.html"
    anchor = "cuts"
    denied_message = _("This application is closed; no new cut can be added.")

    def allowed(self):
        return can_add_cut(self.request.user, self.project)

    def get_initial(self):
        """The previous cut's stage and subtitles; the first stage the call accepts."""
        current = self.project.current_cut()
        if current is not None:
            return {"stage": current.stage, "subtitles": current.subtitles}
        stages = self.project.call.accepted_stages
        return {"stage": stages[0]} if stages else {}

    def save(self, form):
        self.cut = services.add_cut(project=self.project, by=self.request.user, cut=form.instance)

    def get_success_message(self):
        return _("Cut %(number)s added: it is now the current cut.") % {"number": self.cut.number}


class CutEditView(MaterialMixin, ServiceFormMixin, FormView):
    """The producer corrects a cut while the application is a draft; after submission
    they add a new cut instead. Staff may always correct one."""

    form_class = CutForm
    template_name = "submissions/materials/cut_form.html"
    anchor = "cuts"
    denied_message = _(
        "This application has been submitted: its cuts can no longer be changed. Add a new "
        "cut instead."
    )
    success_message = _("The cut was saved.")

    def load(self):
        self.object = self.load_part(Cut)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.object
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(cut=self.object, **kwargs)

    def save(self, form):
        services.update_cut(cut=form.instance, by=self.request.user)
