"""From a locked selection to its results, its public page and its dossier, in headless
Chromium, as the people who use them.

Festival staff lock a selection of two sessions (Toulouse: two films and a waiting list of
two; Lima: one film) placed by hand, read the drafted results (a selected producer's mail
in Spanish), write the feedback of a "not selected" result and send every draft: each
producer gets their result in their own language. A selected producer confirms their
place on their project's page. Staff publish Toulouse's selection, which anyone can then
read on its public page, and build Toulouse's dossier in Spanish, then download its PDF.

Every page is checked for console errors, Content-Security-Policy violations, form
controls without a label and content wider than the window."""

import datetime as dt
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from editions.tests.factories import SessionFactory
from juries import services
from juries.models import (
    Answer,
    Dossier,
    DossierStatus,
    PlacementKind,
    ResultNotice,
    ResultOutcome,
    SessionPublication,
)
from juries.tests.factories import submitted_project
from outbox.models import Mail
from submissions.models import ProjectStatus
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    ProjectCompanyFactory,
    StillFactory,
    jpeg_bytes,
)

from .test_jury_journey import Visit, sign_in

SELECTED, WAITLIST = PlacementKind.SELECTED, PlacementKind.WAITLIST

# key: original title, English title, producer, their language, session, placement
FILMS = {
    "agua": ("Agua de cordillera", "Mountain Water", "Grace Hill", "en", "Toulouse", SELECTED),
    "niebla": ("Niebla del puerto", "Harbour Fog", "Lucía Fernández", "es", "Toulouse", SELECTED),
    "rio": ("Rio das almas", "River of Souls", "João Pereira", "pt", "Lima", SELECTED),
    "espera": ("Tiempo de espera", "Waiting Time", "Pablo Ruiz", "es", "Toulouse", WAITLIST),
    "marea": ("Marea baja", "Low Tide", "Sam Carter", "en", "Toulouse", WAITLIST),
    "col": ("La maison du col", "The House on the Pass", "Claire Dubois", "fr", None, None),
}
# The greeting each language's result mails open with (the catalogues' "Dear …,"), to the
# producer's first name.
GREETINGS = {
    "en": "Dear {name},",
    "es": "Estimado/a {name}:",
    "fr": "Bonjour {name},",
    "pt": "Prezado(a) {name},",
}
OUTCOMES = {
    "agua": ResultOutcome.SELECTED,
    "niebla": ResultOutcome.SELECTED,
    "rio": ResultOutcome.SELECTED,
    "espera": ResultOutcome.WAITLISTED,
    "marea": ResultOutcome.WAITLISTED,
    "col": ResultOutcome.NOT_SELECTED,
}
FEEDBACK = "Le jury a aimé la lumière des scènes de nuit ; le montage final reste trop long."
LOCK_CONFIRM = (
    "Once locked, the selection no longer changes and every application takes its status. "
    "Lock it now?"
)
SEND_CONFIRM = "Send these results to their producers now? A result sent cannot be taken back."
PUBLISH_CONFIRM = "The films of this session become public at once. Go on?"


def email_of(name: str) -> str:
    first, last = name.split()[0], name.split()[-1]
    return f"{first}.{last}@example.org".lower().replace("í", "i").replace("ã", "a")


@pytest.fixture
def placed(edition, call, staff):
    """Toulouse (2 places) and Lima (1 place); six applications from producers writing in
    English, Spanish, French and Portuguese, each with a ready still; five of them placed
    by hand (two on Toulouse's waiting list), the selection not locked yet."""
    toulouse = SessionFactory(edition=edition, city="Toulouse", country="FR", places=2)
    lima = SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        venue="Centro Cultural PUCP",
        starts_on=dt.date(edition.year, 8, 6),
        ends_on=dt.date(edition.year, 8, 8),
        places=1,
    )
    sessions = {"Toulouse": toulouse, "Lima": lima}
    projects = {}
    for number, (key, (title, english, name, language, _city, _kind)) in enumerate(FILMS.items()):
        owner = UserFactory(email=email_of(name), full_name=name, language=language)
        project = submitted_project(
            call=call,
            owner=owner,
            original_title=title,
            english_title=english,
            # Some still waiting for the jury, others already under review.
            status=ProjectStatus.SUBMITTED if number % 2 else ProjectStatus.UNDER_REVIEW,
            logline=f"The logline of {english}.",
            short_synopsis=f"The synopsis of {english}.",
        )
        ProjectCompanyFactory(project=project, name=f"{english} Films", country="PE")
        DirectorFactory(project=project, name=f"Director of {english}")
        CutFactory(project=project, number=1)
        StillFactory(
            project=project,
            web=ContentFile(jpeg_bytes(1600, 900, (40 * number, 90, 140)), name="web.jpg"),
            large=ContentFile(jpeg_bytes(2400, 1350, (40 * number, 90, 140)), name="large.jpg"),
        )
        projects[key] = project
    for key, (*_rest, city, kind) in FILMS.items():
        if city:
            services.place_project(
                edition=edition, project=projects[key], session=sessions[city], kind=kind, by=staff
            )
    return {"sessions": sessions, "projects": projects}


def notice_row(page, title):
    return page.locator(".results-list tbody tr").filter(has_text=title)


def board_row(page, label):
    """The results board's row of an outcome: its drafts and sent, as numbers."""
    row = page.locator(".results-board tbody tr").filter(
        has=page.locator("th", has_text=re.compile(rf"^{label}$"))
    )
    return [int(text) for text in row.locator("td").all_inner_texts()]


@pytest.mark.browser
def test_staff_send_the_results_publish_and_build_a_dossier(
    new_page, page_errors, screenshot, edition, placed
):
    sessions, projects = placed["sessions"], placed["projects"]
    toulouse = sessions["Toulouse"]
    page = new_page()
    visit = Visit(page, screenshot, "results-staff")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

    # --- The selection, locked through its form ------------------------------------------
    sign_in(page, "staff@example.org")
    page.goto(f"/en/jury/staff/editions/{edition.pk}/selection/")
    expect(page.locator("h1")).to_have_text("Selection")
    expect(page.get_by_role("link", name="Results", exact=True)).to_have_count(0)
    page.get_by_role("button", name="Lock the selection").click()
    visit.message("The selection is locked; every application's status now follows it.")
    assert dialogs == [LOCK_CONFIRM]
    expect(page.locator("h1 + p .badge")).to_have_text("Locked")
    visit.check("selection-locked")

    # --- Results: a draft for every applicant ----------------------------------------------
    page.locator("main").get_by_role("link", name="Results", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/en/jury/staff/editions/{edition.pk}/results/$"))
    expect(page.locator("h1")).to_have_text("Results")
    expect(page.locator(".results-list tbody tr")).to_have_count(len(FILMS))
    for title, _english, name, *_rest in FILMS.values():
        row = notice_row(page, title)
        expect(row).to_contain_text(name)
        expect(row.locator("td").nth(2)).to_have_text("Draft")
    expect(notice_row(page, "Tiempo de espera").locator("td").nth(1)).to_have_text(
        "Waitlisted · Toulouse (1)"
    )
    expect(notice_row(page, "Marea baja").locator("td").nth(1)).to_have_text(
        "Waitlisted · Toulouse (2)"
    )
    expect(notice_row(page, "Rio das almas").locator("td").nth(1)).to_have_text("Selected · Lima")
    assert board_row(page, "Selected") == [3, 0]
    assert board_row(page, "Not selected") == [1, 0]
    visit.check("results-drafts")

    # --- The Spanish producer's draft reads in Spanish ---------------------------------------
    page.get_by_role("link", name="Niebla del puerto").click()
    expect(page.locator("h1")).to_have_text("Niebla del puerto")
    expect(page.locator("main")).to_contain_text("To Lucía Fernández, in Spanish.")
    preview = page.locator('section[aria-labelledby="preview-heading"]')
    expect(preview.locator("strong")).to_have_text(
        re.compile(rf"“Niebla del puerto” fue seleccionada para {edition.display_title}$")
    )
    expect(preview.locator(".mail-body")).to_contain_text("Estimado/a Lucía:")
    expect(preview.locator(".mail-body")).to_contain_text("Niebla del puerto")
    expect(preview.locator(".mail-body")).not_to_contain_text("Dear ")
    visit.check("result-spanish-draft")

    # --- The "not selected" draft: feedback written and chosen to go ------------------------
    page.get_by_role("link", name="Results", exact=True).first.click()
    page.get_by_role("link", name="La maison du col").click()
    expect(page.locator("main")).to_contain_text("To Claire Dubois, in French.")
    page.get_by_label("Feedback for the producer").fill(FEEDBACK)
    page.get_by_label("Send this feedback with the result").check()
    page.get_by_role("button", name="Save").click()
    visit.message("The draft is saved.")
    expect(page.get_by_label("Feedback for the producer")).to_have_value(FEEDBACK)
    expect(page.get_by_label("Send this feedback with the result")).to_be_checked()
    expect(page.locator(".mail-body")).to_contain_text(FEEDBACK)
    expect(page.locator(".mail-body")).to_contain_text("Bonjour Claire,")
    visit.check("result-feedback-saved")

    # --- Send every draft --------------------------------------------------------------------
    page.get_by_role("link", name="Results", exact=True).first.click()
    expect(notice_row(page, "La maison du col")).to_contain_text("with feedback")
    screenshot(page, "results-staff-before-sending")
    dialogs.clear()
    page.get_by_role("button", name="Send the drafts").click()
    visit.message("6 results are being sent.")
    assert dialogs == [SEND_CONFIRM]
    expect(page.get_by_role("button", name="Send the drafts")).to_have_count(0)
    expect(page.locator('section[aria-labelledby="send-heading"]')).to_contain_text("All sent")
    assert board_row(page, "Selected") == [0, 3]
    assert board_row(page, "Waitlisted") == [0, 2]
    assert board_row(page, "Not selected") == [0, 1]
    for title, *_rest in FILMS.values():
        expect(notice_row(page, title).locator("td").nth(2)).to_contain_text("Sent")
    visit.check("results-sent")

    mails = {mail.recipient.email: mail for mail in Mail.objects.filter(kind__startswith="juries.")}
    assert len(mails) == len(FILMS)
    for key, (title, _english, name, language, *_rest) in FILMS.items():
        mail = mails[email_of(name)]
        assert mail.kind == f"juries.result_{OUTCOMES[key]}", title
        assert mail.language == language, title
        assert title in mail.subject + mail.body_text, title
        assert GREETINGS[language].format(name=name.split()[0]) in mail.body_text, title
        assert (FEEDBACK in mail.body_text) == (key == "col"), title
    assert not ResultNotice.objects.filter(edition=edition, sent_at__isnull=True).exists()

    # --- A selected producer confirms their place -------------------------------------------
    producer = new_page()
    navbar = sign_in(producer, email_of("Grace Hill"))
    navbar.get_by_role("link", name="My projects").click()
    producer.get_by_role("link", name="Agua de cordillera").first.click()
    expect(producer).to_have_url(re.compile(rf"/en/submissions/.*{projects['agua'].pk}/$"))
    place = producer.locator(".participation-card")
    expect(place.locator("h2")).to_have_text("Your place")
    expect(place).to_contain_text("The Toulouse session, in Toulouse:")
    expect(place).to_contain_text("Please confirm your participation by")
    producer.get_by_role("button", name="Confirm our participation").click()
    expect(producer.locator(".alert-success")).to_contain_text(
        "Thank you: your participation is confirmed."
    )
    place = producer.locator(".participation-card")
    expect(place.locator(".badge")).to_have_text("Confirmed")
    expect(place).to_contain_text("You confirmed your participation on")
    expect(producer.get_by_role("button", name="Confirm our participation")).to_have_count(0)
    visit.check("producer-confirmed", page=producer)
    assert ResultNotice.objects.get(project=projects["agua"]).answer == Answer.CONFIRMED

    # --- Toulouse's selection published, then read by anyone ---------------------------------
    page.goto(f"/en/jury/staff/editions/{edition.pk}/selection/")
    page.get_by_role("link", name="Publication of the selection on the public pages").click()
    expect(page.locator("h1")).to_have_text("Publication of the selection")
    card = page.locator(f'section[aria-labelledby="publication-{toulouse.pk}"]')
    dialogs.clear()
    card.get_by_role("button", name=re.compile(r"^Publish now")).click()
    visit.message("The selection of Toulouse is public now.")
    assert dialogs == [PUBLISH_CONFIRM]
    card = page.locator(f'section[aria-labelledby="publication-{toulouse.pk}"]')
    expect(card.locator(".publication-state .badge")).to_have_text("Published")
    lima_card = page.locator(f'section[aria-labelledby="publication-{sessions["Lima"].pk}"]')
    expect(lima_card.locator(".publication-state .badge")).to_have_text("Not published")
    visit.check("publication")
    assert SessionPublication.objects.get(session=toulouse).published_at is not None
    public_url = card.get_by_role("link", name=re.compile(r"^Public page")).get_attribute("href")

    anyone = new_page()
    anyone.goto(public_url)
    expect(anyone.locator("h1")).to_have_text("The selection for Toulouse")
    films = anyone.locator("article.selected-film")
    expect(films).to_have_count(2)
    expect(films.locator("h3")).to_have_text(["Agua de cordillera", "Niebla del puerto"])
    expect(anyone.locator("main")).to_contain_text("Mountain Water")
    for hidden in ("Tiempo de espera", "Marea baja", "Rio das almas", "La maison du col"):
        expect(anyone.locator("main")).not_to_contain_text(hidden)
    for still in films.locator("img").all():
        still.scroll_into_view_if_needed()
        expect(still).to_have_js_property("complete", True)
        assert still.evaluate("(img) => img.naturalWidth") > 0
    visit.check("public-session", page=anyone)

    # --- Toulouse's dossier, built in Spanish and downloaded ---------------------------------
    page.goto(f"/en/jury/staff/editions/{edition.pk}/selection/")
    page.get_by_role("link", name="Dossiers", exact=True).click()
    expect(page.locator("h1")).to_have_text("Selection dossiers")
    scope = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="Toulouse", exact=True)
    )
    expect(scope).to_contain_text("2 films selected")
    expect(scope).to_contain_text("Not built yet.")
    scope.get_by_label("Language of the catalogue").select_option(label="Spanish")
    scope.get_by_role("button", name=re.compile(r"^Build the dossier")).click()
    visit.message("Version 1 of the dossier of Toulouse is on its way.")
    scope = page.locator("section.card").filter(
        has=page.get_by_role("heading", name="Toulouse", exact=True)
    )
    version = scope.locator("tbody tr").first
    expect(version.locator("td").first).to_have_text(re.compile(r"^\s*Ready"), timeout=30_000)
    expect(version.locator("th")).to_contain_text("Spanish")
    visit.check("dossiers")
    dossier = Dossier.objects.get(edition=edition, session=toulouse)
    assert (dossier.status, dossier.language) == (DossierStatus.READY, "es")

    with page.expect_download() as download_info:
        version.get_by_role("link", name=re.compile(r"^PDF")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) >= 2
        assert len(document) == dossier.pages
        texts = []
        for index in range(len(document)):
            pdf_page = document[index]
            textpage = pdf_page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            pdf_page.close()
    finally:
        document.close()
    text = "\n".join(texts)
    assert "Índice" in text  # in Spanish, as chosen
    assert "Sinopsis" in text
    assert "Synopsis" not in text
    assert "Agua de cordillera" in text
    assert "Niebla del puerto" in text
    assert "Tiempo de espera" not in text
    assert page_errors == []
