from django.urls import path

from . import views

app_name = "editions"

urlpatterns = [
    # Public pages.
    path("programmes/", views.ProgrammeListView.as_view(), name="programmes"),
    path("programmes/<slug:programme>/", views.ProgrammeDetailView.as_view(), name="programme"),
    path("programmes/<slug:programme>/logo", views.programme_logo, name="programme_logo"),
    path(
        "programmes/<slug:programme>/<slug:edition>/",
        views.EditionDetailView.as_view(),
        name="edition",
    ),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    # Staff area.
    path("staff/", views.StaffHomeView.as_view(), name="staff_home"),
    path(
        "staff/programmes/new/",
        views.ProgrammeCreateView.as_view(),
        name="staff_programme_create",
    ),
    path(
        "staff/programmes/<slug:programme>/edit/",
        views.ProgrammeEditView.as_view(),
        name="staff_programme_edit",
    ),
    path(
        "staff/programmes/<slug:programme>/editions/",
        views.StaffEditionListView.as_view(),
        name="staff_editions",
    ),
    path(
        "staff/programmes/<slug:programme>/editions/new/",
        views.EditionCreateView.as_view(),
        name="staff_edition_create",
    ),
    path("staff/editions/<int:pk>/", views.StaffEditionDetailView.as_view(), name="staff_edition"),
    path(
        "staff/editions/<int:pk>/state/",
        views.EditionStateView.as_view(),
        name="staff_edition_state",
    ),
    path(
        "staff/editions/<int:pk>/edit/", views.EditionEditView.as_view(), name="staff_edition_edit"
    ),
    path(
        "staff/editions/<int:pk>/sessions/new/",
        views.SessionCreateView.as_view(),
        name="staff_session_create",
    ),
    path(
        "staff/sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="staff_session_edit"
    ),
    path(
        "staff/sessions/<int:pk>/delete/",
        views.SessionDeleteView.as_view(),
        name="staff_session_delete",
    ),
    path(
        "staff/editions/<int:pk>/calls/new/",
        views.CallCreateView.as_view(),
        name="staff_call_create",
    ),
    path("staff/calls/<int:pk>/edit/", views.CallEditView.as_view(), name="staff_call_edit"),
    path(
        "staff/editions/<int:pk>/mails/",
        views.MailTemplateListView.as_view(),
        name="staff_mail_templates",
    ),
    path(
        "staff/editions/<int:pk>/mails/<str:kind>/<str:language>/",
        views.MailTemplateEditView.as_view(),
        name="staff_mail_template",
    ),
    path(
        "staff/editions/<int:pk>/activity/",
        views.EditionActivityView.as_view(),
        name="staff_activity",
    ),
    path("staff/outbox/", views.StaffOutboxView.as_view(), name="staff_outbox"),
    path("staff/outbox/<int:pk>/", views.StaffMailDetailView.as_view(), name="staff_mail"),
    path("staff/outbox/<int:pk>/retry/", views.MailRetryView.as_view(), name="staff_mail_retry"),
    path(
        "staff/outbox/<int:pk>/discard/",
        views.MailDiscardView.as_view(),
        name="staff_mail_discard",
    ),
]
