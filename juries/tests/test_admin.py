import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import UserFactory
from juries import models
from juries.tests.factories import ConflictFactory, ReviewFactory, ScoreFactory

pytestmark = pytest.mark.django_db

MODELS = [
    models.JuryMember,
    models.Invitation,
    models.Criterion,
    models.Round,
    models.Conflict,
    models.Interest,
    models.Assignment,
    models.Review,
    models.Comment,
    models.Selection,
    models.Decision,
    models.SessionPublication,
    models.Dossier,
    models.DossierLink,
]


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_jury_model_is_in_the_admin():
    assert [model for model in MODELS if not admin.site.is_registered(model)] == []


def test_changelists_and_change_pages_render(admin_client):
    score = ScoreFactory()
    ConflictFactory(member=score.review.member, reason="Co-produced her first film")
    for model in MODELS:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
    review = score.review
    response = admin_client.get(reverse("admin:juries_review_change", args=[review.pk]))
    assert response.status_code == 200
    assert str(review.project) in response.content.decode()


def test_conflicts_are_searchable_by_reason(admin_client):
    ReviewFactory()
    conflict = ConflictFactory(reason="Her brother edits the film")
    ConflictFactory(reason="Other reason")
    response = admin_client.get(reverse("admin:juries_conflict_changelist"), {"q": "brother"})
    assert list(response.context["cl"].result_list) == [conflict]
