"""The staff's ranking, exports, shortlist and selection pages."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from editions.tests.factories import SessionFactory
from juries.models import (
    Decision,
    Phase,
    Placement,
    PlacementKind,
    RoundKind,
    RoundProject,
    Selection,
)
from juries.tests.factories import (
    AssignmentFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    submitted_project,
)
from submissions.models import ProjectStatus
from submissions.tests.factories import ProjectCompanyFactory

pytestmark = pytest.mark.django_db


def review(round_, member, project, total, *, session=None, feedback="", note=""):
    assignment = AssignmentFactory(round=round_, member=member, project=project)
    return ReviewFactory(
        assignment=assignment,
        total=Decimal(total),
        session_preference=session,
        producer_feedback=feedback,
        note=note,
    )


@pytest.fixture
def sessions(edition):
    return [
        SessionFactory(edition=edition, city="Toulouse", places=6),
        SessionFactory(edition=edition, city="Lima", places=6),
    ]


@pytest.fixture
def ranked(edition, sessions):
    """A final round of 14 projects, each reviewed by two jurors."""
    round_ = RoundFactory(edition=edition, kind=RoundKind.FINAL, phase=Phase.DISCUSSION)
    jurors = [JuryMemberFactory(edition=edition) for _ in range(2)]
    projects = []
    for number in range(14):
        project = submitted_project(call__edition=edition, original_title=f"Película {number:02d}")
        ProjectCompanyFactory(project=project, country="BO" if number % 2 else "PE")
        preferred = sessions[number % 2]
        for juror in jurors:
            review(round_, juror, project, 10 - number * 0.5, session=preferred)
        projects.append(project)
    return round_, projects


def test_ranking_shows_raw_and_calibrated_scores_and_filters(staff_client, ranked):
    round_, _projects = ranked
    url = reverse("juries:staff_ranking", kwargs={"pk": round_.pk})
    content = staff_client.get(url).content.decode()
    assert content.index("Película 00") < content.index("Película 01")
    assert ">10.00<" in content  # the raw mean of the first
    assert "Calibrated" in content
    content = staff_client.get(url, {"country": "BO"}).content.decode()
    assert "Película 01" in content
    assert "Película 00" not in content
    content = staff_client.get(url, {"order": "title"}).content.decode()
    assert (
        content.index("Película 13") > content.index("Película 12") > content.index("Película 00")
    )
    content = staff_client.get(url, {"order": "bogus"}).content.decode()
    assert "Select a valid choice." in content
    assert content.index("Película 00") < content.index("Película 01")


def test_ranking_flags_disagreement(staff_client, edition):
    round_ = RoundFactory(edition=edition)
    project = submitted_project(call__edition=edition, original_title="Discordia")
    review(round_, JuryMemberFactory(edition=edition), project, "9")
    review(round_, JuryMemberFactory(edition=edition), project, "2")
    content = staff_client.get(
        reverse("juries:staff_ranking", kwargs={"pk": round_.pk})
    ).content.decode()
    assert "Disagreement</span>" in content


def test_ranking_page_queries_do_not_grow(staff_client, edition):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    round_ = RoundFactory(edition=edition, kind=RoundKind.FINAL)
    jurors = [JuryMemberFactory(edition=edition) for _ in range(3)]
    url = reverse("juries:staff_ranking", kwargs={"pk": round_.pk})

    def add_projects(count):
        for number in range(count):
            project = submitted_project(call__edition=edition)
            ProjectCompanyFactory(project=project)
            for juror in jurors:
                review(round_, juror, project, str(5 + number % 4))

    counts = []
    for count in (2, 6):
        add_projects(count)
        staff_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_reviews_export_has_every_review_and_neutralises_formulas(staff_client, edition):
    round_ = RoundFactory(edition=edition)
    project = submitted_project(call__edition=edition, original_title="=HYPERLINK(1)")
    review(
        round_,
        JuryMemberFactory(edition=edition, user__full_name="Ana Uno"),
        project,
        "7",
        note="Beautiful light.",
        feedback="Tighten the second act.",
    )
    response = staff_client.get(reverse("juries:staff_reviews_csv", kwargs={"pk": round_.pk}))
    assert response["Content-Disposition"].endswith('-reviews.csv"')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2
    line = rows[1]
    assert "'=HYPERLINK(1)" in line
    assert "Ana Uno" in line
    assert "Beautiful light." in line
    assert "Tighten the second act." in line


def test_ranking_export_follows_the_filters(staff_client, ranked):
    round_, _projects = ranked
    response = staff_client.get(
        reverse("juries:staff_ranking_csv", kwargs={"pk": round_.pk}), {"country": "PE"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    titles = [row[2] for row in rows[1:]]
    assert titles == [f"Película {number:02d}" for number in range(0, 14, 2)]


def test_shortlist_into_the_next_round(staff_client, ranked, edition):
    round_, projects = ranked
    round_.kind = RoundKind.PRESELECTION
    round_.save()
    final = RoundFactory(edition=edition, number=round_.number + 1, kind=RoundKind.FINAL)
    response = staff_client.post(
        reverse("juries:staff_shortlist", kwargs={"pk": round_.pk}),
        {"target": final.pk, "projects": [projects[0].pk, projects[1].pk]},
    )
    assert response.status_code == 302
    assert set(RoundProject.objects.filter(round=final).values_list("project", flat=True)) == {
        projects[0].pk,
        projects[1].pk,
    }


def test_shortlist_without_projects_is_refused(staff_client, ranked, edition):
    round_, _projects = ranked
    final = RoundFactory(edition=edition, number=round_.number + 1)
    response = staff_client.post(
        reverse("juries:staff_shortlist", kwargs={"pk": round_.pk}),
        {"target": final.pk},
        follow=True,
    )
    assert "Tick the projects to shortlist." in response.content.decode()
    assert not RoundProject.objects.filter(round=final).exists()


# --- Selection --------------------------------------------------------------------------


def place(client, edition, project, session, kind="selected", version=None, **extra):
    if version is None:
        selection = Selection.objects.filter(edition=edition).first()
        version = selection.version if selection else 0
    return client.post(
        reverse("juries:staff_place", kwargs={"edition_pk": edition.pk}),
        {"project": project.pk, "session": session.pk, "kind": kind, "version": version, **extra},
        follow=True,
    )


def test_propose_fills_both_sessions_then_staff_adjust_and_lock(
    staff_client, edition, ranked, sessions
):
    _round, projects = ranked
    url = reverse("juries:staff_selection", kwargs={"edition_pk": edition.pk})
    staff_client.post(
        reverse("juries:staff_propose", kwargs={"edition_pk": edition.pk}), {"version": 0}
    )
    toulouse, lima = sessions
    selected = Placement.objects.filter(kind=PlacementKind.SELECTED)
    assert selected.filter(session=toulouse).count() == 6
    assert selected.filter(session=lima).count() == 6
    assert Placement.objects.filter(kind=PlacementKind.WAITLIST).count() == 2
    # Even projects prefer Toulouse: the first six of them are selected there.
    assert set(selected.filter(session=toulouse).values_list("project", flat=True)) == {
        project.pk for project in projects[0:12:2]
    }
    content = staff_client.get(url).content.decode()
    assert "Película 00" in content
    assert "Places: 6 · free: 0" in content
    # Staff move a waitlisted film into Lima in place of a selected one.
    waitlisted = Placement.objects.filter(kind=PlacementKind.WAITLIST).first().project
    removed = selected.filter(session=lima).first().project
    response = staff_client.post(
        reverse("juries:staff_unplace", kwargs={"edition_pk": edition.pk}),
        {"project": removed.pk, "version": Selection.objects.get().version, "reason": "Finished"},
        follow=True,
    )
    assert "is no longer placed" in response.content.decode()
    place(staff_client, edition, waitlisted, lima, reason="Stronger cut")
    assert Placement.objects.get(project=waitlisted).kind == PlacementKind.SELECTED
    assert Decision.objects.filter(project=waitlisted, reason="Stronger cut").exists()
    staff_client.post(
        reverse("juries:staff_lock", kwargs={"edition_pk": edition.pk}),
        {"version": Selection.objects.get().version},
    )
    waitlisted.refresh_from_db()
    removed.refresh_from_db()
    assert (waitlisted.status, waitlisted.selected_session) == (ProjectStatus.SELECTED, lima)
    assert removed.status == ProjectStatus.NOT_SELECTED
    content = staff_client.get(url).content.decode()
    assert "Locked on" in content
    response = place(staff_client, edition, removed, lima, kind="waitlist")
    assert "The selection is locked: it can no longer change." in response.content.decode()
    assert not Placement.objects.filter(project=removed).exists()


def test_a_full_session_refuses_a_seventh_film(staff_client, edition, ranked, sessions):
    _round, projects = ranked
    toulouse = sessions[0]
    for project in projects[:6]:
        place(staff_client, edition, project, toulouse)
    response = place(staff_client, edition, projects[6], toulouse)
    assert "Toulouse has 6 places and they are all taken." in response.content.decode()
    assert Placement.objects.filter(session=toulouse).count() == 6


def test_a_stale_page_cannot_overwrite_another_staff_members_change(
    staff_client, edition, ranked, sessions
):
    _round, projects = ranked
    place(staff_client, edition, projects[0], sessions[0], version=0)
    response = place(staff_client, edition, projects[1], sessions[1], version=0)
    assert "Someone else changed the selection" in response.content.decode()
    assert not Placement.objects.filter(project=projects[1]).exists()


def test_propose_without_reviews_says_so(staff_client, edition, sessions):
    response = staff_client.post(
        reverse("juries:staff_propose", kwargs={"edition_pk": edition.pk}),
        {"version": 0},
        follow=True,
    )
    assert "There is no round whose ranking could be used yet." in response.content.decode()
    assert not Placement.objects.exists()
