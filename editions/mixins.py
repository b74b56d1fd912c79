"""View mixins for the staff area.

Who may enter the area at all is decided by a predicate from permissions.py (anonymous
people are sent to sign in, signed-in people without the role get 403); which objects a
person may touch is decided by querysets scoped to them, so anything outside their
programmes answers 404."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import Call, Edition, Programme, Session
from .permissions import can_create_programme, is_festival_staff


class StaffAreaMixin(AccessMixin):
    """Festival staff only. Subclasses load the objects they work on in load_scope(),
    which runs after the access check and before the view's own handler."""

    def has_area_access(self, user) -> bool:
        return is_festival_staff(user)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.has_area_access(request.user):
            raise PermissionDenied
        self.load_scope()
        return super().dispatch(request, *args, **kwargs)

    def load_scope(self):
        """Fetch the programme or edition from the URL, scoped to the person."""


class SuperuserAreaMixin(StaffAreaMixin):
    def has_area_access(self, user) -> bool:
        return can_create_programme(user)


class ManagedProgrammeMixin(StaffAreaMixin):
    """Sets self.programme from the `programme` slug, among those the person runs."""

    def load_scope(self):
        self.programme = get_object_or_404(
            Programme.objects.managed_by(self.request.user), slug=self.kwargs["programme"]
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("programme", self.programme)
        return super().get_context_data(**kwargs)


class ManagedEditionMixin(StaffAreaMixin):
    """Sets self.edition from the `pk` in the URL, among the editions the person runs."""

    def load_scope(self):
        self.edition = get_object_or_404(
            Edition.objects.managed_by(self.request.user).select_related("programme"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(**kwargs)


class ManagedEditionPartMixin(StaffAreaMixin):
    """For a session or call addressed by its own `pk`: sets self.object and
    self.edition, among the editions the person runs."""

    model: type[Session] | type[Call]

    def load_scope(self):
        self.object = get_object_or_404(
            self.model.objects.filter(
                edition__in=Edition.objects.managed_by(self.request.user)
            ).select_related("edition__programme"),
            pk=self.kwargs["pk"],
        )
        self.edition = self.object.edition

    def get_object(self, queryset=None):
        return self.object

    def get_context_data(self, **kwargs):
        kwargs.setdefault("edition", self.edition)
        return super().get_context_data(**kwargs)


class EditionTimeZoneMixin:
    """Handle and render the form in the edition's time zone, so that times are typed
    and shown as the festival's local times. The response is rendered inside the
    override, since template responses are otherwise rendered later."""

    def _in_edition_time_zone(self, handler, *args, **kwargs):
        with timezone.override(self.edition.tz):
            response = handler(*args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response

    def get(self, request, *args, **kwargs):
        return self._in_edition_time_zone(self._handler("get"), request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._in_edition_time_zone(self._handler("post"), request, *args, **kwargs)

    def _handler(self, method):
        # A page that only shows (or only acts) answers 405 to the other method.
        return getattr(super(), method, self.http_method_not_allowed)
