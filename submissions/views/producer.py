"""The producer's pages: profile, dashboard, applying to a call, the steps of the
application, review and submission, the project's page and withdrawing. Views are thin:
forms validate, services write, selectors read."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from editions.models import Call

from .. import eligibility, panels, selectors, services
from ..forms.producer import (
    CompanyFormSet,
    DirectorFormSet,
    FinancingStepForm,
    PostProductionFormSet,
    ProducerProfileForm,
    ProjectStepForm,
    WithdrawForm,
)
from ..mixins import OwnProjectMixin, ProjectWizardMixin, step_url
from ..models import EventKind, ProducerProfile, Project, ProjectStatus
from ..permissions import can_withdraw

# --- Profile and dashboard --------------------------------------------------------------


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


class ProfileView(LoginRequiredMixin, FormView):
    template_name = "submissions/producer/profile.html"
    form_class = ProducerProfileForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        profile = ProducerProfile.objects.filter(user=self.request.user).first()
        kwargs["instance"] = profile or ProducerProfile(user=self.request.user)
        return kwargs

    def form_valid(self, form):
        services.save_profile(profile=form.save(commit=False), by=self.request.user)
        messages.success(self.request, _("Your producer profile is saved."))
        return HttpResponseRedirect(_safe_next(self.request) or reverse("submissions:dashboard"))

    def form_invalid(self, form):
        messages.error(self.request, _("Please correct the fields marked below."))
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            next=_safe_next(self.request),
            is_new=self.get_form().instance.pk is None,
            **kwargs,
        )


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "submissions/producer/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            projects=list(selectors.producer_projects(user)),
            open_calls=list(selectors.open_calls_not_applied(user)),
            has_profile=ProducerProfile.objects.filter(user=user).exists(),
            **kwargs,
        )


# --- Applying ---------------------------------------------------------------------------


class ApplyView(LoginRequiredMixin, TemplateView):
    """The call's rules and a confirm button; the POST starts a draft."""

    template_name = "submissions/producer/apply.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.call = get_object_or_404(
            Call.objects.public().select_related("edition__programme"), pk=kwargs["call_pk"]
        )
        if not ProducerProfile.objects.filter(user=request.user).exists():
            messages.info(
                request,
                _("First tell us about your company: it is used for every application."),
            )
            query = urlencode({"next": request.path})
            return HttpResponseRedirect(f"{reverse('submissions:profile')}?{query}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            call=self.call,
            edition=self.call.edition,
            existing=list(selectors.producer_projects(self.request.user).filter(call=self.call)),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            project = services.create_project(call=self.call, owner=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.path)
        messages.success(
            request,
            _("Your application is started. It is saved as a draft as you go: come back any time."),
        )
        return HttpResponseRedirect(step_url(project, eligibility.STEP_PROJECT))


# --- The steps --------------------------------------------------------------------------

KEPT_POSTS = "submissions_kept_posts"
KEPT_MAX_CHARS = 100_000
KEPT_MAX_PAGES = 5


def keep_post(request):
    """A step posted after the session ended: keep the text typed (never files) in the
    anonymous session, under the step's address, until the producer signs in again."""
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    if sum(len(value) for values in data.values() for value in values) > KEPT_MAX_CHARS:
        return
    kept = request.session.get(KEPT_POSTS, {})
    kept.pop(request.path, None)
    kept[request.path] = data
    while len(kept) > KEPT_MAX_PAGES:
        kept.pop(next(iter(kept)))
    request.session[KEPT_POSTS] = kept


def take_kept_post(request):
    kept = request.session.get(KEPT_POSTS)
    if not kept or request.path not in kept:
        return None
    data = kept.pop(request.path)
    request.session[KEPT_POSTS] = kept
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


STEP_FORMS = {
    eligibility.STEP_PROJECT: (ProjectStepForm, {}),
    eligibility.STEP_TEAM: (None, {"companies": CompanyFormSet, "directors": DirectorFormSet}),
    eligibility.STEP_FINANCING: (FinancingStepForm, {"post_production": PostProductionFormSet}),
}
NEXT_STEP = {
    eligibility.STEP_PROJECT: eligibility.STEP_TEAM,
    eligibility.STEP_TEAM: eligibility.STEP_FINANCING,
    eligibility.STEP_FINANCING: eligibility.STEP_MATERIALS,
}


class StepView(ProjectWizardMixin, TemplateView):
    """One step of the application. Every POST saves a draft, incomplete or not; only
    real errors are refused, by their field, keeping everything typed."""

    def dispatch(self, request, *args, **kwargs):
        self.step = kwargs["step"]
        if self.step not in STEP_FORMS:
            raise Http404
        if not request.user.is_authenticated and request.method == "POST":
            keep_post(request)
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [f"submissions/producer/step_{self.step}.html"]

    def build_forms(self, data=None):
        form_class, formset_classes = STEP_FORMS[self.step]
        # The forms work on their own copy, so the eligibility panel shows what is saved.
        instance = Project.objects.get(pk=self.project.pk)
        form = form_class(data=data, instance=instance) if form_class else None
        formsets = {
            name: formset_class(data=data, instance=instance, prefix=name)
            for name, formset_class in formset_classes.items()
        }
        return form, formsets

    def get(self, request, *args, **kwargs):
        data = None
        if self.project.is_editable_by_producer:
            data = take_kept_post(request)
            if data is not None:
                messages.warning(
                    request,
                    _("We kept what you typed before your session ended; check it and save."),
                )
        form, formsets = self.build_forms(data)
        return self.render_to_response(self.get_context_data(form=form, formsets=formsets))

    def post(self, request, *args, **kwargs):
        if not self.project.is_editable_by_producer:
            messages.error(
                request, _("This application has been submitted and can no longer be changed.")
            )
            return HttpResponseRedirect(request.path)
        form, formsets = self.build_forms(request.POST)
        # Validate every part, so each shows its errors at once.
        results = [part.is_valid() for part in [form, *formsets.values()] if part is not None]
        if all(results):
            project = form.save(commit=False) if form else Project.objects.get(pk=self.project.pk)
            try:
                services.save_project_step(
                    project=project, by=request.user, formsets=list(formsets.values())
                )
            except ValidationError as error:
                if form is not None and hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    for message in error.messages:
                        messages.error(request, message)
                    return HttpResponseRedirect(request.path)
            else:
                messages.success(request, _("Draft saved."))
                if "continue" in request.POST:
                    return HttpResponseRedirect(step_url(self.project, NEXT_STEP[self.step]))
                return HttpResponseRedirect(request.path)
        messages.error(
            request,
            _("Nothing was saved: please correct the fields marked below. What you typed is kept."),
        )
        return self.render_to_response(self.get_context_data(form=form, formsets=formsets))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        formsets = kwargs.get("formsets") or {}
        companies = formsets.get("companies")
        context.update(
            next_step=NEXT_STEP[self.step],
            company_total=getattr(companies, "total_share", None)
            if companies is not None and companies.is_bound
            else sum((c.share for c in self.project.companies.all()), 0),
            post_production_total=sum(
                (item.amount for item in self.project.post_production.all()), 0
            ),
        )
        return context


# --- Review, submission, withdrawal -----------------------------------------------------


class ReviewView(ProjectWizardMixin, TemplateView):
    template_name = "submissions/producer/review.html"
    step = eligibility.STEP_REVIEW

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        call = self.project.call
        context.update(
            call_open=call.is_open(),
            call_closed=call.has_closed(),
            is_draft=self.project.status == ProjectStatus.DRAFT,
            can_submit=(
                self.project.status == ProjectStatus.DRAFT
                and call.is_open()
                and not context["eligibility_failures"]
            ),
            step_urls={code: self.step_url(code) for code, _label in eligibility.STEPS},
            post_production_total=sum(
                (item.amount for item in self.project.post_production.all()), 0
            ),
            company_total=sum((c.share for c in self.project.companies.all()), 0),
        )
        return context


class SubmitView(ReviewView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            services.submit_project(project=self.project, by=request.user)
        except ValidationError as error:
            steps = {item.code: item.step for item in self.eligibility_items}
            problems = [
                {
                    "message": " ".join(error_item.messages),
                    "url": self.step_url(steps[error_item.code])
                    if error_item.code in steps
                    else "",
                }
                for error_item in error.error_list
            ]
            messages.error(request, _("Your application was not submitted."))
            return self.render_to_response(self.get_context_data(submit_problems=problems))
        messages.success(
            request,
            _(
                "Your application is submitted. A confirmation is on its way to your mailbox; "
                "the festival team will be in touch."
            ),
        )
        return HttpResponseRedirect(reverse("submissions:project", kwargs={"pk": self.project.pk}))


class WithdrawView(OwnProjectMixin, FormView):
    template_name = "submissions/producer/withdraw.html"
    form_class = WithdrawForm

    def get(self, request, *args, **kwargs):
        if not can_withdraw(request.user, self.project):
            messages.info(request, _("This application can no longer be withdrawn."))
            return HttpResponseRedirect(self.project.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        if not can_withdraw(self.request.user, self.project):
            messages.error(self.request, _("This application can no longer be withdrawn."))
            return HttpResponseRedirect(self.project.get_absolute_url())
        try:
            services.withdraw_project(
                project=self.project, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
        else:
            messages.success(self.request, _("Your application is withdrawn."))
        return HttpResponseRedirect(self.project.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            project=self.project, edition=self.project.call.edition, **kwargs
        )


# --- The project's page -----------------------------------------------------------------


class ProjectView(OwnProjectMixin, TemplateView):
    template_name = "submissions/producer/project.html"

    def get_context_data(self, **kwargs):
        project = self.project
        items = eligibility.check_project(project, call=project.call)
        events = list(selectors.producer_events(project))
        return super().get_context_data(
            project=project,
            call=project.call,
            edition=project.call.edition,
            events=events,
            staff_messages=[event for event in events if event.kind == EventKind.MESSAGE],
            cut=project.current_cut(),
            is_draft=project.status == ProjectStatus.DRAFT,
            eligibility_failures=eligibility.failures(items),
            step_links=[
                {"code": code, "label": label, "url": step_url(project, code)}
                for code, label in eligibility.STEPS
            ],
            can_withdraw=can_withdraw(self.request.user, project),
            panels=panels.for_project(self.request, project),
            **kwargs,
        )
