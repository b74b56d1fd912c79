"""The results: the staff's pages to read, word and send them and follow the answers."""

from django.urls import path

from ..views import results as views

urlpatterns = [
    path(
        "staff/editions/<int:edition_pk>/results/",
        views.ResultsView.as_view(),
        name="staff_results",
    ),
    path(
        "staff/editions/<int:edition_pk>/results/send/",
        views.SendResultsView.as_view(),
        name="staff_results_send",
    ),
    path(
        "staff/editions/<int:edition_pk>/results/feedback/",
        views.IncludeFeedbackView.as_view(),
        name="staff_results_feedback",
    ),
    path(
        "staff/editions/<int:edition_pk>/results/confirm-days/",
        views.ConfirmDaysView.as_view(),
        name="staff_results_confirm_days",
    ),
    path(
        "staff/sessions/<int:session_pk>/offer-place/",
        views.OfferPlaceView.as_view(),
        name="staff_offer_place",
    ),
    path("staff/results/<int:pk>/", views.NoticeView.as_view(), name="staff_result"),
    path("staff/results/<int:pk>/send/", views.SendNoticeView.as_view(), name="staff_result_send"),
    path(
        "staff/results/<int:pk>/give-up/",
        views.GiveUpPlaceView.as_view(),
        name="staff_result_give_up",
    ),
]
