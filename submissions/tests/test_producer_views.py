"""The producer's pages: profile, applying, the steps, review, submission, withdrawal,
the project's page and the dashboard."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from editions.models import EditionState
from editions.tests.factories import CallFactory, EditionFactory, SessionFactory
from outbox.models import Mail
from submissions import services
from submissions.models import (
    DECIDED_STATUSES,
    EventKind,
    PostProductionItem,
    ProducerProfile,
    Project,
    ProjectEvent,
    ProjectStatus,
    Screening,
)

from .factories import (
    CutFactory,
    PostProductionItemFactory,
    ProducerProfileFactory,
    ProjectCompanyFactory,
    ProjectFactory,
    complete_project,
)

pytestmark = pytest.mark.django_db


def step(project, name):
    return reverse("submissions:step", kwargs={"pk": project.pk, "step": name})


def html(response):
    return response.content.decode()


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def profile(producer):
    return ProducerProfileFactory(user=producer)


@pytest.fixture
def draft(call, producer):
    return ProjectFactory(
        call=call,
        owner=producer,
        original_title="La cordillera",
        english_title="The Range",
        logline="A mother crosses the Andes.",
    )


@pytest.fixture
def complete(call, producer):
    return complete_project(call=call, owner=producer)


@pytest.fixture
def submitted(complete, producer):
    return services.submit_project(project=complete, by=producer)


def snapshot(project):
    """What a refused POST must leave untouched."""
    project.refresh_from_db()
    return (
        {
            field.name: getattr(project, field.attname)
            for field in Project._meta.concrete_fields
            if field.name != "updated_at"
        },
        list(project.companies.values_list("name", "share")),
        list(project.directors.values_list("name", flat=True)),
        list(project.post_production.values_list("need", "amount")),
    )


PROJECT_STEP = {
    "original_title": "Las montañas",
    "english_title": "",
    "genre": "",
    "expected_runtime": "",
    "languages": "",
    "logline": "",
    "short_synopsis": "",
    "long_synopsis": "",
    "director_statement": "",
    "premiere_status": "",
    "previous_festivals": "",
}


def team_data(companies=(), directors=(), initial=(0, 0)):
    data = {
        "companies-TOTAL_FORMS": str(len(companies)),
        "companies-INITIAL_FORMS": str(initial[0]),
        "directors-TOTAL_FORMS": str(len(directors)),
        "directors-INITIAL_FORMS": str(initial[1]),
    }
    for index, company in enumerate(companies):
        for key, value in company.items():
            data[f"companies-{index}-{key}"] = value
    for index, director in enumerate(directors):
        for key, value in director.items():
            data[f"directors-{index}-{key}"] = value
    return data


def financing_data(needs=(), **fields):
    data = {
        "currency": "USD",
        "total_budget": "",
        "secured_amount": "",
        "expected_completion": "",
        "post_production-TOTAL_FORMS": str(len(needs)),
        "post_production-INITIAL_FORMS": "0",
    }
    data.update(fields)
    for index, need in enumerate(needs):
        for key, value in need.items():
            data[f"post_production-{index}-{key}"] = value
    return data


# --- Profile ----------------------------------------------------------------------------


def test_profile_created_and_redirects_to_next(producer_client, producer, call):
    next_url = reverse("submissions:apply", kwargs={"call_pk": call.pk})
    response = producer_client.post(
        reverse("submissions:profile"),
        {
            "company": "Andes Films",
            "country": "PE",
            "address": "Jr. Cusco 123, Lima",
            "phone": "+51 1 555 1234",
            "website": "",
            "contact_person": "Paula Productora",
            "next": next_url,
        },
    )
    assert response.status_code == 302
    assert response.url == next_url
    profile = ProducerProfile.objects.get(user=producer)
    assert (profile.company, profile.country.code) == ("Andes Films", "PE")


def test_profile_bad_phone_refused_with_message_and_text_kept(producer_client, producer):
    response = producer_client.post(
        reverse("submissions:profile"),
        {
            "company": "Andes Films",
            "country": "PE",
            "address": "Jr. Cusco 123",
            "phone": "call me maybe",
            "contact_person": "Paula",
        },
    )
    assert response.status_code == 200
    assert "Enter a phone number with digits" in html(response)
    assert 'value="Andes Films"' in html(response)
    assert not ProducerProfile.objects.filter(user=producer).exists()


def test_profile_unsafe_next_ignored(producer_client, profile):
    response = producer_client.post(
        reverse("submissions:profile"),
        {
            "company": "Andes Films",
            "country": "PE",
            "address": "Jr. Cusco 123",
            "phone": "+51 1 555 1234",
            "contact_person": "Paula",
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("submissions:dashboard")


# --- Applying ---------------------------------------------------------------------------


def test_apply_without_profile_redirects_to_profile_with_next(producer_client, call):
    url = reverse("submissions:apply", kwargs={"call_pk": call.pk})
    response = producer_client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('submissions:profile')}?next={url.replace('/', '%2F')}"


def test_apply_page_shows_rules_and_confirm_button(producer_client, profile, call):
    response = producer_client.get(reverse("submissions:apply", kwargs={"call_pk": call.pk}))
    assert response.status_code == 200
    assert "Minimum runtime" in html(response)
    assert "Start my application" in html(response)


def test_apply_creates_draft_and_opens_first_step(producer_client, producer, profile, call):
    response = producer_client.post(reverse("submissions:apply", kwargs={"call_pk": call.pk}))
    project = Project.objects.get(owner=producer)
    assert project.status == ProjectStatus.DRAFT
    assert project.call == call
    assert response.url == step(project, "project")


def test_apply_twice_makes_two_projects_in_the_same_call(producer_client, producer, profile, call):
    url = reverse("submissions:apply", kwargs={"call_pk": call.pk})
    producer_client.post(url)
    producer_client.post(url)
    assert Project.objects.filter(owner=producer, call=call).count() == 2


def test_apply_to_closed_call_refused_with_message(producer_client, producer, profile, edition):
    closed = CallFactory(
        edition=edition,
        opens_at=timezone.now() - dt.timedelta(days=40),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    url = reverse("submissions:apply", kwargs={"call_pk": closed.pk})
    response = producer_client.post(url, follow=True)
    assert "This call is not open for applications." in messages_of(response)
    assert "Start my application" not in html(response)
    assert not Project.objects.filter(owner=producer).exists()


def test_apply_to_call_of_draft_edition_is_404(producer_client, producer, profile, programme):
    hidden = CallFactory(edition=EditionFactory(programme=programme, state=EditionState.DRAFT))
    url = reverse("submissions:apply", kwargs={"call_pk": hidden.pk})
    assert producer_client.get(url).status_code == 404
    assert producer_client.post(url).status_code == 404
    assert not Project.objects.filter(owner=producer).exists()


def test_edition_page_links_open_call_to_apply(client, edition, call):
    response = client.get(edition.get_absolute_url())
    assert reverse("submissions:apply", kwargs={"call_pk": call.pk}) in html(response)


# --- The steps: drafts ------------------------------------------------------------------


def test_project_step_saves_partial_draft(producer_client, draft):
    response = producer_client.post(step(draft, "project"), PROJECT_STEP)
    assert response.status_code == 302
    assert response.url == step(draft, "project")
    draft.refresh_from_db()
    assert draft.original_title == "Las montañas"
    assert draft.english_title == ""
    assert draft.expected_runtime is None


def test_project_step_save_and_continue_opens_team(producer_client, draft):
    response = producer_client.post(step(draft, "project"), {**PROJECT_STEP, "continue": "1"})
    assert response.url == step(draft, "team")


def test_project_step_fields_show_live_counters(producer_client, draft):
    response = producer_client.get(step(draft, "project"))
    content = html(response)
    assert 'maxlength="300"' in content
    assert content.count("data-counter") >= 6
    assert 'value="La cordillera"' in content


def test_team_step_saves_companies_and_directors(producer_client, draft):
    data = team_data(
        companies=[
            {"name": "Andes Films", "country": "PE", "role": "producer", "share": "60"},
            {"name": "Sur Cine", "country": "AR", "role": "co_producer", "share": "40"},
        ],
        directors=[
            {
                "name": "Rosa Quispe",
                "nationality": "PE",
                "gender": "woman",
                "previous_features": "0",
                "biography": "",
            }
        ],
    )
    response = producer_client.post(step(draft, "team"), data)
    assert response.status_code == 302
    assert list(draft.companies.values_list("name", "share")) == [
        ("Andes Films", Decimal("60")),
        ("Sur Cine", Decimal("40")),
    ]
    assert list(draft.directors.values_list("name", flat=True)) == ["Rosa Quispe"]
    page = html(producer_client.get(step(draft, "team")))
    assert "Total of the shares:" in page
    assert "<span data-share-total>100</span>" in page


def test_team_step_saves_shares_not_adding_to_100_and_says_so(producer_client, draft):
    data = team_data(
        companies=[{"name": "Andes Films", "country": "PE", "role": "producer", "share": "70"}]
    )
    response = producer_client.post(step(draft, "team"), data, follow=True)
    assert draft.companies.count() == 1
    assert "The companies’ shares add up to 70 %; they must add up to 100 %." in html(
        response
    ) or "shares add up to 70 %; they must add up to 100 %" in html(response)
    assert "<span data-share-total>70</span>" in html(response)


def test_team_step_share_above_100_refused_and_rows_kept(producer_client, draft):
    before = snapshot(draft)
    data = team_data(
        companies=[
            {"name": "Andes Films", "country": "PE", "role": "producer", "share": "120"},
            {"name": "Sur Cine", "country": "AR", "role": "co_producer", "share": "40"},
        ]
    )
    response = producer_client.post(step(draft, "team"), data)
    assert response.status_code == 200
    assert "A share can be at most 100 %." in html(response)
    assert 'value="Sur Cine"' in html(response)
    assert 'value="Andes Films"' in html(response)
    assert snapshot(draft) == before


def test_team_step_company_without_share_refused_at_the_field(producer_client, draft):
    before = snapshot(draft)
    data = team_data(companies=[{"name": "Andes Films", "country": "PE", "role": "producer"}])
    response = producer_client.post(step(draft, "team"), data)
    assert "Enter this company’s share of the production." in html(response) or (
        "Enter this company&#x27;s share of the production." in html(response)
    )
    assert snapshot(draft) == before


def test_team_step_deletes_a_company(producer_client, draft):
    kept = ProjectCompanyFactory(project=draft, name="Andes Films", share=Decimal("60"))
    gone = ProjectCompanyFactory(project=draft, name="Sur Cine", country="AR", share=40)
    data = team_data(
        companies=[
            {
                "id": str(kept.pk),
                "name": "Andes Films",
                "country": "AR",
                "role": "producer",
                "share": "100",
            },
            {
                "id": str(gone.pk),
                "name": "Sur Cine",
                "country": "AR",
                "role": "co_producer",
                "share": "40",
                "DELETE": "on",
            },
        ],
        initial=(2, 0),
    )
    producer_client.post(step(draft, "team"), data)
    assert list(draft.companies.values_list("name", "share")) == [("Andes Films", Decimal("100"))]


def test_team_step_is_all_or_nothing(producer_client, draft):
    """A valid company and an invalid director: nothing is saved."""
    before = snapshot(draft)
    data = team_data(
        companies=[{"name": "Andes Films", "country": "PE", "role": "producer", "share": "100"}],
        directors=[
            {
                "name": "Rosa Quispe",
                "nationality": "PE",
                "gender": "woman",
                "previous_features": "many",
            }
        ],
    )
    response = producer_client.post(step(draft, "team"), data)
    assert "Enter a whole number, e.g. 0 for a first feature." in html(response)
    assert 'value="Rosa Quispe"' in html(response)
    assert snapshot(draft) == before


def test_financing_step_saves_partial_draft_with_needs(producer_client, call, producer):
    project = Project.objects.create(call=call, owner=producer)
    data = financing_data(
        needs=[
            {"need": "colour", "amount": "12000", "details": "Grading in Lima"},
            {"need": "sound", "amount": "8000.50", "details": ""},
        ],
        total_budget="300000",
    )
    response = producer_client.post(step(project, "financing"), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.total_budget == Decimal("300000")
    assert project.secured_amount is None
    assert list(project.post_production.values_list("need", "amount")) == [
        ("colour", Decimal("12000")),
        ("sound", Decimal("8000.50")),
    ]
    page = html(producer_client.get(step(project, "financing")))
    assert "20,000.50" in page or "20000.50" in page


def test_financing_step_shows_missing_financing(producer_client, draft):
    response = producer_client.get(step(draft, "financing"))
    assert "70,000.00 USD" in html(response) or "70000.00 USD" in html(response)


def test_financing_step_swaps_needs_of_saved_rows(producer_client, call, producer):
    project = Project.objects.create(call=call, owner=producer)
    colour = PostProductionItem.objects.create(project=project, need="colour", amount=1)
    sound = PostProductionItem.objects.create(project=project, need="sound", amount=2)
    data = financing_data(
        needs=[
            {"id": str(colour.pk), "need": "sound", "amount": "1"},
            {"id": str(sound.pk), "need": "colour", "amount": "2"},
        ]
    )
    data["post_production-INITIAL_FORMS"] = "2"
    response = producer_client.post(step(project, "financing"), data)
    assert response.status_code == 302
    assert sorted(project.post_production.values_list("need", "amount")) == [
        ("colour", Decimal("2")),
        ("sound", Decimal("1")),
    ]


def test_financing_step_duplicate_need_refused(producer_client, draft):
    before = snapshot(draft)
    data = financing_data(
        needs=[{"need": "colour", "amount": "1"}, {"need": "colour", "amount": "2"}],
        total_budget="10",
    )
    response = producer_client.post(step(draft, "financing"), data)
    assert response.status_code == 200
    assert "This need is already listed" in html(response)
    assert snapshot(draft) == before


# --- The steps: bad input ---------------------------------------------------------------


BAD_INPUT = [
    (
        "project",
        {**PROJECT_STEP, "original_title": "Kept title", "logline": "x" * 301},
        "This text is too long: 301 characters; at most 300 fit.",
        'value="Kept title"',
    ),
    (
        "project",
        {**PROJECT_STEP, "original_title": "Kept title", "expected_runtime": "0"},
        "The runtime must be at least 1 minute.",
        'value="Kept title"',
    ),
    (
        "project",
        {**PROJECT_STEP, "original_title": "Kept title", "expected_runtime": "ninety"},
        "Enter the runtime in whole minutes, e.g. 90.",
        'value="Kept title"',
    ),
    (
        "financing",
        financing_data(total_budget="12O000", secured_amount="5000"),
        "Enter a number, using digits only (no letters or currency signs).",
        'value="5000"',
    ),
    (
        "financing",
        financing_data(total_budget="-5", secured_amount="5000"),
        "Enter an amount of 0 or more.",
        'value="5000"',
    ),
    (
        "financing",
        financing_data(total_budget="1000", secured_amount="5000"),
        "The financing secured cannot be more than the total budget.",
        'value="1000"',
    ),
    (
        "financing",
        financing_data(total_budget="1000", expected_completion="31/12/2027"),
        "Enter a date as year-month-day, e.g. 2027-03-31.",
        'value="1000"',
    ),
    (
        "financing",
        financing_data(
            total_budget="1000", needs=[{"need": "vfx", "amount": "lots", "details": "Kept"}]
        ),
        "Enter a number, using digits only (no letters or currency signs).",
        'value="Kept"',
    ),
]


@pytest.mark.parametrize(("name", "data", "message", "kept"), BAD_INPUT)
def test_step_bad_input_refused_with_message_and_typing_kept(
    producer_client, draft, name, data, message, kept
):
    before = snapshot(draft)
    response = producer_client.post(step(draft, name), data)
    assert response.status_code == 200
    content = html(response)
    assert message in content
    assert "invalid-feedback" in content
    assert kept in content
    assert (
        "Nothing was saved: please correct the fields marked below. What you typed is kept."
        in messages_of(response)
    )
    assert snapshot(draft) == before


def test_unknown_step_is_404(producer_client, draft):
    assert producer_client.get(step(draft, "materials-typo")).status_code == 404


# --- Read-only after submission -----------------------------------------------------------


@pytest.mark.parametrize("name", ["project", "team", "financing"])
def test_submitted_step_is_read_only(producer_client, submitted, name):
    response = producer_client.get(step(submitted, name))
    assert response.status_code == 200
    assert '<form method="post" novalidate' not in html(response)
    assert submitted.original_title in html(response) or name != "project"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("project", {**PROJECT_STEP, "original_title": "Changed"}),
        ("team", team_data(companies=[{"name": "X", "country": "FR", "share": "1"}])),
        ("financing", financing_data(total_budget="1")),
    ],
)
def test_submitted_step_post_refused_and_unchanged(producer_client, submitted, name, data):
    before = snapshot(submitted)
    response = producer_client.post(step(submitted, name), data, follow=True)
    assert "This application has been submitted and can no longer be changed." in messages_of(
        response
    )
    assert snapshot(submitted) == before


# --- Others' projects and anonymous people -------------------------------------------------


def producer_urls(project):
    pk = {"pk": project.pk}
    return [
        ("get", reverse("submissions:project", kwargs=pk)),
        ("get", step(project, "project")),
        ("post", step(project, "project")),
        ("get", step(project, "team")),
        ("post", step(project, "team")),
        ("get", step(project, "financing")),
        ("post", step(project, "financing")),
        ("get", reverse("submissions:review", kwargs=pk)),
        ("post", reverse("submissions:submit", kwargs=pk)),
        ("get", reverse("submissions:withdraw", kwargs=pk)),
        ("post", reverse("submissions:withdraw", kwargs=pk)),
    ]


def test_other_producers_project_is_404_everywhere(client, complete):
    other = UserFactory(email="other-producer@example.org")
    client.force_login(other)
    before = snapshot(complete)
    for method, url in producer_urls(complete):
        data = {**PROJECT_STEP, "original_title": "Hijacked", "reason": "x"}
        response = getattr(client, method)(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, url
    assert snapshot(complete) == before
    assert not ProjectEvent.objects.filter(project=complete).exists()


def test_staff_and_jurors_get_404_on_producer_pages(client, complete, staff, juror):
    for user in (staff, juror):
        client.force_login(user)
        for method, url in producer_urls(complete):
            if method == "get":
                assert client.get(url).status_code == 404, url


def test_anonymous_sent_to_login_everywhere(client, complete, call):
    before = snapshot(complete)
    urls = [
        ("get", reverse("submissions:dashboard")),
        ("get", reverse("submissions:profile")),
        ("get", reverse("submissions:apply", kwargs={"call_pk": call.pk})),
        ("post", reverse("submissions:apply", kwargs={"call_pk": call.pk})),
        *producer_urls(complete),
    ]
    login = reverse("accounts:login")
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(f"{login}?next="), url
    assert snapshot(complete) == before
    assert Project.objects.count() == 1


def test_session_expired_post_keeps_the_text(client, producer, draft):
    url = step(draft, "project")
    typed = {**PROJECT_STEP, "original_title": "Escrito tarde", "logline": "Una noche larga."}
    response = client.post(url, typed)
    assert response.status_code == 302
    assert response.url == redirect_to_login(url).url
    draft.refresh_from_db()
    assert draft.original_title == "La cordillera"

    response = client.post(
        reverse("accounts:login"),
        {"username": producer.email, "password": PASSWORD, "next": url},
    )
    assert response.status_code == 302
    assert response.url == url
    response = client.get(url)
    content = html(response)
    assert 'value="Escrito tarde"' in content
    assert "Una noche larga." in content
    assert "We kept what you typed before your session ended; check it and save." in messages_of(
        response
    )
    draft.refresh_from_db()
    assert draft.original_title == "La cordillera"
    # Once shown, the kept text is not offered again.
    assert 'value="La cordillera"' in html(client.get(url))


def test_session_expired_post_of_team_keeps_the_rows(client, producer, draft):
    url = step(draft, "team")
    client.post(
        url,
        team_data(
            companies=[{"name": "Andes Films", "country": "PE", "role": "producer", "share": "55"}]
        ),
    )
    client.force_login(producer)
    response = client.get(url)
    assert 'value="Andes Films"' in html(response)
    assert 'value="55"' in html(response)
    assert draft.companies.count() == 0


def test_kept_text_not_shown_to_someone_else(client, draft):
    url = step(draft, "project")
    client.post(url, {**PROJECT_STEP, "original_title": "Escrito tarde"})
    client.force_login(UserFactory(email="stranger@example.org"))
    assert client.get(url).status_code == 404


# --- Review and submission ---------------------------------------------------------------


def test_review_incomplete_disables_submit_and_links_failures(producer_client, draft):
    response = producer_client.get(reverse("submissions:review", kwargs={"pk": draft.pk}))
    content = html(response)
    assert "disabled" in content
    assert reverse("submissions:submit", kwargs={"pk": draft.pk}) not in content
    assert f'<a href="{step(draft, "team")}">Add the producing company.</a>' in content
    assert "La cordillera" in content
    assert f'href="{step(draft, "financing")}"' in content


def test_review_complete_offers_submit(producer_client, complete):
    response = producer_client.get(reverse("submissions:review", kwargs={"pk": complete.pk}))
    content = html(response)
    assert reverse("submissions:submit", kwargs={"pk": complete.pk}) in content
    assert "Everything the call asks for is here" in content


def test_review_after_deadline_explains_and_disables(producer_client, complete):
    complete.call.__class__.objects.filter(pk=complete.call_id).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    response = producer_client.get(reverse("submissions:review", kwargs={"pk": complete.pk}))
    assert "The deadline has passed" in html(response)
    assert reverse("submissions:submit", kwargs={"pk": complete.pk}) not in html(response)


def test_submit_submits_and_opens_project_page(producer_client, complete):
    response = producer_client.post(reverse("submissions:submit", kwargs={"pk": complete.pk}))
    assert response.url == reverse("submissions:project", kwargs={"pk": complete.pk})
    complete.refresh_from_db()
    assert complete.status == ProjectStatus.SUBMITTED
    page = producer_client.get(response.url)
    assert any("Your application is submitted." in m for m in messages_of(page))


def test_submit_twice_makes_one_submission_and_one_mail(
    producer_client, complete, django_capture_on_commit_callbacks
):
    url = reverse("submissions:submit", kwargs={"pk": complete.pk})
    with django_capture_on_commit_callbacks(execute=True):
        producer_client.post(url)
        producer_client.post(url)
    complete.refresh_from_db()
    assert complete.status == ProjectStatus.SUBMITTED
    assert ProjectEvent.objects.filter(project=complete, to_status="submitted").count() == 1
    assert Mail.objects.filter(kind="submissions.submitted").count() == 1


def test_submit_after_deadline_refused_with_message(producer_client, complete):
    complete.call.__class__.objects.filter(pk=complete.call_id).update(
        closes_at=timezone.now() - dt.timedelta(seconds=1)
    )
    before = snapshot(complete)
    response = producer_client.post(reverse("submissions:submit", kwargs={"pk": complete.pk}))
    assert response.status_code == 200
    assert "The deadline has passed: applications closed on" in html(response)
    assert "Your application was not submitted." in messages_of(response)
    assert snapshot(complete) == before
    assert not Mail.objects.exists()


def test_submit_incomplete_shows_each_problem_with_its_link(producer_client, draft):
    before = snapshot(draft)
    response = producer_client.post(reverse("submissions:submit", kwargs={"pk": draft.pk}))
    problems = response.context["submit_problems"]
    assert {"message": "Add the producing company.", "url": step(draft, "team")} in problems
    assert f'<a href="{step(draft, "team")}">Add the producing company.</a>' in html(response)
    assert snapshot(draft) == before


def test_submit_get_not_allowed(producer_client, complete):
    url = reverse("submissions:submit", kwargs={"pk": complete.pk})
    assert producer_client.get(url).status_code == 405


# --- Withdrawal ---------------------------------------------------------------------------


def test_withdraw_confirm_page_then_withdraws_with_reason(producer_client, submitted):
    url = reverse("submissions:withdraw", kwargs={"pk": submitted.pk})
    assert "Withdraw the application" in html(producer_client.get(url))
    response = producer_client.post(url, {"reason": "We found a distributor."}, follow=True)
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.WITHDRAWN
    event = ProjectEvent.objects.get(project=submitted, to_status="withdrawn")
    assert event.message == "We found a distributor."
    assert "Your application is withdrawn." in messages_of(response)


def test_withdraw_refused_once_not_selected(producer_client, submitted, staff):
    services.set_project_status(project=submitted, status=ProjectStatus.NOT_SELECTED, by=staff)
    services.release_result(project=submitted, by=staff)
    url = reverse("submissions:withdraw", kwargs={"pk": submitted.pk})
    response = producer_client.post(url, {"reason": "x"}, follow=True)
    assert "This application can no longer be withdrawn." in messages_of(response)
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.NOT_SELECTED


# --- The project's page --------------------------------------------------------------------


def test_project_page_shows_status_history_messages_and_masked_password(
    producer_client, submitted, staff
):
    services.send_message(project=submitted, by=staff, message="Please send a new cut by May.")
    services.screen_project(
        project=submitted,
        by=staff,
        decision=Screening.OVERRULED_INELIGIBLE,
        reason="Secret staff reason",
    )
    response = producer_client.get(reverse("submissions:project", kwargs={"pk": submitted.pk}))
    content = html(response)
    assert "Submitted" in content
    assert "What happens next" in content
    assert "Please send a new cut by May." in content
    assert "Secret staff reason" not in content
    assert "Declared ineligible" not in content
    assert staff.full_name not in content
    assert '<details class="screener-password">' in content
    assert "secret-screener-pass" in content
    assert [event.kind for event in response.context["events"]] == [
        EventKind.STATUS,
        EventKind.MESSAGE,
    ]


def test_project_page_dates_in_edition_time_zone(producer_client, call, producer):
    call.edition.time_zone = "America/Lima"
    call.edition.save()
    project = ProjectFactory(call=call, owner=producer)
    Project.objects.filter(pk=project.pk).update(
        created_at=dt.datetime(2026, 3, 1, 3, 30, tzinfo=dt.UTC)
    )
    response = producer_client.get(reverse("submissions:project", kwargs={"pk": project.pk}))
    # 03:30 UTC is 22:30 the day before in Lima.
    assert "Feb. 28, 2026, 10:30 p.m." in html(response)


# --- Dashboard -----------------------------------------------------------------------------


def chain(project, *statuses, by, session=None):
    """The statuses in turn; a jury's decision is then told to the producer."""
    for status in statuses:
        project = services.set_project_status(
            project=project, status=status, by=by, session=session
        )
    if project.status in DECIDED_STATUSES:
        project = services.release_result(project=project, by=by)
    return project


@pytest.mark.parametrize(
    ("statuses", "words"),
    [
        ((), "Draft"),
        (("submitted",), "Submitted"),
        (("submitted", "under_review"), "Under review"),
        (("submitted", "under_review", "selected"), "Selected for Toulouse"),
        (("submitted", "under_review", "waitlisted"), "Waitlisted"),
        (("submitted", "not_selected"), "Not selected"),
        (("submitted", "withdrawn"), "Withdrawn"),
    ],
)
def test_dashboard_shows_status_in_words(
    producer_client, producer, call, session, staff, statuses, words
):
    project = ProjectFactory(call=call, owner=producer, original_title="Mi película")
    chain(project, *statuses, by=staff, session=session)
    response = producer_client.get(reverse("submissions:dashboard"))
    content = html(response)
    assert "Mi película" in content
    assert f'status-badge">{words}' in content
    assert call.edition.programme.name in content


def test_dashboard_offers_open_calls_not_applied_yet(producer_client, producer, call, edition):
    other = CallFactory(edition=edition, title="Second call")
    ProjectFactory(call=call, owner=producer)
    response = producer_client.get(reverse("submissions:dashboard"))
    assert response.context["open_calls"] == [other]
    assert reverse("submissions:apply", kwargs={"call_pk": other.pk}) in html(response)


def test_dashboard_shows_only_own_projects(producer_client, call):
    ProjectFactory(call=call, original_title="Película ajena")
    assert "Película ajena" not in html(producer_client.get(reverse("submissions:dashboard")))


def _dashboard_projects(count, producer, staff):
    for _number in range(count):
        edition = EditionFactory()
        session = SessionFactory(edition=edition)
        project = ProjectFactory(call=CallFactory(edition=edition), owner=producer)
        CutFactory(project=project)
        PostProductionItemFactory(project=project)
        chain(project, "submitted", "under_review", "selected", by=staff, session=session)


@pytest.mark.parametrize("count", [2, 6])
def test_dashboard_queries_do_not_grow_with_projects(
    producer_client, producer, staff, count, django_assert_num_queries
):
    _dashboard_projects(count, producer, staff)
    CallFactory()  # an open call to offer
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = producer_client.get(reverse("submissions:dashboard"))
    assert len(response.context["projects"]) == count


# Session and user, projects, open calls, the profile check, and the navigation's two
# role checks (staff, juror).
DASHBOARD_QUERIES = 7
