"""Result notifications (juries/results.py): drafts at the lock, staff's review and bulk
sending in each producer's language, the producer's page changing when theirs is sent,
confirmation by a deadline, a decline or silence freeing the place, and the offer to the
first film of that session's waiting list once staff approve."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from editions.tests.factories import SessionFactory
from juries import mails, publication, results, services
from juries.models import (
    Answer,
    DecisionAction,
    Placement,
    PlacementKind,
    ResultNotice,
    ResultOutcome,
    Selection,
)
from juries.tests.factories import ReviewFactory, RoundFactory, submitted_project
from outbox.models import Mail
from submissions.models import ProjectStatus

pytestmark = pytest.mark.django_db


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


def producer_in(language, name):
    return UserFactory(language=language, full_name=name, email=f"{name.lower()}@example.org")


@pytest.fixture
def films(call, producer):
    return {
        "rios": submitted_project(call=call, original_title="Los ríos", owner=producer),
        "niebla": submitted_project(
            call=call, original_title="Niebla", owner=producer_in("es", "Lucía")
        ),
        "cerro": submitted_project(
            call=call, original_title="La casa del cerro", owner=producer_in("fr", "Claire")
        ),
        "espera": submitted_project(
            call=call, original_title="En espera", owner=producer_in("pt", "João")
        ),
        "otra": submitted_project(
            call=call, original_title="Otra espera", owner=producer_in("en", "Sam")
        ),
        "fuera": submitted_project(
            call=call, original_title="Fuera", owner=producer_in("es", "Pablo")
        ),
    }


@pytest.fixture
def locked(edition, sessions, films, staff):
    toulouse, lima = sessions
    for project, session, kind in [
        (films["rios"], toulouse, PlacementKind.SELECTED),
        (films["niebla"], toulouse, PlacementKind.SELECTED),
        (films["cerro"], lima, PlacementKind.SELECTED),
        (films["espera"], toulouse, PlacementKind.WAITLIST),
        (films["otra"], toulouse, PlacementKind.WAITLIST),
    ]:
        services.place_project(
            edition=edition, project=project, session=session, kind=kind, by=staff
        )
    services.lock_selection(edition=edition, by=staff)
    return edition


def notice_of(project) -> ResultNotice:
    return ResultNotice.objects.get(project=project)


def refresh(project):
    project.refresh_from_db()
    return project


def result_mails(project):
    return Mail.objects.filter(recipient=project.owner, kind__startswith="juries.")


# --- Drafts -----------------------------------------------------------------------------


def test_locking_drafts_a_result_for_every_applicant(locked, films, sessions):
    toulouse, lima = sessions
    notices = {n.project_id: n for n in ResultNotice.objects.filter(edition=locked)}

    assert len(notices) == 6
    assert notices[films["rios"].pk].outcome == ResultOutcome.SELECTED
    assert notices[films["rios"].pk].session == toulouse
    assert notices[films["cerro"].pk].session == lima
    assert notices[films["espera"].pk].outcome == ResultOutcome.WAITLISTED
    assert notices[films["espera"].pk].waitlist_position == 1
    assert notices[films["otra"].pk].waitlist_position == 2
    assert notices[films["fuera"].pk].outcome == ResultOutcome.NOT_SELECTED
    assert all(not notice.is_sent for notice in notices.values())
    # Nothing is told yet: no mail, and producers still see "under review".
    assert not Mail.objects.filter(kind__startswith="juries.result").exists()
    assert refresh(films["rios"]).status_for_producer == ProjectStatus.UNDER_REVIEW


def test_drafting_again_adds_nothing(locked):
    assert results.draft_results(edition=locked) == 0
    assert ResultNotice.objects.filter(edition=locked).count() == 6


def test_drafts_need_a_locked_selection(edition, films):
    with pytest.raises(ValidationError) as error:
        results.draft_results(edition=edition)
    assert error.value.code == "not_locked"


def test_the_jurors_feedback_is_gathered_unsigned_for_the_draft(edition, call, sessions, staff):
    round_ = RoundFactory(edition=edition)
    out = submitted_project(call=call, original_title="Fuera")
    chosen = submitted_project(call=call, original_title="Dentro")
    ReviewFactory(
        assignment__round=round_, assignment__project=out, producer_feedback="Strong sound."
    )
    ReviewFactory(
        assignment__round=round_, assignment__project=out, producer_feedback="Tighten act two."
    )
    ReviewFactory(
        assignment__round=round_,
        assignment__project=out,
        producer_feedback="A draft, never submitted.",
        status="draft",
        submitted_at=None,
    )
    services.place_project(
        edition=edition, project=chosen, session=sessions[0], kind="selected", by=staff
    )
    services.lock_selection(edition=edition, by=staff)

    notice = notice_of(out)

    assert notice.feedback == "Strong sound.\n\nTighten act two."
    assert not notice.include_feedback


# --- Sending ----------------------------------------------------------------------------


def test_sending_tells_each_producer_in_their_language_once(locked, films, staff):
    sent = results.send_results(edition=locked, by=staff)

    assert sent == 6
    niebla = result_mails(films["niebla"]).get()
    assert niebla.language == "es"
    assert niebla.kind == mails.SELECTED
    assert "Niebla" in niebla.subject
    assert "Toulouse" in niebla.body_text
    cerro = result_mails(films["cerro"]).get()
    assert cerro.language == "fr"
    assert "Lima" in cerro.body_text
    espera = result_mails(films["espera"]).get()
    assert espera.kind == mails.WAITLISTED
    assert espera.language == "pt"
    assert "1" in espera.body_text
    assert result_mails(films["fuera"]).get().kind == mails.NOT_SELECTED
    assert result_mails(films["rios"]).get().scope == f"programme:{locked.programme_id}"
    # The producers' pages show the decision now.
    assert refresh(films["rios"]).status_for_producer == ProjectStatus.SELECTED
    assert refresh(films["fuera"]).status_for_producer == ProjectStatus.NOT_SELECTED

    # Sending again, or one that is sent, sends nothing more.
    assert results.send_results(edition=locked, by=staff) == 0
    assert not results.send_notice(notice_id=notice_of(films["rios"]).pk, by=staff)
    assert Mail.objects.filter(kind__startswith="juries.result").count() == 6


def test_results_can_go_by_outcome_and_one_at_a_time(locked, films, staff):
    assert results.send_results(edition=locked, by=staff, outcome=ResultOutcome.SELECTED) == 3
    assert refresh(films["fuera"]).status_for_producer == ProjectStatus.UNDER_REVIEW
    assert not result_mails(films["fuera"]).exists()

    assert results.send_notice(notice_id=notice_of(films["fuera"]).pk, by=staff)
    assert refresh(films["fuera"]).status_for_producer == ProjectStatus.NOT_SELECTED


def test_a_selected_producer_is_given_a_deadline_in_the_editions_time_zone(locked, films, staff):
    Selection.objects.filter(edition=locked).update(confirm_days=10)
    moment = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)

    results.send_notice(notice_id=notice_of(films["rios"]).pk, by=staff, moment=moment)

    deadline = notice_of(films["rios"]).confirm_by
    local = timezone.localtime(deadline, locked.tz)
    assert (local.date(), local.hour, local.minute) == (dt.date(2027, 2, 11), 23, 59)
    assert "11" in result_mails(films["rios"]).get().body_text


def test_feedback_goes_only_when_chosen(locked, films, staff):
    notice = notice_of(films["fuera"])
    results.save_notice(
        notice=notice, feedback="Beautiful images.", include_feedback=False, by=staff
    )
    results.send_notice(notice_id=notice.pk, by=staff)
    assert "Beautiful images." not in result_mails(films["fuera"]).get().body_text


def test_feedback_chosen_goes_with_the_result(locked, films, staff):
    notice = notice_of(films["fuera"])
    results.save_notice(
        notice=notice, feedback="Beautiful images.", include_feedback=True, by=staff
    )
    results.send_notice(notice_id=notice.pk, by=staff)
    assert "Beautiful images." in result_mails(films["fuera"]).get().body_text


def test_feedback_chosen_but_empty_is_refused(locked, films, staff):
    with pytest.raises(ValidationError) as error:
        results.save_notice(
            notice=notice_of(films["fuera"]), feedback="  ", include_feedback=True, by=staff
        )
    assert "feedback" in error.value.message_dict


def test_a_sent_result_no_longer_changes(locked, films, staff):
    notice = notice_of(films["fuera"])
    results.send_notice(notice_id=notice.pk, by=staff)
    with pytest.raises(ValidationError):
        results.save_notice(notice=notice, feedback="Late.", include_feedback=True, by=staff)


def test_the_editions_own_wording_is_used(locked, films, staff):
    from editions.services import save_mail_template

    save_mail_template(
        edition=locked,
        code=mails.SELECTED,
        language="es",
        subject="¡{{ project_title }} va a {{ session_city }}!",
        body="Hola {{ producer_name }}: confirma antes del {{ confirm_by }}.",
        by=staff,
    )

    results.send_results(edition=locked, by=staff)

    mail = result_mails(films["niebla"]).get()
    assert mail.subject == "¡Niebla va a Toulouse!"
    assert mail.body_text.startswith("Hola Lucía: confirma antes del ")
    # The French producer gets the default French wording.
    assert "Lima" in result_mails(films["cerro"]).get().body_text


# --- The producer's answer --------------------------------------------------------------


@pytest.fixture
def told(locked, staff):
    results.send_results(edition=locked, by=staff)
    return locked


def test_the_producer_confirms_on_their_page(told, films, producer_client):
    project = films["rios"]
    page = producer_client.get(project.get_absolute_url())
    assert b"participation-card" in page.content
    url = reverse("participation:answer", args=[notice_of(project).pk])

    response = producer_client.post(url, {"answer": "confirmed"})

    assert response.status_code == 302
    notice = notice_of(project)
    assert notice.answer == Answer.CONFIRMED
    assert notice.answered_at is not None
    assert (
        "confirmed your participation"
        in producer_client.get(project.get_absolute_url()).content.decode()
    )


def test_no_answer_panel_before_the_result_is_sent(locked, films, producer_client):
    page = producer_client.get(films["rios"].get_absolute_url())
    assert b"participation-card" not in page.content
    assert b"Selected" not in page.content


def test_declining_frees_the_place(told, films, producer):
    notice = results.answer_place(
        notice=notice_of(films["rios"]), by=producer, answer="declined", note="No copy in time."
    )

    assert notice.answer == Answer.DECLINED
    assert refresh(films["rios"]).status == ProjectStatus.WITHDRAWN
    assert not Placement.objects.filter(project=films["rios"]).exists()
    assert [p["free"] for p in results.free_places(told)] == [1, 0]
    selection = Selection.objects.get(edition=told)
    declined = selection.decisions.filter(action=DecisionAction.DECLINED).get()
    assert declined.reason == "No copy in time."
    # The other selected film moved up to the first position.
    assert Placement.objects.get(project=films["niebla"]).position == 0


def test_only_the_producer_answers(told, films, client, other_staff, staff):
    notice = notice_of(films["rios"])
    with pytest.raises(PermissionDenied):
        results.answer_place(notice=notice, by=staff, answer="confirmed")
    url = reverse("participation:answer", args=[notice.pk])
    client.force_login(producer_in("en", "Other"))
    assert client.post(url, {"answer": "declined"}).status_code == 404
    client.force_login(staff)
    assert client.post(url, {"answer": "declined"}).status_code == 404
    client.logout()
    assert client.post(url, {"answer": "declined"}).status_code == 302  # to sign in
    assert notice_of(films["rios"]).answer == Answer.NONE
    assert Placement.objects.filter(project=films["rios"]).exists()


def test_a_waitlisted_or_unsent_result_cannot_be_answered(locked, films, producer, client):
    with pytest.raises(ValidationError):
        results.answer_place(notice=notice_of(films["rios"]), by=producer, answer="confirmed")
    owner = films["espera"].owner
    results.send_results(edition=locked)
    with pytest.raises(ValidationError):
        results.answer_place(notice=notice_of(films["espera"]), by=owner, answer="confirmed")


def test_a_bad_answer_is_refused_with_a_message(told, films, producer_client):
    url = reverse("participation:answer", args=[notice_of(films["rios"]).pk])
    response = producer_client.post(url, {"answer": "maybe"}, follow=True)
    assert "Confirm or decline the place." in response.content.decode()
    assert notice_of(films["rios"]).answer == Answer.NONE


def test_answering_twice_is_refused(told, films, producer):
    results.answer_place(notice=notice_of(films["rios"]), by=producer, answer="confirmed")
    with pytest.raises(ValidationError) as error:
        results.answer_place(notice=notice_of(films["rios"]), by=producer, answer="declined")
    assert error.value.code == "not_awaiting"
    assert Placement.objects.filter(project=films["rios"]).exists()


# --- Silence, and offers from the waiting list ------------------------------------------


def test_silence_past_the_deadline_marks_the_place_lapsed(told, films):
    deadline = notice_of(films["rios"]).confirm_by

    assert results.mark_lapsed(moment=deadline - dt.timedelta(minutes=1)) == 0
    assert results.mark_lapsed(moment=deadline + dt.timedelta(minutes=1)) == 3
    assert notice_of(films["rios"]).answer == Answer.LAPSED
    # Nothing else changes until staff decide: a late confirmation still counts.
    assert Placement.objects.filter(project=films["rios"], kind="selected").exists()
    results.answer_place(
        notice=notice_of(films["rios"]), by=films["rios"].owner, answer="confirmed"
    )
    assert notice_of(films["rios"]).answer == Answer.CONFIRMED


def test_staff_give_up_a_lapsed_place_and_its_producer_is_told(told, films, staff):
    results.mark_lapsed(moment=notice_of(films["rios"]).confirm_by + dt.timedelta(hours=1))

    results.give_up_place(notice=notice_of(films["rios"]), by=staff)

    assert refresh(films["rios"]).status == ProjectStatus.NOT_SELECTED
    assert not Placement.objects.filter(project=films["rios"]).exists()
    assert result_mails(films["rios"]).filter(kind=mails.PLACE_LAPSED).count() == 1
    # A place confirmed, even late, is not given up.
    niebla = films["niebla"]
    results.answer_place(notice=notice_of(niebla), by=niebla.owner, answer="confirmed")
    with pytest.raises(ValidationError):
        results.give_up_place(notice=notice_of(films["niebla"]), by=staff)


def test_a_free_place_goes_to_the_first_on_the_waitlist_once_staff_approve(
    told, films, sessions, producer, staff
):
    toulouse, _lima = sessions
    results.answer_place(notice=notice_of(films["rios"]), by=producer, answer="declined")
    # Nothing happens before staff approve.
    assert refresh(films["espera"]).status == ProjectStatus.WAITLISTED

    notice = results.offer_place(session=toulouse, by=staff)

    espera = refresh(films["espera"])
    assert notice.project == espera
    assert espera.status == ProjectStatus.SELECTED
    assert espera.selected_session == toulouse
    assert espera.status_for_producer == ProjectStatus.SELECTED
    placement = Placement.objects.get(project=espera)
    assert (placement.kind, placement.position) == (PlacementKind.SELECTED, 1)
    assert Placement.objects.get(project=films["otra"]).position == 0
    assert notice.answer == Answer.NONE
    assert notice.confirm_by > timezone.now()
    offer = result_mails(espera).get(kind=mails.PLACE_OFFERED)
    assert offer.language == "pt"
    assert "Toulouse" in offer.body_text
    # The promoted producer can now confirm.
    results.answer_place(notice=notice, by=espera.owner, answer="confirmed")
    # The session is full again.
    with pytest.raises(ValidationError) as error:
        results.offer_place(session=toulouse, by=staff)
    assert error.value.code == "no_free_place"


def test_an_offer_needs_someone_waiting(told, films, sessions, staff):
    _toulouse, lima = sessions
    results.answer_place(
        notice=notice_of(films["cerro"]), by=films["cerro"].owner, answer="declined"
    )
    with pytest.raises(ValidationError) as error:
        results.offer_place(session=lima, by=staff)
    assert error.value.code == "waitlist_empty"


def test_a_promoted_film_appears_on_the_published_session_page(
    told, films, sessions, staff, client
):
    toulouse, _lima = sessions
    publication.schedule_publication(session=toulouse, by=staff)
    results.answer_place(notice=notice_of(films["rios"]), by=films["rios"].owner, answer="declined")
    results.offer_place(session=toulouse, by=staff)

    titles = [film.original_title for film in publication.session_films(toulouse)]

    assert titles == ["Niebla", "En espera"]


def test_an_offer_before_the_waitlisted_result_was_sent_tells_the_result(
    locked, films, sessions, staff
):
    toulouse, _lima = sessions
    results.send_results(edition=locked, by=staff, outcome=ResultOutcome.SELECTED)
    results.answer_place(notice=notice_of(films["rios"]), by=films["rios"].owner, answer="declined")

    results.offer_place(session=toulouse, by=staff)

    espera = notice_of(films["espera"])
    assert espera.is_sent
    assert result_mails(films["espera"]).count() == 1  # the offer, not also "waitlisted"
    # The remaining waitlisted draft moved up.
    assert notice_of(films["otra"]).waitlist_position == 1
    results.send_results(edition=locked, by=staff)
    assert result_mails(films["espera"]).count() == 1


# --- The staff's pages ------------------------------------------------------------------


def results_url(edition):
    return reverse("juries:staff_results", kwargs={"edition_pk": edition.pk})


def test_staff_review_the_drafts_and_send_them(
    locked, films, staff_client, django_capture_on_commit_callbacks
):
    page = staff_client.get(results_url(locked))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Los ríos" in body and "Fuera" in body

    notice = notice_of(films["niebla"])
    detail = staff_client.get(reverse("juries:staff_result", args=[notice.pk]))
    assert detail.status_code == 200
    # The draft as it will go, in Spanish.
    assert "Niebla" in detail.context["subject"]
    assert "Lucía" in detail.context["text"]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("juries:staff_results_send", kwargs={"edition_pk": locked.pk}),
            {"send-outcome": ""},
            follow=True,
        )

    assert response.status_code == 200
    assert "6 results are being sent" in response.content.decode()
    assert ResultNotice.objects.filter(edition=locked, sent_at__isnull=True).count() == 0
    assert Mail.objects.filter(kind__startswith="juries.result").count() == 6


def test_staff_choose_the_feedback_on_a_draft(locked, films, staff_client):
    notice = notice_of(films["fuera"])
    url = reverse("juries:staff_result", args=[notice.pk])

    refused = staff_client.post(url, {"feedback": "", "include_feedback": "on"})
    assert refused.status_code == 200
    assert "Write the feedback to send" in refused.content.decode()

    staff_client.post(url, {"feedback": "Fine work.", "include_feedback": "on"})
    notice.refresh_from_db()
    assert (notice.feedback, notice.include_feedback) == ("Fine work.", True)
    assert "Fine work." in staff_client.get(url).context["text"]


def test_include_every_feedback_at_once(locked, films, staff_client):
    ResultNotice.objects.filter(project=films["fuera"]).update(feedback="Keep going.")
    staff_client.post(
        reverse("juries:staff_results_feedback", kwargs={"edition_pk": locked.pk}),
        {"include": "1"},
    )
    assert notice_of(films["fuera"]).include_feedback


def test_staff_offer_a_place_from_the_page(told, films, sessions, staff_client, producer):
    toulouse, _lima = sessions
    results.answer_place(notice=notice_of(films["rios"]), by=producer, answer="declined")
    page = staff_client.get(results_url(told)).content.decode()
    assert "Offer the place to “En espera”" in page

    staff_client.post(reverse("juries:staff_offer_place", args=[toulouse.pk]))

    assert refresh(films["espera"]).status == ProjectStatus.SELECTED


def test_results_pages_are_for_the_editions_staff(
    locked, films, sessions, client, other_staff, producer
):
    notice = notice_of(films["rios"])
    urls = [
        ("get", results_url(locked)),
        ("get", reverse("juries:staff_result", args=[notice.pk])),
        ("post", reverse("juries:staff_results_send", kwargs={"edition_pk": locked.pk})),
        ("post", reverse("juries:staff_result_send", args=[notice.pk])),
        ("post", reverse("juries:staff_result_give_up", args=[notice.pk])),
        ("post", reverse("juries:staff_offer_place", args=[sessions[0].pk])),
        ("post", reverse("juries:staff_results_feedback", kwargs={"edition_pk": locked.pk})),
    ]
    for method, url in urls:
        client.logout()
        assert getattr(client, method)(url).status_code == 302, url
        client.force_login(producer)
        assert getattr(client, method)(url).status_code == 403, url
        client.force_login(other_staff)
        assert getattr(client, method)(url).status_code == 404, url
    assert not ResultNotice.objects.filter(sent_at__isnull=False).exists()
    assert not Mail.objects.filter(kind__startswith="juries.result").exists()


def test_the_results_page_queries_do_not_grow_with_the_applicants(
    edition, call, sessions, staff, staff_client
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(results_url(edition)).status_code == 200
        return len(queries)

    chosen = submitted_project(call=call)
    services.place_project(
        edition=edition, project=chosen, session=sessions[0], kind="selected", by=staff
    )
    for _number in range(3):
        submitted_project(call=call)
    services.lock_selection(edition=edition, by=staff)
    few = count()
    for _number in range(15):
        project = submitted_project(call=call, status=ProjectStatus.NOT_SELECTED)
        ResultNotice.objects.create(edition=edition, project=project, outcome="not_selected")

    assert count() == few


def test_the_sending_task_delivered_twice_sends_each_result_once(locked, staff):
    from juries import tasks

    assert tasks.task_send_results(edition_id=locked.pk, by_id=staff.pk) == 6
    assert tasks.task_send_results(edition_id=locked.pk, by_id=staff.pk) == 0
    assert Mail.objects.filter(kind__startswith="juries.result").count() == 6
    assert tasks.task_send_results(edition_id=0) == 0


def test_the_lapse_task_marks_places_past_their_deadline(told, films):
    from juries import tasks

    ResultNotice.objects.filter(project=films["rios"]).update(
        confirm_by=timezone.now() - dt.timedelta(minutes=5)
    )
    assert tasks.task_mark_lapsed_places() == 1
    assert notice_of(films["rios"]).answer == Answer.LAPSED


def test_queueing_with_nothing_left_to_send_is_refused(told, staff):
    with pytest.raises(ValidationError) as error:
        results.queue_sending(edition=told, by=staff)
    assert error.value.code == "nothing_to_send"


def test_a_selected_project_withdrawn_by_its_producer_frees_its_place(told, films, producer):
    from submissions.services import withdraw_project

    withdraw_project(project=films["rios"], by=producer, reason="Sold to a platform.")

    assert not Placement.objects.filter(project=films["rios"]).exists()
    assert notice_of(films["rios"]).answer == Answer.DECLINED
    assert [p["free"] for p in results.free_places(told)] == [1, 0]
    selection = Selection.objects.get(edition=told)
    assert selection.decisions.filter(action=DecisionAction.WITHDRAWN).count() == 1


def test_a_placed_project_withdrawn_before_the_lock_leaves_the_selection(
    edition, sessions, films, staff
):
    from submissions.services import withdraw_project

    toulouse, _lima = sessions
    for name in ("rios", "espera"):
        kind = "selected" if name == "rios" else "waitlist"
        services.place_project(
            edition=edition, project=films[name], session=toulouse, kind=kind, by=staff
        )
    withdraw_project(project=films["espera"], by=films["espera"].owner)

    services.lock_selection(edition=edition, by=staff)

    assert refresh(films["espera"]).status == ProjectStatus.WITHDRAWN
    assert not ResultNotice.objects.filter(project=films["espera"]).exists()
