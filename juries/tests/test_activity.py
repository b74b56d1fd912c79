"""The edition's activity log as the jury and the selection write it: assignments by hand
and automatic, their publication, every placement and the lock, the results and the
producers' answers, offers from the waiting list, withdrawals and publications. Each
entry says who, what changed and about which project."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions import activity
from editions.models import ActivityLog
from editions.tests.factories import SessionFactory
from juries import mails, publication, results, services
from juries.assignment import propose_assignment
from juries.models import (
    Answer,
    Assignment,
    Decision,
    Phase,
    PlacementKind,
    ResultNotice,
    Round,
)
from juries.tests.factories import JuryMemberFactory, RoundFactory, submitted_project
from outbox.models import Mail
from submissions import services as submission_services
from submissions.models import ProjectStatus

pytestmark = pytest.mark.django_db


def entries(action, **filters):
    return list(ActivityLog.objects.filter(action=action, **filters).order_by("pk"))


def only(action, **filters):
    found = entries(action, **filters)
    assert len(found) == 1, found
    return found[0]


def words(log):
    """The entry's changes as the activity page shows them."""
    return [
        f"{row['label']}: {row['value']}"
        if "value" in row
        else f"{row['label']}: {row['before']} → {row['after']}"
        for row in activity.describe(log, log.edition.tz)
    ]


def is_about(log, model):
    return log.subject_type == ContentType.objects.get_for_model(model)


# --- Assignments ------------------------------------------------------------------------


@pytest.fixture
def round_(edition, call):
    member = JuryMemberFactory(
        edition=edition, user=UserFactory(full_name="Julio Jurado", password=None)
    )
    round_ = RoundFactory(
        edition=edition,
        name="Pre-selection",
        phase=Phase.SETUP,
        assignments_published_at=None,
        members=[member],
    )
    return round_


def in_round(round_, call, title, status=ProjectStatus.SUBMITTED):
    project = submitted_project(call=call, original_title=title, status=status)
    round_.entries.create(project=project)
    return project


def test_assigning_by_hand_is_recorded_once(round_, call, staff):
    project = in_round(round_, call, "Los ríos")
    member = round_.members.get()

    assignment = services.assign(round_=round_, member=member, project=project, by=staff)
    services.assign(round_=round_, member=member, project=project, by=staff)  # already

    log = only("jury.assigned")
    assert log.actor == staff
    assert log.edition_id == round_.edition_id
    assert log.project_id == project.pk
    assert is_about(log, Assignment) and log.subject_id == assignment.pk
    assert log.subject_label == "Los ríos"
    assert log.changes == {"member": [None, "Julio Jurado"], "round": "Pre-selection"}
    assert words(log) == ["Juror: — → Julio Jurado", "Round: Pre-selection"]


def test_unassigning_is_recorded_with_the_juror(round_, call, staff):
    project = in_round(round_, call, "Los ríos")
    assignment = services.assign(
        round_=round_, member=round_.members.get(), project=project, by=staff
    )
    other = UserFactory(full_name="Otra Staff")
    assignment_id = assignment.pk

    services.unassign(assignment=assignment, by=other)

    log = only("jury.unassigned")
    assert log.actor == other
    assert log.project_id == project.pk
    assert log.subject_id == assignment_id
    assert log.changes == {"member": ["Julio Jurado", None], "round": "Pre-selection"}


def test_an_automatic_assignment_and_its_publication_are_recorded(edition, call, round_, staff):
    second = JuryMemberFactory(edition=edition, user=UserFactory(full_name="Ana Jurada"))
    round_.members.add(second)
    round_.reviews_per_project = 2
    round_.save()
    projects = [in_round(round_, call, title) for title in ("Los ríos", "Niebla", "Cerro")]

    propose_assignment(round_=round_, by=staff)

    proposed = only("jury.proposed")
    assert proposed.actor == staff
    assert is_about(proposed, Round) and proposed.subject_id == round_.pk
    assert proposed.project_id is None
    assert proposed.changes == {
        "created": 6,
        "removed": 0,
        "kept": 0,
        "reviews_per_project": 2,
    }
    assert "Reviews per project: 2" in words(proposed)

    services.publish_assignments(round_=round_, by=staff)
    services.publish_assignments(round_=round_, by=staff)  # shown already: nothing new

    published = entries("jury.published")
    summary = [log for log in published if log.project_id is None]
    per_project = {log.project_id: log for log in published if log.project_id}
    assert len(summary) == 1
    assert summary[0].changes == {"assignments": 6, "projects": 3}
    assert set(per_project) == {project.pk for project in projects}
    assert per_project[projects[0].pk].changes == {
        "round": "Pre-selection",
        "jurors": "Ana Jurada, Julio Jurado",
    }
    assert all(log.actor == staff for log in published)
    # Their applications went under review, each change recorded.
    statuses = entries("project.status")
    assert {log.project_id for log in statuses} == {project.pk for project in projects}
    assert statuses[0].changes == {"status": ["submitted", "under_review"]}
    assert words(statuses[0]) == ["Status: Submitted → Under review"]


# --- The selection ----------------------------------------------------------------------


@pytest.fixture
def sessions(edition):
    toulouse = SessionFactory(edition=edition, city="Toulouse", country="FR", places=2)
    lima = SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        places=1,
        starts_on=dt.date(edition.year, 8, 10),
        ends_on=dt.date(edition.year, 8, 12),
    )
    return toulouse, lima


@pytest.fixture
def films(call, producer):
    return {
        "rios": submitted_project(call=call, original_title="Los ríos", owner=producer),
        "niebla": submitted_project(call=call, original_title="Niebla"),
        "cerro": submitted_project(call=call, original_title="La casa del cerro"),
        "espera": submitted_project(call=call, original_title="En espera"),
        "fuera": submitted_project(call=call, original_title="Fuera"),
    }


def place(edition, project, session, kind, by, **kwargs):
    return services.place_project(
        edition=edition, project=project, session=session, kind=kind, by=by, **kwargs
    )


def test_placing_moving_and_removing_are_recorded(edition, sessions, films, staff):
    toulouse, lima = sessions
    rios = films["rios"]

    place(edition, rios, toulouse, PlacementKind.SELECTED, staff, reason="Strong cut.")
    place(edition, rios, lima, PlacementKind.WAITLIST, staff)
    services.remove_placement(edition=edition, project=rios, by=staff, reason="Premiered.")

    placed, moved, removed = (
        only("selection.placed"),
        only("selection.moved"),
        only("selection.removed"),
    )
    for log in (placed, moved, removed):
        assert log.actor == staff
        assert log.project_id == rios.pk
        assert log.subject_label == "Los ríos"
        assert is_about(log, Decision)
    assert placed.changes == {
        "session": [None, "Toulouse"],
        "kind": [None, "selected"],
        "position": [None, 1],
    }
    assert placed.message == "Strong cut."
    assert words(placed) == ["Session: — → Toulouse", "As: — → Selected", "Position: — → 1"]
    assert moved.changes == {"session": ["Toulouse", "Lima"], "kind": ["selected", "waitlist"]}
    assert removed.changes == {
        "session": ["Lima", None],
        "kind": ["waitlist", None],
        "position": [1, None],
    }
    assert removed.message == "Premiered."
    assert Decision.objects.filter(pk=removed.subject_id, action="removed").exists()


def test_applying_a_proposal_records_it_and_each_project_it_changes(
    edition, sessions, films, staff
):
    toulouse, lima = sessions
    place(edition, films["rios"], toulouse, PlacementKind.SELECTED, staff)
    place(edition, films["niebla"], toulouse, PlacementKind.SELECTED, staff)
    place(edition, films["cerro"], lima, PlacementKind.SELECTED, staff)
    ActivityLog.objects.all().delete()

    services.apply_proposal(
        edition=edition,
        proposal=[
            (films["rios"], toulouse, PlacementKind.SELECTED),  # unchanged
            (films["niebla"], lima, PlacementKind.SELECTED),  # moved
            (films["espera"], toulouse, PlacementKind.WAITLIST),  # new
        ],  # cerro is out
        by=staff,
        reason="The ranking's proposal.",
    )

    summary = only("selection.proposed")
    assert summary.actor == staff and summary.project_id is None
    assert summary.changes == {"placements": 3, "selected": 2, "waitlisted": 1}
    assert summary.message == "The ranking's proposal."
    assert only("selection.moved").project_id == films["niebla"].pk
    # From second in Toulouse to first in Lima.
    assert only("selection.moved").changes == {"session": ["Toulouse", "Lima"], "position": [2, 1]}
    assert only("selection.placed").project_id == films["espera"].pk
    assert only("selection.removed").project_id == films["cerro"].pk
    assert not entries("selection.placed", project_id=films["rios"].pk)


@pytest.fixture
def locked(edition, sessions, films, staff):
    toulouse, lima = sessions
    place(edition, films["rios"], toulouse, PlacementKind.SELECTED, staff)
    place(edition, films["niebla"], toulouse, PlacementKind.SELECTED, staff)
    place(edition, films["cerro"], lima, PlacementKind.SELECTED, staff)
    place(edition, films["espera"], toulouse, PlacementKind.WAITLIST, staff)
    services.lock_selection(edition=edition, by=staff, reason="The jury has decided.")
    return edition


def test_locking_records_the_selection_and_each_projects_status(locked, films, staff):
    log = only("selection.locked")
    assert log.actor == staff
    assert log.changes == {"selected": 3, "waitlisted": 1, "not_selected": 1}
    assert log.message == "The jury has decided."
    assert "Not selected: 1" in words(log)

    selected = only("project.status", project_id=films["rios"].pk)
    assert selected.changes == {"status": ["under_review", "selected"], "session": "Toulouse"}
    assert selected.actor == staff
    assert only("project.status", project_id=films["fuera"].pk).changes == {
        "status": ["under_review", "not_selected"]
    }


# --- Results and answers ----------------------------------------------------------------


def notice_of(project):
    return ResultNotice.objects.get(project=project)


def test_sending_a_result_records_it_and_its_mail(locked, films, staff):
    notice = notice_of(films["rios"])

    results.send_notice(notice_id=notice.pk, by=staff)

    log = only("result.sent")
    assert log.actor == staff
    assert log.project_id == films["rios"].pk
    assert is_about(log, ResultNotice) and log.subject_id == notice.pk
    assert log.changes["outcome"] == "selected"
    assert log.changes["session"] == "Toulouse"
    assert "Result: Selected" in words(log)
    mail = Mail.objects.get(kind=mails.SELECTED)
    queued = only(activity.MAIL_QUEUED)
    assert (queued.subject_id, queued.project_id) == (mail.pk, films["rios"].pk)
    # Sending again does nothing, and records nothing.
    results.send_notice(notice_id=notice.pk, by=staff)
    assert len(entries("result.sent")) == 1
    assert len(entries(activity.MAIL_QUEUED)) == 1


@pytest.fixture
def told(locked, staff):
    results.send_results(edition=locked, by=staff)
    return locked


def test_a_confirmed_place_is_recorded_as_the_producers(told, films, producer):
    results.answer_place(
        notice=notice_of(films["rios"]), by=producer, answer=Answer.CONFIRMED, note="Gladly."
    )

    log = only("selection.confirmed")
    assert log.actor == producer
    assert log.project_id == films["rios"].pk
    assert log.changes == {"answer": "confirmed", "session": "Toulouse"}
    assert log.message == "Gladly."
    assert words(log) == ["Answer: Confirmed", "Session: Toulouse"]


def test_a_declined_place_is_recorded_with_the_withdrawal(told, films, producer):
    results.answer_place(notice=notice_of(films["rios"]), by=producer, answer=Answer.DECLINED)

    assert only("selection.declined").actor == producer
    withdrawn = only("project.status", project_id=films["rios"].pk, actor=producer)
    assert withdrawn.changes == {"status": ["selected", "withdrawn"]}
    assert "Toulouse" in withdrawn.message


def test_giving_up_a_lapsed_place_is_recorded(told, films, staff):
    results.mark_lapsed(moment=timezone.now() + dt.timedelta(days=60))
    ActivityLog.objects.all().delete()

    results.give_up_place(notice=notice_of(films["rios"]), by=staff)

    log = only("selection.lapsed")
    assert log.actor == staff
    assert log.project_id == films["rios"].pk
    assert log.changes == {"answer": "lapsed", "session": "Toulouse"}
    assert only("project.status").changes == {"status": ["selected", "not_selected"]}
    assert only(activity.MAIL_QUEUED).project_id == films["rios"].pk


def test_offering_a_free_place_is_recorded(told, films, sessions, producer, staff):
    toulouse, _lima = sessions
    results.answer_place(notice=notice_of(films["rios"]), by=producer, answer=Answer.DECLINED)
    ActivityLog.objects.all().delete()

    results.offer_place(session=toulouse, by=staff)

    log = only("selection.promoted")
    assert log.actor == staff
    assert log.project_id == films["espera"].pk
    assert log.changes["outcome"] == "selected"
    assert log.changes["session"] == "Toulouse"
    assert log.changes["confirm_by"]
    assert only("project.status").changes == {
        "status": ["waitlisted", "selected"],
        "session": "Toulouse",
    }
    assert Mail.objects.get(pk=only(activity.MAIL_QUEUED).subject_id).kind == mails.PLACE_OFFERED


def test_a_placed_project_withdrawn_by_its_producer_leaves_a_trace(
    edition, sessions, films, producer, staff
):
    toulouse, _lima = sessions
    place(edition, films["rios"], toulouse, PlacementKind.SELECTED, staff)

    submission_services.withdraw_project(project=films["rios"], by=producer, reason="Sold.")

    log = only("selection.withdrawn")
    assert log.actor == producer
    assert log.project_id == films["rios"].pk
    assert log.changes == {"session": ["Toulouse", None], "kind": ["selected", None]}
    assert only("project.status", actor=producer).changes == {
        "status": ["under_review", "withdrawn"]
    }


# --- Publication ------------------------------------------------------------------------


def test_scheduling_cancelling_and_publishing_are_recorded(locked, sessions, staff):
    toulouse, _lima = sessions
    first = (timezone.now() + dt.timedelta(days=2)).replace(microsecond=0)
    later = first + dt.timedelta(days=1)

    publication.schedule_publication(session=toulouse, by=staff, at=first)
    publication.schedule_publication(session=toulouse, by=staff, at=later)
    publication.cancel_publication(session=toulouse, by=staff)

    scheduled = entries("publication.scheduled")
    assert [log.changes["publish_at"] for log in scheduled] == [
        [None, first.isoformat().replace("+00:00", "Z")],
        [first.isoformat().replace("+00:00", "Z"), later.isoformat().replace("+00:00", "Z")],
    ]
    assert all(log.actor == staff and log.subject_label == "Toulouse" for log in scheduled)
    assert only("publication.cancelled").changes["publish_at"][1] is None
    # In the edition's time zone (Paris), as the festival announces it.
    local = timezone.localtime(first, locked.tz).strftime("%Y-%m-%d %H:%M")
    assert f"Public from: — → {local}" in words(scheduled[0])


def test_the_portal_publishes_at_the_moment_and_staff_withdraw(locked, sessions, staff):
    toulouse, lima = sessions
    moment = timezone.now() + dt.timedelta(days=2)
    publication.schedule_publication(session=toulouse, by=staff, at=moment)

    publication.publish_due(moment=moment + dt.timedelta(seconds=1))
    publication.schedule_publication(session=lima, by=staff)  # now
    publication.withdraw_publication(session=toulouse, by=staff)

    by_portal, by_staff = entries("publication.published")
    assert (by_portal.actor, by_portal.subject_label) == (None, "Toulouse")
    assert (by_staff.actor, by_staff.subject_label) == (staff, "Lima")
    assert activity.who(by_portal) == "The portal"
    withdrawn = only("publication.withdrawn")
    assert withdrawn.actor == staff and withdrawn.changes["publish_at"][1] is None


# --- On the pages -----------------------------------------------------------------------


def test_the_editions_activity_page_tells_the_selection_in_words(staff_client, told, films):
    response = staff_client.get(reverse("editions:staff_activity", kwargs={"pk": told.pk}))
    content = response.content.decode()

    assert "Selection locked" in content
    assert "Placed in the selection" in content
    assert "As: — → Selected" in content
    assert "Result sent" in content
    assert "Status: Under review → Waitlisted" in content
    assert "Sofía Staff" in content


def test_a_projects_page_lists_its_jury_and_selection_activity(staff_client, told, films):
    project = films["espera"]
    response = staff_client.get(reverse("submissions:staff_project", kwargs={"pk": project.pk}))
    content = response.content.decode()

    actions = [line.entry.action for line in response.context["activity_lines"]]
    assert set(actions) == {"selection.placed", "project.status", "result.sent", "mail.queued"}
    assert all(line.entry.project_id == project.pk for line in response.context["activity_lines"])
    assert "Place offered from the waiting list" not in content
    assert "Result: Waitlisted" in content
