"""The producer's answer to a place in the selection (linked from their project page)."""

from django.urls import path

from ..views import participation as views

app_name = "participation"

urlpatterns = [
    path("<int:pk>/answer/", views.AnswerView.as_view(), name="answer"),
]
