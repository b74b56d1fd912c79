"""Publication of a session's selection: the staff's page to publish it now or at an
announced moment, to call that off, and the preview of the public session page. The
public pages and the feed are in public.py."""

from django.urls import path

from ..views import publication as views

urlpatterns = [
    path(
        "staff/editions/<int:edition_pk>/publication/",
        views.PublicationView.as_view(),
        name="staff_publication",
    ),
    path(
        "staff/sessions/<int:session_pk>/publish/",
        views.PublishView.as_view(),
        name="staff_publish",
    ),
    path(
        "staff/sessions/<int:session_pk>/publish/cancel/",
        views.CancelScheduleView.as_view(),
        name="staff_unpublish_schedule",
    ),
    path(
        "staff/sessions/<int:session_pk>/publish/withdraw/",
        views.WithdrawView.as_view(),
        name="staff_withdraw_publication",
    ),
    path(
        "staff/sessions/<int:session_pk>/preview/",
        views.PreviewView.as_view(),
        name="staff_publication_preview",
    ),
]
