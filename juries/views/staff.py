"""The festival staff's jury pages: the jury with its invitations and criteria, rounds and
their phases, conflicts, the assignment, and the progress of the reviews. Festival staff
only (others get 403); anything of a programme the person does not run answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from editions import typed
from editions.files import as_download
from editions.mixins import EditionTimeZoneMixin, StaffAreaMixin
from editions.models import Edition
from submissions.views.staff import add_service_error, csv_lines

from .. import ranking, selectors, services
from ..forms.staff import (
    AssignForm,
    AutoAssignForm,
    ConflictFilterForm,
    ConflictForm,
    CriterionForm,
    InvitationForm,
    MemberForm,
    PhaseForm,
    PlaceForm,
    RankingFilterForm,
    ReasonForm,
    RoundForm,
    ShortlistForm,
    UnplaceForm,
    VersionForm,
)
from ..models import (
    Assignment,
    Conflict,
    ConflictStatus,
    Criterion,
    Invitation,
    JuryMember,
    Phase,
    Round,
    RoundKind,
)

PAGE_SIZE = 50


def flash_error(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def managed_editions(user):
    return Edition.objects.managed_by(user).select_related("programme")


class JuryEditionMixin(StaffAreaMixin):
    """The edition from `edition_pk`, among those the person runs."""

    def load_scope(self):
        self.edition = get_object_or_404(
            managed_editions(self.request.user), pk=self.kwargs["edition_pk"]
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(**kwargs)

    def jury_url(self):
        return reverse("juries:staff_jury", kwargs={"edition_pk": self.edition.pk})


class JuryObjectMixin(JuryEditionMixin):
    """An object of the jury (`model`) addressed by its own `pk`, in an edition the person
    runs; `edition_path` is the lookup from the object to its edition."""

    model = None
    edition_path = "edition"

    def load_scope(self):
        self.object = get_object_or_404(
            self.model.objects.filter(
                **{f"{self.edition_path}__in": managed_editions(self.request.user)}
            ).select_related(f"{self.edition_path}__programme"),
            pk=self.kwargs["pk"],
        )
        edition = self.object
        for part in self.edition_path.split("__"):
            edition = getattr(edition, part)
        self.edition = edition


class RoundMixin(JuryObjectMixin):
    model = Round

    def load_scope(self):
        super().load_scope()
        self.round = self.object

    def get_context_data(self, **kwargs):
        kwargs.setdefault("round", self.round)
        return super().get_context_data(**kwargs)

    def round_url(self, name="juries:staff_round"):
        return reverse(name, kwargs={"pk": self.round.pk})


class ActionView(View):
    """A POST that calls one service, then goes back with a message. A ValidationError
    from the service comes back as an error message; nothing is changed."""

    http_method_names = ["post"]
    # Fields typed in the form that come back filled when the action is refused.
    keep_fields: tuple[str, ...] = ()

    def act(self):
        raise NotImplementedError

    def success_url(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        try:
            message = self.act()
        except ValidationError as error:
            flash_error(request, error)
            typed.keep(request, *self.keep_fields)
        else:
            if message:
                messages.success(request, message)
        return HttpResponseRedirect(self.success_url())


# --- The jury ---------------------------------------------------------------------------


class JuryView(JuryEditionMixin, TemplateView):
    template_name = "juries/staff/jury.html"

    def get_context_data(self, **kwargs):
        overview = selectors.jury_overview(self.edition)
        return super().get_context_data(
            criteria_locked=services.criteria_locked(self.edition), **overview, **kwargs
        )


class InviteView(JuryEditionMixin, FormView):
    form_class = InvitationForm
    template_name = "juries/staff/invite.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "edition": self.edition}

    def get_initial(self):
        return {"language": self.request.LANGUAGE_CODE}

    def form_valid(self, form):
        try:
            invitation = services.invite_juror(
                edition=self.edition, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Invitation sent to %(name)s <%(email)s>.")
            % {"name": invitation.full_name, "email": invitation.email},
        )
        return HttpResponseRedirect(self.jury_url())


class InvitationResendView(JuryObjectMixin, ActionView):
    model = Invitation

    def act(self):
        services.resend_invitation(invitation=self.object, by=self.request.user)
        return _("A new invitation was sent to %(email)s; the previous link no longer works.") % {
            "email": self.object.email
        }

    def success_url(self):
        return self.jury_url()


class InvitationWithdrawView(JuryObjectMixin, ActionView):
    model = Invitation

    def act(self):
        services.withdraw_invitation(invitation=self.object, by=self.request.user)
        return _("The invitation to %(email)s was withdrawn; its link no longer works.") % {
            "email": self.object.email
        }

    def success_url(self):
        return self.jury_url()


class MemberEditView(JuryObjectMixin, FormView):
    model = JuryMember
    form_class = MemberForm
    template_name = "juries/staff/member_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(member=self.object, **kwargs)

    def form_valid(self, form):
        try:
            services.save_member(member=form.instance, by=self.request.user)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The details of %(name)s were saved.") % {"name": self.object.user}
        )
        return HttpResponseRedirect(self.jury_url())


class MemberRemoveView(JuryObjectMixin, ActionView):
    model = JuryMember

    def act(self):
        name = str(self.object.user)
        services.remove_member(member=self.object, by=self.request.user)
        return _("%(name)s is no longer on the jury.") % {"name": name}

    def success_url(self):
        return self.jury_url()


# --- Criteria ---------------------------------------------------------------------------


class CriterionFormMixin:
    form_class = CriterionForm
    template_name = "juries/staff/criterion_form.html"

    def form_valid(self, form):
        try:
            services.save_criterion(criterion=form.instance, by=self.request.user)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Criterion “%(name)s” saved.") % {"name": form.instance})
        return HttpResponseRedirect(self.jury_url())


class CriterionCreateView(JuryEditionMixin, CriterionFormMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Criterion(edition=self.edition)}


class CriterionEditView(JuryObjectMixin, CriterionFormMixin, FormView):
    model = Criterion

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(criterion=self.object, **kwargs)


class CriterionDeleteView(JuryObjectMixin, ActionView):
    model = Criterion

    def act(self):
        name = str(self.object)
        services.delete_criterion(criterion=self.object, by=self.request.user)
        return _("Criterion “%(name)s” deleted.") % {"name": name}

    def success_url(self):
        return self.jury_url()


class DefaultCriteriaView(JuryEditionMixin, ActionView):
    def act(self):
        services.create_default_criteria(edition=self.edition, by=self.request.user)
        return _("The usual criteria of a works-in-progress programme were added.")

    def success_url(self):
        return self.jury_url()


# --- Rounds -----------------------------------------------------------------------------


class RoundFormMixin(EditionTimeZoneMixin):
    form_class = RoundForm
    template_name = "juries/staff/round_form.html"

    def form_valid(self, form):
        form.instance.reminder_days = form.cleaned_data["reminder_days"]
        members = form.cleaned_data.get("members")
        creating = form.instance.pk is None
        try:
            round_ = services.save_round(
                round_=form.instance,
                by=self.request.user,
                members=None if creating and not members else members,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Round “%(name)s” saved.") % {"name": round_})
        return HttpResponseRedirect(reverse("juries:staff_round", kwargs={"pk": round_.pk}))


class RoundCreateView(JuryEditionMixin, RoundFormMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Round(edition=self.edition)}

    def get_initial(self):
        first = not Round.objects.filter(edition=self.edition).exists()
        return {
            "name": _("Pre-selection") if first else _("Final round"),
            "kind": RoundKind.PRESELECTION if first else RoundKind.FINAL,
            "reviews_per_project": 3,
            "reminder_days": "7, 2",
        }


class RoundEditView(RoundMixin, RoundFormMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.round}


class RoundView(RoundMixin, TemplateView):
    """A round at a glance: its phase, projects, assignment and the jurors' progress."""

    template_name = "juries/staff/round.html"

    def get_context_data(self, **kwargs):
        counts = selectors.review_counts([self.round]).get(self.round.pk, (0, 0))
        progress = selectors.juror_progress(self.round)
        return super().get_context_data(
            phases=[
                {"value": value, "label": label, "current": value == self.round.phase}
                for value, label in Phase.choices
            ],
            project_count=self.round.entries.count(),
            assignment_count=counts[0],
            submitted_count=counts[1],
            progress=progress,
            auto_form=AutoAssignForm(
                initial={"reviews_per_project": self.round.reviews_per_project}
            ),
            later_rounds=Round.objects.filter(edition=self.edition, number__gt=self.round.number),
            **kwargs,
        )


class RoundPhaseView(RoundMixin, ActionView):
    def act(self):
        form = PhaseForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a phase."))
        round_ = services.set_phase(
            round_=self.round, phase=form.cleaned_data["phase"], by=self.request.user
        )
        return _("The round is now in the phase: %(phase)s.") % {
            "phase": round_.get_phase_display()
        }

    def success_url(self):
        return self.round_url()


class RoundFillView(RoundMixin, ActionView):
    def act(self):
        added = services.fill_round_with_eligible(round_=self.round, by=self.request.user)
        return ngettext(
            "%(count)s eligible application added to the round.",
            "%(count)s eligible applications added to the round.",
            added,
        ) % {"count": added}

    def success_url(self):
        return self.round_url()


class RoundPublishView(RoundMixin, ActionView):
    def act(self):
        services.publish_assignments(round_=self.round, by=self.request.user)
        return _("The jurors now see their assignments.")

    def success_url(self):
        return self.round_url()


class AutoAssignView(RoundMixin, ActionView):
    def act(self):
        from ..assignment import propose_assignment

        form = AutoAssignForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(
                _("Reviews per project: %(errors)s")
                % {"errors": " ".join(form.errors["reviews_per_project"])}
            )
        summary = propose_assignment(
            round_=self.round,
            by=self.request.user,
            k=form.cleaned_data["reviews_per_project"],
        )
        if self.round.assignments_published:
            return _(
                "Assignment completed (new: %(created)s; kept: %(kept)s). Jurors see the "
                "change at once."
            ) % {"created": summary["created"], "kept": summary["kept"]}
        return _(
            "Assignment proposed (new: %(created)s; kept: %(kept)s). Review it before you "
            "show it to the jurors."
        ) % {"created": summary["created"], "kept": summary["kept"]}

    def success_url(self):
        return self.round_url("juries:staff_assignments")


class AssignmentsView(RoundMixin, TemplateView):
    """Every project of the round with its jurors: assign and unassign by hand."""

    template_name = "juries/staff/assignments.html"

    def get_context_data(self, **kwargs):
        entries = self.round.entries.order_by("project__original_title", "project_id")
        query = self.request.GET.get("q", "").strip()
        if query:
            entries = entries.filter(project__original_title__icontains=query) | entries.filter(
                project__english_title__icontains=query
            )
        page = Paginator(entries.values_list("project_id", flat=True), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        rows = selectors.round_projects_page(self.round, list(page.object_list))
        return super().get_context_data(
            page_obj=page,
            rows=rows,
            query=query,
            filter_query=(urlencode({"q": query}) + "&") if query else "",
            progress=selectors.juror_progress(self.round),
            auto_form=AutoAssignForm(
                initial={"reviews_per_project": self.round.reviews_per_project}
            ),
            **kwargs,
        )


class AssignView(RoundMixin, ActionView):
    def act(self):
        form = AssignForm(self.request.POST, round_=self.round)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        assignment = services.assign(
            round_=self.round,
            member=form.cleaned_data["member"],
            project=form.cleaned_data["project"],
            by=self.request.user,
        )
        return _("%(juror)s now reviews “%(title)s”.") % {
            "juror": assignment.member.user,
            "title": assignment.project.display_title,
        }

    def success_url(self):
        return self.round_url("juries:staff_assignments") + self._page_query()

    def _page_query(self):
        page = self.request.POST.get("page", "")
        return f"?page={page}" if page.isdigit() else ""


class UnassignView(JuryObjectMixin, ActionView):
    model = Assignment
    edition_path = "round__edition"

    def act(self):
        services.unassign(assignment=self.object, by=self.request.user)
        return _("%(juror)s no longer reviews “%(title)s”.") % {
            "juror": self.object.member.user,
            "title": self.object.project.display_title,
        }

    def success_url(self):
        url = reverse("juries:staff_assignments", kwargs={"pk": self.object.round_id})
        page = self.request.POST.get("page", "")
        return url + (f"?page={page}" if page.isdigit() else "")


class ProgressView(RoundMixin, TemplateView):
    """Reviews done and pending, per juror and per project."""

    template_name = "juries/staff/progress.html"

    def get_context_data(self, **kwargs):
        entries = self.round.entries.order_by("project__original_title", "project_id")
        page = Paginator(entries.values_list("project_id", flat=True), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            progress=selectors.juror_progress(self.round),
            rows=selectors.round_projects_page(self.round, list(page.object_list)),
            page_obj=page,
            **kwargs,
        )


# --- Conflicts --------------------------------------------------------------------------


class ConflictsView(JuryEditionMixin, TemplateView):
    template_name = "juries/staff/conflicts.html"

    def get_context_data(self, **kwargs):
        filter_form = ConflictFilterForm(self.request.GET)
        status = filter_form.cleaned_data["status"] if filter_form.is_valid() else ""
        page = Paginator(selectors.conflicts_of(self.edition, status=status), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return super().get_context_data(
            filter_form=filter_form,
            page_obj=page,
            conflicts=page.object_list,
            form=kwargs.pop("form", None) or ConflictForm(edition=self.edition),
            suggested=ConflictStatus.SUGGESTED,
            dismissed=ConflictStatus.DISMISSED,
            **kwargs,
        )

    def conflicts_url(self):
        return reverse("juries:staff_conflicts", kwargs={"edition_pk": self.edition.pk})


class ConflictAddView(ConflictsView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ConflictForm(request.POST, edition=self.edition)
        if form.is_valid():
            try:
                conflict = services.add_conflict(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Conflict recorded: %(juror)s will not review “%(title)s”.")
                    % {"juror": conflict.member.user, "title": conflict.project.display_title},
                )
                return HttpResponseRedirect(self.conflicts_url())
        return self.render_to_response(self.get_context_data(form=form))


class ConflictSuggestView(JuryEditionMixin, ActionView):
    def act(self):
        found = services.suggest_conflicts(edition=self.edition, by=self.request.user)
        if not found:
            return _("No new likely conflict was found.")
        return ngettext(
            "%(count)s likely conflict found. Until you dismiss it, that juror does not see "
            "that project.",
            "%(count)s likely conflicts found. Until you dismiss them, those jurors do not "
            "see those projects.",
            found,
        ) % {"count": found}

    def success_url(self):
        return reverse("juries:staff_conflicts", kwargs={"edition_pk": self.edition.pk})


class ConflictConfirmView(JuryObjectMixin, ActionView):
    model = Conflict
    edition_path = "member__edition"

    def act(self):
        form = ReasonForm(self.request.POST)
        reason = (form.cleaned_data["reason"] if form.is_valid() else "") or self.object.reason
        services.add_conflict(
            member=self.object.member,
            project=self.object.project,
            reason=reason,
            by=self.request.user,
        )
        return _("Conflict confirmed.")

    def success_url(self):
        return reverse("juries:staff_conflicts", kwargs={"edition_pk": self.edition.pk})


class ConflictDismissView(ConflictConfirmView):
    def act(self):
        services.dismiss_conflict(conflict=self.object, by=self.request.user)
        return _("Conflict dismissed: %(juror)s may review “%(title)s”.") % {
            "juror": self.object.member.user,
            "title": self.object.project.display_title,
        }


# --- Ranking, exports and shortlist -----------------------------------------------------

RANKING_PAGE_SIZE = 250


def stream_csv(lines, *, filename: str) -> StreamingHttpResponse:
    """Lines (lists of cells) streamed as CSV in UTF-8 with a byte-order mark, each cell a
    spreadsheet would take for a formula neutralised (as in the exports' CSV files).
    Labels are read in the language of the request, as the lines are produced."""
    language = translation.get_language()

    def rows():
        with translation.override(language):
            yield from csv_lines(lines)

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    return as_download(response, filename)


class RankingMixin(RoundMixin):
    def ranking_filters(self):
        form = RankingFilterForm(self.request.GET, edition=self.edition)
        return form, (form.filters() if form.is_valid() else {})

    def export_name(self, what):
        edition = self.edition
        return f"{edition.programme.slug}-{edition.slug}-round-{self.round.number}-{what}.csv"


class RankingView(RankingMixin, TemplateView):
    """The round's ranking: raw and calibrated scores side by side, spread and
    disagreement, recommendations and session preferences; filters and sorting; the
    ranked-vote second opinion; the shortlist into a later round."""

    template_name = "juries/staff/ranking.html"

    def get_context_data(self, **kwargs):
        form, filters = self.ranking_filters()
        every_row = ranking.round_rows(self.round)
        order = filters.pop("order", ranking.DEFAULT_ORDER)
        rows = ranking.order_rows(ranking.filter_rows(every_row, **filters), order)
        page = Paginator(rows, RANKING_PAGE_SIZE).get_page(self.request.GET.get("page"))
        schulze = {}
        if self.round.kind == RoundKind.FINAL:
            schulze = dict(ranking.schulze(self.round))
        for row in page.object_list:
            row.schulze_position = schulze.get(row.project_id)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filter_form=form,
            page_obj=page,
            rows=page.object_list,
            with_schulze=bool(schulze),
            total_count=len(every_row),
            filter_query=(query.urlencode() + "&") if query else "",
            later_rounds=Round.objects.filter(edition=self.edition, number__gt=self.round.number),
            disagreement_range=ranking.DISAGREEMENT_RANGE,
            **kwargs,
        )


class RankingExportView(RankingMixin, View):
    def get(self, request, *args, **kwargs):
        _form, filters = self.ranking_filters()
        rows = ranking.rank_round(self.round, **filters)
        return stream_csv(ranking.ranking_csv_rows(rows), filename=self.export_name("ranking"))


class ReviewsExportView(RankingMixin, View):
    def get(self, request, *args, **kwargs):
        return stream_csv(
            ranking.reviews_csv_rows(self.round), filename=self.export_name("reviews")
        )


class ShortlistView(RoundMixin, ActionView):
    def act(self):
        form = ShortlistForm(self.request.POST, round_=self.round)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        target = form.cleaned_data["target"]
        added = services.shortlist(
            source=self.round,
            target=target,
            projects=form.cleaned_data["projects"],
            by=self.request.user,
        )
        return ngettext(
            "%(count)s project added to %(round)s.", "%(count)s projects added to %(round)s.", added
        ) % {"count": added, "round": target}

    def success_url(self):
        return self.round_url("juries:staff_ranking")


# --- Selection --------------------------------------------------------------------------


class SelectionMixin(JuryEditionMixin):
    def selection_url(self):
        return reverse("juries:staff_selection", kwargs={"edition_pk": self.edition.pk})


class SelectionView(SelectionMixin, TemplateView):
    """The deliberation: each session with its selected films and ordered waitlist, the
    ranked projects still to place, the proposal, the lock and the log of decisions."""

    template_name = "juries/staff/selection.html"

    def get_context_data(self, **kwargs):
        board = selectors.selection_board(self.edition)
        return super().get_context_data(
            place_form=kwargs.pop("place_form", None),
            **board,
            **kwargs,
        )


class PlaceView(SelectionMixin, ActionView):
    def act(self):
        form = PlaceForm(self.request.POST, edition=self.edition)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        data = form.cleaned_data
        placement = services.place_project(
            edition=self.edition,
            project=data["project"],
            session=data["session"],
            kind=data["kind"],
            position=data["position"],
            reason=data["reason"],
            version=data["version"],
            by=self.request.user,
        )
        return _("“%(title)s”: %(kind)s, %(session)s.") % {
            "title": placement.project.display_title,
            "kind": placement.get_kind_display(),
            "session": placement.session.display_name,
        }

    def success_url(self):
        return self.selection_url()


class UnplaceView(SelectionMixin, ActionView):
    def act(self):
        form = UnplaceForm(self.request.POST, edition=self.edition)
        if not form.is_valid():
            raise ValidationError([error for errors in form.errors.values() for error in errors])
        services.remove_placement(
            edition=self.edition,
            project=form.cleaned_data["project"],
            reason=form.cleaned_data["reason"],
            version=form.cleaned_data["version"],
            by=self.request.user,
        )
        return _("“%(title)s” is no longer placed.") % {
            "title": form.cleaned_data["project"].display_title
        }

    def success_url(self):
        return self.selection_url()


class ProposeView(SelectionMixin, ActionView):
    def act(self):
        form = VersionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Reload the page and try again."))
        round_ = selectors.deciding_round(self.edition)
        if round_ is None:
            raise ValidationError(_("There is no round whose ranking could be used yet."))
        proposal = ranking.propose_placement(edition=self.edition, rows=ranking.rank_round(round_))
        if not proposal:
            raise ValidationError(_("No reviewed project can be placed yet."))
        count = services.apply_proposal(
            edition=self.edition,
            proposal=proposal,
            version=form.cleaned_data["version"],
            reason=_("Proposal from the ranking of %(round)s") % {"round": round_},
            by=self.request.user,
        )
        return ngettext(
            "%(count)s project placed from the ranking. Adjust the proposal as you wish.",
            "%(count)s projects placed from the ranking. Adjust the proposal as you wish.",
            count,
        ) % {"count": count}

    def success_url(self):
        return self.selection_url()


class LockView(SelectionMixin, ActionView):
    keep_fields = ("reason",)

    def act(self):
        form = VersionForm(self.request.POST)
        if not form.is_valid():
            raise ValidationError(_("Reload the page and try again."))
        services.lock_selection(
            edition=self.edition,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
            by=self.request.user,
        )
        return _("The selection is locked; every application's status now follows it.")

    def success_url(self):
        return self.selection_url()
