"""Festival staff's pages (under staff/): the jury, criteria, rounds, conflicts,
assignment, progress, ranking and the selection. POST-only addresses carry out one
action and go back to the page they came from."""

from django.urls import path

from ..views import staff as views

urlpatterns = [
    path("editions/<int:edition_pk>/", views.JuryView.as_view(), name="staff_jury"),
    path("editions/<int:edition_pk>/invite/", views.InviteView.as_view(), name="staff_invite"),
    path(
        "invitations/<int:pk>/resend/",
        views.InvitationResendView.as_view(),
        name="staff_invitation_resend",
    ),
    path(
        "invitations/<int:pk>/withdraw/",
        views.InvitationWithdrawView.as_view(),
        name="staff_invitation_withdraw",
    ),
    path("members/<int:pk>/", views.MemberEditView.as_view(), name="staff_member"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="staff_member_remove"),
    path(
        "editions/<int:edition_pk>/criteria/new/",
        views.CriterionCreateView.as_view(),
        name="staff_criterion_create",
    ),
    path(
        "editions/<int:edition_pk>/criteria/defaults/",
        views.DefaultCriteriaView.as_view(),
        name="staff_criteria_defaults",
    ),
    path("criteria/<int:pk>/", views.CriterionEditView.as_view(), name="staff_criterion"),
    path(
        "criteria/<int:pk>/delete/",
        views.CriterionDeleteView.as_view(),
        name="staff_criterion_delete",
    ),
    path(
        "editions/<int:edition_pk>/rounds/new/",
        views.RoundCreateView.as_view(),
        name="staff_round_create",
    ),
    path("rounds/<int:pk>/", views.RoundView.as_view(), name="staff_round"),
    path("rounds/<int:pk>/edit/", views.RoundEditView.as_view(), name="staff_round_edit"),
    path("rounds/<int:pk>/phase/", views.RoundPhaseView.as_view(), name="staff_round_phase"),
    path("rounds/<int:pk>/fill/", views.RoundFillView.as_view(), name="staff_round_fill"),
    path("rounds/<int:pk>/publish/", views.RoundPublishView.as_view(), name="staff_round_publish"),
    path("rounds/<int:pk>/assignments/", views.AssignmentsView.as_view(), name="staff_assignments"),
    path("rounds/<int:pk>/assign/", views.AssignView.as_view(), name="staff_assign"),
    path("rounds/<int:pk>/auto-assign/", views.AutoAssignView.as_view(), name="staff_auto_assign"),
    path("assignments/<int:pk>/unassign/", views.UnassignView.as_view(), name="staff_unassign"),
    path("rounds/<int:pk>/progress/", views.ProgressView.as_view(), name="staff_progress"),
    path(
        "editions/<int:edition_pk>/conflicts/",
        views.ConflictsView.as_view(),
        name="staff_conflicts",
    ),
    path(
        "editions/<int:edition_pk>/conflicts/add/",
        views.ConflictAddView.as_view(),
        name="staff_conflict_add",
    ),
    path(
        "editions/<int:edition_pk>/conflicts/suggest/",
        views.ConflictSuggestView.as_view(),
        name="staff_conflict_suggest",
    ),
    path(
        "conflicts/<int:pk>/confirm/",
        views.ConflictConfirmView.as_view(),
        name="staff_conflict_confirm",
    ),
    path(
        "conflicts/<int:pk>/dismiss/",
        views.ConflictDismissView.as_view(),
        name="staff_conflict_dismiss",
    ),
    path("rounds/<int:pk>/ranking/", views.RankingView.as_view(), name="staff_ranking"),
    path(
        "rounds/<int:pk>/ranking.csv", views.RankingExportView.as_view(), name="staff_ranking_csv"
    ),
    path(
        "rounds/<int:pk>/reviews.csv", views.ReviewsExportView.as_view(), name="staff_reviews_csv"
    ),
    path("rounds/<int:pk>/shortlist/", views.ShortlistView.as_view(), name="staff_shortlist"),
    path(
        "editions/<int:edition_pk>/selection/",
        views.SelectionView.as_view(),
        name="staff_selection",
    ),
    path(
        "editions/<int:edition_pk>/selection/place/",
        views.PlaceView.as_view(),
        name="staff_place",
    ),
    path(
        "editions/<int:edition_pk>/selection/remove/",
        views.UnplaceView.as_view(),
        name="staff_unplace",
    ),
    path(
        "editions/<int:edition_pk>/selection/propose/",
        views.ProposeView.as_view(),
        name="staff_propose",
    ),
    path(
        "editions/<int:edition_pk>/selection/lock/",
        views.LockView.as_view(),
        name="staff_lock",
    ),
]
