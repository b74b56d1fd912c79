"""Jurors' pages: the answer to an invitation, "My reviews", a round's projects before the
assignment (conflicts and interest), the review of a project with its materials and the
discussion, and the project's files.

Everything a juror sees of a project starts from permissions.visible_assignments(): a
project outside it (not assigned, not published, in conflict, out of the competition)
answers 404 on every page and file, whether it exists or not. What a juror may do is read
from the round's phase through the same module, and the services check it again."""

from decimal import Decimal
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery, prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts import services as account_services
from accounts.forms import DUPLICATE_EMAIL
from accounts.models import User
from accounts.views import redirect_in_language
from editions.files import serve_file
from editions.permissions import is_festival_staff
from submissions.models import Director, Document, Still
from submissions.views.files import STILL_VERSIONS
from submissions.views.staff import add_service_error

from .. import permissions, services
from ..forms.juror import (
    CommentForm,
    ConflictForm,
    InterestForm,
    InvitationSignUpForm,
    ReviewForm,
    score_field_name,
)
from ..models import (
    Comment,
    Conflict,
    ConflictStatus,
    Interest,
    InvitationStatus,
    JuryMember,
    Review,
    ReviewStatus,
    Round,
    Score,
)

ROUND_PAGE_SIZE = 50
# Conflicts staff recorded or the portal suggested: the project is not even listed.
STAFF_CONFLICTS = [ConflictStatus.CONFIRMED, ConflictStatus.SUGGESTED]


def own_review(assignment) -> Review | None:
    """The juror's review of an assignment, read with it (select_related)."""
    try:
        return assignment.review
    except Review.DoesNotExist:
        return None


def juror_navigation(user):
    """The navigation's role checks on a page that has just found the person's jury
    membership: whether they sit on a jury is known, only the staff check is left. (The
    same keys as wip_portal.context_processors.portal's `nav`.)"""
    return SimpleLazyObject(lambda: {"staff": is_festival_staff(user), "juror": True})


# --- The invitation ---------------------------------------------------------------------


class InvitationView(TemplateView):
    """The link in the invitation mail. Opening it changes nothing (mail scanners open
    links by themselves); its buttons accept or decline. Someone signed in accepts with
    their account; someone else signs in first, or makes an account here, which the link
    confirms. Pages it leads to learn only the site's origin, so the link never leaves it."""

    template_name = "juries/juror/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = services.invitation_for_token(kwargs["token"])
        if self.invitation is None:
            response = TemplateResponse(request, "juries/juror/invitation_invalid.html", status=404)
        else:
            response = super().dispatch(request, *args, **kwargs)
        # The origin only, never the path with the token. Not "no-referrer": with it a
        # browser posts the page's forms with "Origin: null", which CSRF refuses.
        response["Referrer-Policy"] = "strict-origin"
        patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        invitation = self.invitation
        user = self.request.user
        is_pending = invitation.status == InvitationStatus.PENDING
        account_exists = (
            is_pending
            and not user.is_authenticated
            and User.objects.filter(email__iexact=invitation.email).exists()
        )
        if is_pending and not user.is_authenticated and not account_exists:
            kwargs.setdefault("signup_form", InvitationSignUpForm(invitation=invitation))
        return super().get_context_data(
            invitation=invitation,
            edition=invitation.edition,
            programme=invitation.edition.programme,
            is_pending=is_pending,
            account_exists=account_exists,
            is_own=(
                invitation.status == InvitationStatus.ACCEPTED
                and user.is_authenticated
                and invitation.member_id is not None
                and invitation.member.user_id == user.pk
            ),
            login_url=f"{reverse('accounts:login')}?{urlencode({'next': self.request.path})}",
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        handlers = {"accept": self.accept, "decline": self.decline, "signup": self.sign_up}
        handler = handlers.get(request.POST.get("action"))
        if handler is None:
            messages.error(request, _("Accept or decline the invitation with its buttons."))
            return HttpResponseRedirect(request.path)
        return handler(request)

    def accept(self, request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            services.accept_invitation(invitation=self.invitation, user=request.user)
        except PermissionDenied:
            messages.error(request, _("This invitation was accepted with another account."))
            return HttpResponseRedirect(request.path)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.path)
        messages.success(request, self.welcome())
        return HttpResponseRedirect(reverse("juries:home"))

    def decline(self, request):
        try:
            services.decline_invitation(invitation=self.invitation)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.info(request, _("You declined the invitation. Thank you for letting us know."))
        return HttpResponseRedirect(request.path)

    def sign_up(self, request):
        """Make the account, confirm its address (the link came to it) and join the jury,
        all or nothing; then sign the person in."""
        if request.user.is_authenticated:
            return HttpResponseRedirect(request.path)
        form = InvitationSignUpForm(request.POST, invitation=self.invitation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    user = account_services.register_user(
                        full_name=data["full_name"],
                        email=self.invitation.email,
                        password=data["password1"],
                        language=data["language"],
                        email_confirmed=True,  # the invitation's link proved the address
                    )
                    services.accept_invitation(invitation=self.invitation, user=user)
            except IntegrityError:  # the same address signed up a moment ago
                form.add_error("email", DUPLICATE_EMAIL)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    for message in error.messages:
                        messages.error(request, message)
                    return HttpResponseRedirect(request.path)
                add_service_error(form, error)
            else:
                login(request, user)
                messages.success(request, self.welcome())
                return redirect_in_language(reverse("juries:home"), user.language)
        messages.error(request, _("Please correct the fields marked below."))
        return self.render_to_response(self.get_context_data(signup_form=form))

    def welcome(self) -> str:
        return _(
            "Welcome to the jury of %(edition)s. The projects you review will be listed "
            "here once the festival team assigns them."
        ) % {"edition": self.invitation.edition.display_title}


# --- My reviews -------------------------------------------------------------------------


def review_status(assignment) -> str:
    review = own_review(assignment)
    if review is None:
        return "not_started"
    return review.status


class HomeView(LoginRequiredMixin, TemplateView):
    """Every round the person sits on, newest edition first, with its phase, deadline and
    progress, and the projects they may open in it: three queries of its own, whatever
    their number."""

    template_name = "juries/juror/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = list(
            JuryMember.objects.filter(user=user, user__is_active=True)
            .select_related("edition__programme", "session")
            .order_by("-edition__starts_on", "-edition__pk")
        )
        rounds = list(
            Round.objects.filter(members__in=memberships).order_by("-number") if memberships else []
        )
        assignments = (
            permissions.visible_assignments(user)
            .select_related("project", "review")
            .order_by("project__original_title", "project__english_title", "pk")
        )
        by_round = {}
        for assignment in assignments:
            by_round.setdefault(assignment.round_id, []).append(assignment)
        now = timezone.now()
        editions = []
        for member in memberships:
            rows = []
            for round_ in rounds:
                if round_.edition_id != member.edition_id:
                    continue
                round_.edition = member.edition
                rows.append(self.round_row(round_, by_round.get(round_.pk, []), now=now))
            editions.append({"member": member, "edition": member.edition, "rounds": rows})
        if memberships:
            kwargs.setdefault("nav", juror_navigation(user))
        return super().get_context_data(editions=editions, **kwargs)

    @staticmethod
    def round_row(round_, assignments, *, now):
        for assignment in assignments:
            assignment.round = round_
        rows = [
            {
                "assignment": assignment,
                "project": assignment.project,
                "status": review_status(assignment),
                "can_edit": permissions.can_edit_review(assignment, moment=now),
            }
            for assignment in assignments
        ]
        return {
            "round": round_,
            "rules": permissions.rules(round_),
            "deadline_passed": round_.deadline is not None and round_.deadline <= now,
            "assignments": rows,
            "assigned": len(rows),
            "submitted": sum(1 for row in rows if row["status"] == ReviewStatus.SUBMITTED),
        }


# --- A round's projects, before the assignment ------------------------------------------


def conflict_prefix(project) -> str:
    return f"conflict-{project.pk}"


class RoundProjectsView(LoginRequiredMixin, TemplateView):
    """The projects of a round, while jurors prepare it: enough of each to recognise a
    conflict (titles, logline, companies, directors; no materials, no screener), a
    conflict form, and how much they would like to review it."""

    template_name = "juries/juror/round_projects.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.round = get_object_or_404(
            Round.objects.filter(members__user=request.user).select_related("edition__programme"),
            pk=kwargs["pk"],
        )
        self.edition = self.round.edition
        self.member = permissions.membership(request.user, self.edition)
        if self.member is None:
            raise Http404
        if not permissions.can_declare_interest(self.member, self.round):
            messages.info(
                request,
                _(
                    "The list of the round's projects is open only before the assignment. "
                    "Your projects are below; you can declare a conflict on each of them."
                ),
            )
            return HttpResponseRedirect(reverse("juries:home"))
        return super().dispatch(request, *args, **kwargs)

    def listed_entries(self):
        """The round's projects in the competition, but those staff keep this juror away
        from."""
        staff_conflicts = Conflict.objects.filter(
            member=self.member, project=OuterRef("project"), status__in=STAFF_CONFLICTS
        )
        return (
            self.round.entries.filter(project__status__in=permissions.REVIEWABLE_STATUSES)
            .exclude(Exists(staff_conflicts))
            .exclude(project__owner=self.member.user_id)
            .select_related("project")
            .order_by("project__original_title", "project__english_title", "pk")
        )

    def load_page(self):
        page = Paginator(self.listed_entries(), ROUND_PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        projects = [entry.project for entry in page.object_list]
        prefetch_related_objects(projects, "companies", "directors")
        declared = dict(
            Conflict.objects.filter(
                member=self.member, project__in=projects, status=ConflictStatus.DECLARED
            ).values_list("project_id", "reason")
        )
        interests = dict(
            Interest.objects.filter(member=self.member, project__in=projects).values_list(
                "project_id", "level"
            )
        )
        open_projects = [project for project in projects if project.pk not in declared]
        return page, projects, declared, interests, open_projects

    def page_context(self, *, interest_form=None, conflict_form=None, conflict_project=None):
        page, projects, declared, interests, open_projects = self.load_page()
        if interest_form is None:
            interest_form = InterestForm(projects=open_projects, current=interests)
        rows = []
        for project in projects:
            bound = conflict_project is not None and conflict_project.pk == project.pk
            rows.append(
                {
                    "project": project,
                    "declared_reason": declared.get(project.pk),
                    "interest_field": (
                        interest_form[InterestForm.field_name(project)]
                        if project.pk not in declared
                        else None
                    ),
                    "conflict_form": (
                        conflict_form if bound else ConflictForm(prefix=conflict_prefix(project))
                    ),
                    "conflict_open": bound,
                }
            )
        return {
            "round": self.round,
            "edition": self.edition,
            "member": self.member,
            "rows": rows,
            "page_obj": page,
            "paginator": page.paginator,
            "interest_form": interest_form,
            "has_open_projects": bool(open_projects),
            "nav": juror_navigation(self.request.user),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{**self.page_context(), **kwargs})

    def post(self, request, *args, **kwargs):
        """The interest form: each changed choice saved, all or nothing."""
        _page, _projects, _declared, interests, open_projects = self.load_page()
        form = InterestForm(request.POST, projects=open_projects, current=interests)
        if not form.is_valid():
            messages.error(
                request, _("Nothing was saved: please correct the choices marked below.")
            )
            return TemplateResponse(
                request, self.template_name, self.page_context(interest_form=form)
            )
        changed = list(form.changed_levels())
        try:
            with transaction.atomic():
                for project, level in changed:
                    services.set_interest(
                        member=self.member, round_=self.round, project=project, level=level
                    )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())
        if changed:
            messages.success(
                request,
                ngettext(
                    "Your interest in one project is saved.",
                    "Your interest in %(count)s projects is saved.",
                    len(changed),
                )
                % {"count": len(changed)},
            )
        else:
            messages.info(request, _("Nothing changed."))
        return HttpResponseRedirect(request.get_full_path())


class RoundConflictView(RoundProjectsView):
    """POST only: a conflict declared from the round's list."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        entry = get_object_or_404(
            self.listed_entries().select_related("project__call"), project_id=kwargs["project_pk"]
        )
        project = entry.project
        form = ConflictForm(request.POST, prefix=conflict_prefix(project))
        if form.is_valid():
            try:
                services.declare_conflict(
                    member=self.member,
                    project=project,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Conflict declared: you will not be asked to review “%(title)s”.")
                    % {"title": project.display_title},
                )
                return HttpResponseRedirect(self.list_url())
        messages.error(request, _("The conflict was not recorded: please say why."))
        context = self.page_context(conflict_form=form, conflict_project=project)
        return TemplateResponse(request, self.template_name, context)

    def list_url(self):
        url = reverse("juries:round_projects", kwargs={"pk": self.round.pk})
        page = self.request.GET.get("page")
        return f"{url}?{urlencode({'page': page})}" if page else url


# --- A review ---------------------------------------------------------------------------


def assignment_queryset(user):
    return permissions.visible_assignments(user).select_related(
        "round__edition__programme", "member__user", "project__call", "review__session_preference"
    )


class JurorAssignmentMixin(LoginRequiredMixin):
    """The assignment from `pk`, among those the person may open; anything else answers
    404, whether it exists or not."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = get_object_or_404(assignment_queryset(request.user), pk=kwargs["pk"])
        self.round = self.assignment.round
        self.edition = self.round.edition
        self.project = self.assignment.project
        return super().dispatch(request, *args, **kwargs)

    def review_url(self, anchor=""):
        url = reverse("juries:review", kwargs={"pk": self.assignment.pk})
        return f"{url}#{anchor}" if anchor else url


def other_reviews(assignment, criteria):
    """The other jurors' submitted reviews of the project in this round, with their scores
    in the criteria's order; reviews of jurors who left the round or are in conflict are
    not among them. Only for a juror who may see them (permissions.can_see_others)."""
    visible = services.visible_round_assignments(assignment.round).filter(
        project=assignment.project
    )
    scores = {
        f"criterion_{criterion.pk}": Subquery(
            Score.objects.filter(review=OuterRef("pk"), criterion_id=criterion.pk).values("value")[
                :1
            ]
        )
        for criterion in criteria
    }
    reviews = (
        Review.objects.filter(assignment__in=visible, status=ReviewStatus.SUBMITTED)
        .exclude(assignment=assignment)
        .select_related("member__user")
        .annotate(**scores)
        .order_by("member__user__full_name", "pk")
    )
    for review in reviews:
        review.score_rows = [
            (criterion, getattr(review, f"criterion_{criterion.pk}")) for criterion in criteria
        ]
        yield review


class ReviewPageMixin(JurorAssignmentMixin):
    """The review page with its forms; a form that fails is shown bound, with its errors
    at their fields and everything typed kept."""

    template_name = "juries/juror/review.html"

    def criteria_with_own_scores(self, review):
        criteria = self.edition.criteria.all()
        if review is None:
            criteria = list(criteria)
            for criterion in criteria:
                criterion.own_score = None
            return criteria
        own = Score.objects.filter(review=review, criterion=OuterRef("pk")).values("value")[:1]
        return list(criteria.annotate(own_score=Subquery(own)))

    def page_context(self, *, review_form=None, comment_form=None, conflict_form=None):
        assignment, round_, project = self.assignment, self.round, self.project
        prefetch_related_objects(
            [project], "companies", "directors", "post_production", "cuts", "stills", "documents"
        )
        review = own_review(assignment)
        criteria = self.criteria_with_own_scores(review)
        can_edit = permissions.can_edit_review(assignment)
        refused_form = None
        if review_form is not None and not can_edit:
            # Refused because the deadline or the phase closed meanwhile: the text typed is
            # shown back, so that nothing is lost.
            refused_form, review_form = review_form, None
        if can_edit and review_form is None:
            review_form = ReviewForm(
                criteria=criteria,
                sessions=self.edition.sessions.all(),
                initial=self.initial(review, criteria),
            )
        can_see_others = permissions.can_see_others(assignment)
        others, comments = [], []
        if can_see_others:
            others = list(other_reviews(assignment, criteria))
            # As for the reviews: only jurors still in the round and with no conflict.
            conflicted = permissions.blocking_conflicts().filter(
                member=OuterRef("author"), project=project
            )
            comments = list(
                Comment.objects.filter(round=round_, project=project, author__rounds=round_)
                .exclude(Exists(conflicted))
                .exclude(author__user=project.owner_id)
                .select_related("author__user")
                .order_by("created_at", "pk")
            )
        can_comment = permissions.can_comment(assignment)
        if can_comment and comment_form is None:
            comment_form = CommentForm()
        companies = list(project.companies.all())
        needs = list(project.post_production.all())
        return {
            "assignment": assignment,
            "round": round_,
            "edition": self.edition,
            "project": project,
            "member": assignment.member,
            "review": review,
            "status": review_status(assignment),
            "criteria": criteria,
            "rules": permissions.rules(round_),
            "can_edit": can_edit,
            "review_form": review_form,
            "refused_form": refused_form,
            "score_fields": (
                [review_form[score_field_name(criterion)] for criterion in criteria]
                if review_form is not None
                else []
            ),
            "cut": project.current_cut(),
            "companies": companies,
            "company_total": sum((company.share for company in companies), Decimal("0")),
            "post_production_total": sum((need.amount for need in needs), Decimal("0")),
            "can_see_others": can_see_others,
            "others": others,
            "comments": comments,
            "can_comment": can_comment,
            "comment_form": comment_form,
            "conflict_form": conflict_form or ConflictForm(prefix="conflict"),
            "conflict_open": conflict_form is not None,
            "nav": juror_navigation(self.request.user),
        }

    @staticmethod
    def initial(review, criteria) -> dict:
        if review is None:
            return {}
        return {
            **{score_field_name(criterion): criterion.own_score for criterion in criteria},
            "note": review.note,
            "producer_feedback": review.producer_feedback,
            "recommendation": review.recommendation,
            "session_preference": review.session_preference_id,
        }

    def render_page(self, **forms):
        return TemplateResponse(self.request, self.template_name, self.page_context(**forms))


class ReviewView(ReviewPageMixin, TemplateView):
    """The project, its materials and the screener, the juror's review form (or their
    review read-only once it can no longer change) and, when the phase shows them, the
    other jurors' reviews and the discussion."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**{**self.page_context(), **kwargs})

    def post(self, request, *args, **kwargs):
        form = ReviewForm(
            request.POST,
            criteria=self.edition.criteria.all(),
            sessions=self.edition.sessions.all(),
        )
        submit = "submit" in request.POST
        was_submitted = review_status(self.assignment) == ReviewStatus.SUBMITTED
        if form.is_valid():
            try:
                review = services.save_review(
                    assignment=self.assignment,
                    by=request.user,
                    submit=submit,
                    **form.service_arguments(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    # The deadline passed or the phase changed: nothing to correct.
                    for message in error.messages:
                        messages.error(request, message)
                    messages.error(request, _("Nothing was saved."))
                    return self.render_page(review_form=form)
                add_service_error(form, error)
            else:
                messages.success(request, self.saved_message(review, was_submitted))
                return HttpResponseRedirect(self.review_url())
        messages.error(
            request,
            _("Nothing was saved: please correct the fields marked below. What you typed is kept."),
        )
        return self.render_page(review_form=form)

    @staticmethod
    def saved_message(review, was_submitted) -> str:
        if was_submitted:
            return _("Your review is updated.")
        if review.is_submitted:
            return _("Your review is submitted. You can still change it until the jury's deadline.")
        return _("Draft saved. Submit your review when it is complete.")


class CommentView(ReviewPageMixin, TemplateView):
    """POST only: a word in the discussion of the project."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.add_comment(
                    assignment=self.assignment, by=request.user, text=form.cleaned_data["text"]
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    for message in error.messages:
                        messages.error(request, message)
                    return HttpResponseRedirect(self.review_url())
                add_service_error(form, error)
            else:
                messages.success(request, _("Your comment is added to the discussion."))
                return HttpResponseRedirect(self.review_url("discussion"))
        messages.error(request, _("Your comment was not added: please correct it below."))
        return self.render_page(comment_form=form)


class DeclareConflictView(ReviewPageMixin, TemplateView):
    """POST only: the juror declares a conflict with the project; from then on they no
    longer see it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ConflictForm(request.POST, prefix="conflict")
        if form.is_valid():
            try:
                services.declare_conflict(
                    member=self.assignment.member,
                    project=self.project,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Conflict declared: “%(title)s” is no longer among your reviews. "
                        "The festival team sees your reason."
                    )
                    % {"title": self.project.display_title},
                )
                return HttpResponseRedirect(reverse("juries:home"))
        messages.error(request, _("The conflict was not recorded: please say why."))
        return self.render_page(conflict_form=form)


# --- Files ------------------------------------------------------------------------------


def _assignment(user, pk):
    return get_object_or_404(permissions.visible_assignments(user).select_related("project"), pk=pk)


def _download_name(project, *parts, suffix):
    stem = "-".join(str(part) for part in (slugify(project.display_title) or "project", *parts))
    return f"{stem}{suffix}"


@require_GET
@login_required
def still_file(request, pk, still_pk, version):
    field = STILL_VERSIONS.get(version)
    if field is None:
        raise Http404
    assignment = _assignment(request.user, pk)
    still = get_object_or_404(Still, pk=still_pk, project_id=assignment.project_id)
    file = getattr(still, field)
    suffix = PurePath(file.name).suffix.lower() if file else ""
    return serve_file(
        file,
        download_name=_download_name(assignment.project, "still", still.pk, version, suffix=suffix),
        # The original is the file as it was uploaded: it downloads.
        inline=version != "original",
    )


@require_GET
@login_required
def document_file(request, pk, document_pk):
    assignment = _assignment(request.user, pk)
    document = get_object_or_404(Document, pk=document_pk, project_id=assignment.project_id)
    return serve_file(document.file, download_name=document.original_name, inline=False)


@require_GET
@login_required
def director_photo_file(request, pk, director_pk):
    assignment = _assignment(request.user, pk)
    director = get_object_or_404(Director, pk=director_pk, project_id=assignment.project_id)
    return serve_file(
        director.photo,
        download_name=_download_name(assignment.project, "director", director.pk, suffix=".jpg"),
        inline=True,
    )
