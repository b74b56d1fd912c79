"""The producer's pages: profile, dashboard, the application in steps, submission."""

from django.urls import path

from ..views import producer as views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("calls/<int:call_pk>/apply/", views.ApplyView.as_view(), name="apply"),
    path("projects/<int:pk>/", views.ProjectView.as_view(), name="project"),
    path("projects/<int:pk>/edit/<slug:step>/", views.StepView.as_view(), name="step"),
    path("projects/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("projects/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("projects/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
]
