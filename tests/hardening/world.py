"""A portal in every state at once, built with the factories and the services, so that
every POST form is on some page for some role:

- edition A: an open call with the producer's draft (complete, with materials) and a
  submitted application; a jury with three rounds (preparation, blind scoring,
  discussion), criteria, a pending invitation, a suggested conflict; a selection being
  made;
- edition B: a locked selection with results (one sent to the producer, a lapsed one, a
  declined place to offer to the waiting list, drafts), a published and a scheduled
  session, a ready dossier with a guest link;
- the outbox with a failed and a pending mail;
- a second programme run by other staff, another producer and another juror, whose
  objects must stay out of reach.

`pages(world)` gives, for every URL pattern of the portal but the admin, the addresses
to open and who opens them."""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.tests.factories import UserFactory
from accounts.tokens import email_confirmation_token
from editions.models import EditionState
from editions.tests.factories import CallFactory, EditionFactory, ProgrammeFactory, SessionFactory
from juries import results, services
from juries.models import (
    Answer,
    ConflictStatus,
    Dossier,
    DossierLink,
    DossierStatus,
    Invitation,
    Phase,
    PlacementKind,
    ResultNotice,
    ResultOutcome,
)
from juries.publication import schedule_publication
from juries.tests.factories import (
    AssignmentFactory,
    ConflictFactory,
    CriterionFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    RoundProjectFactory,
    submitted_project,
)
from outbox.models import MailStatus
from outbox.tests.factories import MailFactory
from submissions.models import ProjectStatus
from submissions.tests.factories import (
    PDF_BYTES,
    ProducerProfileFactory,
    StillFactory,
    complete_project,
    jpeg_bytes,
)

INVITATION_TOKEN = "hardening-invitation-token-0123456789abcdef"
DOSSIER_LINK_TOKEN = "hardening-dossier-link-token-0123456789abcdef"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> user (None for anonymous)
    objects: dict = field(default_factory=dict)  # name -> object
    foreign_ids: list = field(default_factory=list)
    # Set by the fixture: the media folder, the forms found on the pages, every row.
    media_root: object = None
    forms: dict = field(default_factory=dict)
    baseline: dict = field(default_factory=dict)
    owners: dict = field(default_factory=dict)
    crawl_errors: list = field(default_factory=list)
    get_forms: dict = field(default_factory=dict)  # the filters: forms sent with GET

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError:
            raise AttributeError(name) from None


def _film(call, title, owner=None, **kwargs):
    project = complete_project(
        submitted_project(call=call, original_title=title, **({"owner": owner} if owner else {}))
    )
    if owner is None:
        ProducerProfileFactory(user=project.owner)
    return project


def build() -> World:
    from juries.services import hash_token

    w = World()
    now = timezone.now()
    year = timezone.localdate().year

    admin = UserFactory(email="admin@example.org", full_name="Ada Admin", is_superuser=True)
    staff = UserFactory(email="staff@example.org", full_name="Sofía Staff")
    producer = UserFactory(email="producer@example.org", full_name="Paula Productora")
    juror = UserFactory(email="juror@example.org", full_name="Julio Jurado")
    other_staff = UserFactory(email="other-staff@example.org", full_name="Otto Other")
    other_producer = UserFactory(email="other-producer@example.org", full_name="Olga Otra")
    other_juror = UserFactory(email="other-juror@example.org", full_name="Omar Otro")
    unconfirmed = UserFactory(
        email="nueva@example.org", full_name="Nora Nueva", email_confirmed=False
    )
    forgetful = UserFactory(email="forgetful@example.org", full_name="Fausto Olvido")
    w.users = {
        "anonymous": None,
        "admin": admin,
        "staff": staff,
        "producer": producer,
        "juror": juror,
        "other_staff": other_staff,
        "other_producer": other_producer,
        "other_juror": other_juror,
    }

    programme = ProgrammeFactory(name="Films in Progress", slug="films-in-progress")
    programme.team.add(staff)
    other_programme = ProgrammeFactory(name="Ibermedia", slug="ibermedia")
    other_programme.team.add(other_staff)
    other_edition = EditionFactory(programme=other_programme, number=1, slug=f"{year}-ib")
    other_session = SessionFactory(edition=other_edition, city="Madrid", country="ES")
    other_call = CallFactory(edition=other_edition)
    other_film = _film(other_call, "Película ajena")

    # --- Edition A: the call, the jury, the selection being made -----------------------
    edition = EditionFactory(programme=programme, number=10, slug=f"{year}-a")
    session = SessionFactory(edition=edition, city="Toulouse", country="FR", places=3)
    session2 = SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        starts_on=dt.date(year, 8, 10),
        ends_on=dt.date(year, 8, 12),
    )
    call = CallFactory(edition=edition)
    call2 = CallFactory(edition=edition, title="Second call, for documentaries")
    ProducerProfileFactory(user=producer)
    ProducerProfileFactory(user=other_producer)
    draft = complete_project(call=call, owner=producer, original_title="Borrador propio")
    submitted = complete_project(
        submitted_project(
            call=call,
            owner=producer,
            original_title="Enviado propio",
            status=ProjectStatus.SUBMITTED,
        )
    )
    other_draft = complete_project(call=call, owner=other_producer, original_title="Borrador ajeno")
    # Carrying over needs a call of another edition of the programme.
    next_edition = EditionFactory(
        programme=programme, number=11, slug=f"{year + 1}-a", year=year + 1
    )
    next_call = CallFactory(edition=next_edition)

    member = JuryMemberFactory(edition=edition, user=juror, affiliation="Cine Norte")
    other_member = JuryMemberFactory(edition=edition, user=other_juror)
    CriterionFactory(edition=edition, name="Artistic quality")
    CriterionFactory(edition=edition, name="Need of the project", scale_min=0, scale_max=5)
    films = [_film(call, f"Película {n}") for n in range(1, 5)]
    members = [member, other_member]
    preparation = RoundFactory(
        edition=edition,
        number=1,
        name="Pre-selection",
        phase=Phase.SETUP,
        assignments_published_at=None,
        members=members,
    )
    scoring = RoundFactory(
        edition=edition, number=2, name="Blind scoring", phase=Phase.SCORING, members=members
    )
    discussion = RoundFactory(
        edition=edition, number=3, name="Final round", phase=Phase.DISCUSSION, members=members
    )
    RoundFactory(edition=edition, number=4, name="Later round", phase=Phase.SETUP)
    for project in films:
        RoundProjectFactory(round=preparation, project=project)
    assignment = AssignmentFactory(round=scoring, member=member, project=films[0])
    other_assignment = AssignmentFactory(round=scoring, member=other_member, project=films[1])
    AssignmentFactory(round=scoring, member=member, project=films[1])
    RoundProjectFactory(round=scoring, project=films[2])
    discussed = AssignmentFactory(round=discussion, member=member, project=films[2])
    ReviewFactory(assignment=discussed)
    ReviewFactory(
        assignment=AssignmentFactory(round=discussion, member=other_member, project=films[2])
    )
    suggested = ConflictFactory(
        member=other_member, project=films[3], status=ConflictStatus.SUGGESTED
    )
    invitation = Invitation.objects.create(
        edition=edition,
        email="invited@example.org",
        full_name="Iris Invitada",
        language="en",
        token_hash=hash_token(INVITATION_TOKEN),
        invited_by=staff,
    )
    services.place_project(
        edition=edition,
        project=films[0],
        session=session,
        kind=PlacementKind.SELECTED,
        by=staff,
    )

    # --- Edition B: locked selection, results, publication, dossiers -------------------
    edition_b = EditionFactory(programme=programme, number=9, slug=f"{year}-b")
    toulouse = SessionFactory(edition=edition_b, city="Toulouse", country="FR", places=2)
    lima = SessionFactory(
        edition=edition_b,
        city="Lima",
        country="PE",
        places=1,
        starts_on=dt.date(year, 8, 10),
        ends_on=dt.date(year, 8, 12),
    )
    call_b = CallFactory(edition=edition_b, closes_at=now - dt.timedelta(days=1))
    own_selected = _film(call_b, "Seleccionada propia", owner=producer)
    declining = _film(call_b, "Declina")
    lapsing = _film(call_b, "Sin respuesta")
    waiting = _film(call_b, "En espera")
    not_selected = _film(call_b, "No seleccionada")
    for project, place_in, kind in [
        (own_selected, toulouse, PlacementKind.SELECTED),
        (declining, toulouse, PlacementKind.SELECTED),
        (lapsing, lima, PlacementKind.SELECTED),
        (waiting, toulouse, PlacementKind.WAITLIST),
    ]:
        services.place_project(
            edition=edition_b, project=project, session=place_in, kind=kind, by=staff
        )
    services.lock_selection(edition=edition_b, by=staff)
    for project in (own_selected, declining, lapsing):
        results.send_notice(notice_id=ResultNotice.objects.get(project=project).pk, by=staff)
    results.answer_place(
        notice=ResultNotice.objects.get(project=declining),
        by=declining.owner,
        answer=Answer.DECLINED,
    )
    ResultNotice.objects.filter(project=lapsing).update(answer=Answer.LAPSED, answered_at=now)
    draft_notice = ResultNotice.objects.get(project=not_selected)
    assert draft_notice.outcome == ResultOutcome.NOT_SELECTED
    schedule_publication(session=lima, by=staff)
    schedule_publication(session=toulouse, by=staff, at=now + dt.timedelta(days=30))
    dossier = Dossier.objects.create(
        edition=edition_b,
        version=1,
        status=DossierStatus.READY,
        progress=100,
        pdf=ContentFile(PDF_BYTES, name="dossier.pdf"),
        pages=1,
        is_public=True,
        started_by=staff,
        finished_at=now,
    )
    # The published session's dossier, ready to be made public.
    Dossier.objects.create(
        edition=edition_b,
        session=lima,
        version=2,
        status=DossierStatus.READY,
        progress=100,
        pdf=ContentFile(PDF_BYTES, name="dossier.pdf"),
        pages=1,
        started_by=staff,
        finished_at=now,
    )
    link = DossierLink.objects.create(
        edition=edition_b,
        label="A sales agent",
        token_hash=hash_token(DOSSIER_LINK_TOKEN),
        expires_at=now + dt.timedelta(days=10),
        created_by=staff,
    )

    # --- The outbox --------------------------------------------------------------------
    scope = f"programme:{programme.pk}"
    failed_mail = MailFactory(status=MailStatus.FAILED, scope=scope, last_error="Refused")
    pending_mail = MailFactory(status=MailStatus.PENDING, scope=scope)

    still = draft.stills.first()
    StillFactory(project=draft, original=ContentFile(jpeg_bytes(1400, 800), name="b.jpg"))
    w.objects.update(
        programme=programme,
        other_programme=other_programme,
        edition=edition,
        session=session,
        session2=session2,
        call=call,
        call2=call2,
        next_call=next_call,
        draft=draft,
        submitted=submitted,
        other_draft=other_draft,
        other_film=other_film,
        other_edition=other_edition,
        other_session=other_session,
        other_call=other_call,
        member=member,
        other_member=other_member,
        films=films,
        preparation=preparation,
        scoring=scoring,
        discussion=discussion,
        assignment=assignment,
        other_assignment=other_assignment,
        discussed=discussed,
        suggested=suggested,
        invitation=invitation,
        criterion=edition.criteria.first(),
        edition_b=edition_b,
        toulouse=toulouse,
        lima=lima,
        own_selected=own_selected,
        own_notice=ResultNotice.objects.get(project=own_selected),
        lapsed_notice=ResultNotice.objects.get(project=lapsing),
        draft_notice=draft_notice,
        dossier=dossier,
        link=link,
        failed_mail=failed_mail,
        pending_mail=pending_mail,
        still=still,
        document=draft.documents.first(),
        director=draft.directors.first(),
        cut=draft.cuts.first(),
        unconfirmed=unconfirmed,
        forgetful=forgetful,
        not_selected=not_selected,
    )
    w.foreign_ids = sorted(
        {
            str(obj.pk)
            for obj in [
                other_programme,
                other_edition,
                other_session,
                other_call,
                other_film,
                other_draft,
                other_member,
                other_assignment,
                *other_draft.companies.all(),
                *other_draft.directors.all(),
                *other_draft.cuts.all(),
                *other_draft.stills.all(),
                *other_draft.documents.all(),
                *other_draft.post_production.all(),
            ]
        }
    )
    assert edition.state == EditionState.PUBLIC
    assert submitted.status == ProjectStatus.SUBMITTED
    return w


def _uid(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


@dataclass(frozen=True)
class Page:
    role: str
    url: str


# URL patterns that serve files, CSV, JSON or a redirect: no page, no form.
NOT_PAGES = {
    "healthz",
    "set_language",
    "editions:programme_logo",
    "submissions:still_file",
    "submissions:document_file",
    "submissions:director_photo_file",
    "submissions:staff_export",
    "juries:still_file",
    "juries:document_file",
    "juries:director_photo_file",
    "juries:staff_ranking_csv",
    "juries:staff_reviews_csv",
    "juries:staff_dossier_file",
    "juries:staff_dossier_status",
    "juries:dossier_guest_file",
    "juries:dossier_public_edition",
    "juries:dossier_public_session",
    "juries:staff_export_status",
    "juries:staff_export_file",
    "selections:feed",
    "selections:still",
}


def pages(w: World) -> dict[str, list[Page]]:
    """For every URL pattern with a page, the addresses to open and who opens them. A
    POST-only pattern has none: its form is on another page."""
    o = w.objects

    def r(name, *args):
        return reverse(name, args=args)

    unconfirmed = o["unconfirmed"]
    confirm = r(
        "accounts:confirm_email",
        _uid(unconfirmed),
        email_confirmation_token.make_token(unconfirmed),
    )
    reset = r(
        "accounts:password_reset_confirm",
        _uid(o["forgetful"]),
        default_token_generator.make_token(o["forgetful"]),
    )
    p = o["programme"].slug
    e, b = o["edition"], o["edition_b"]
    table = {
        "home": [Page(role, r("home")) for role in ("anonymous", "producer", "staff", "juror")],
        "accounts:signup": [Page("anonymous", r("accounts:signup"))],
        "accounts:signup_done": [Page("anonymous", r("accounts:signup_done"))],
        "accounts:confirm_email": [Page("anonymous", confirm)],
        "accounts:resend_confirmation": [Page("anonymous", r("accounts:resend_confirmation"))],
        "accounts:confirmation_sent": [Page("anonymous", r("accounts:confirmation_sent"))],
        "accounts:login": [Page("anonymous", r("accounts:login"))],
        "accounts:password_reset": [Page("anonymous", r("accounts:password_reset"))],
        "accounts:password_reset_done": [Page("anonymous", r("accounts:password_reset_done"))],
        # The link redirects to an address without the token, kept in the session.
        "accounts:password_reset_confirm": [Page("anonymous", reset)],
        "accounts:password_reset_complete": [
            Page("anonymous", r("accounts:password_reset_complete"))
        ],
        "accounts:password_change": [Page("producer", r("accounts:password_change"))],
        "accounts:profile": [Page("producer", r("accounts:profile"))],
        "editions:programmes": [Page("anonymous", r("editions:programmes"))],
        "editions:programme": [Page("staff", r("editions:programme", p))],
        "editions:edition": [Page("staff", r("editions:edition", p, e.slug))],
        "editions:archive": [Page("anonymous", r("editions:archive"))],
        "editions:staff_home": [Page("staff", r("editions:staff_home"))],
        "editions:staff_programme_create": [Page("admin", r("editions:staff_programme_create"))],
        "editions:staff_programme_edit": [Page("staff", r("editions:staff_programme_edit", p))],
        "editions:staff_editions": [Page("staff", r("editions:staff_editions", p))],
        "editions:staff_edition_create": [Page("staff", r("editions:staff_edition_create", p))],
        "editions:staff_edition": [Page("staff", r("editions:staff_edition", e.pk))],
        "editions:staff_edition_edit": [Page("staff", r("editions:staff_edition_edit", e.pk))],
        "editions:staff_session_create": [Page("staff", r("editions:staff_session_create", e.pk))],
        "editions:staff_session_edit": [
            Page("staff", r("editions:staff_session_edit", o["session2"].pk))
        ],
        "editions:staff_session_delete": [
            Page("staff", r("editions:staff_session_delete", o["session2"].pk))
        ],
        "editions:staff_call_create": [Page("staff", r("editions:staff_call_create", e.pk))],
        "editions:staff_call_edit": [Page("staff", r("editions:staff_call_edit", o["call"].pk))],
        "editions:staff_mail_templates": [Page("staff", r("editions:staff_mail_templates", e.pk))],
        "editions:staff_mail_template": [
            Page("staff", r("editions:staff_mail_template", e.pk, kind, language))
            for kind, language in [
                ("submissions.submitted", "en"),
                ("juries.invitation", "es"),
                ("juries.result_selected", "fr"),
            ]
        ],
        "editions:staff_activity": [Page("staff", r("editions:staff_activity", e.pk))],
        "editions:staff_outbox": [Page("staff", r("editions:staff_outbox"))],
        "editions:staff_mail": [
            Page("staff", r("editions:staff_mail", o["failed_mail"].pk)),
            Page("staff", r("editions:staff_mail", o["pending_mail"].pk)),
        ],
        "submissions:dashboard": [Page("producer", r("submissions:dashboard"))],
        "submissions:profile": [Page("producer", r("submissions:profile"))],
        "submissions:apply": [Page("producer", r("submissions:apply", o["call2"].pk))],
        "submissions:project": [
            Page("producer", r("submissions:project", o["draft"].pk)),
            Page("producer", r("submissions:project", o["submitted"].pk)),
            Page("producer", r("submissions:project", o["own_selected"].pk)),
        ],
        "submissions:step": [
            Page("producer", r("submissions:step", o["draft"].pk, step))
            for step in ("project", "team", "financing")
        ],
        "submissions:review": [Page("producer", r("submissions:review", o["draft"].pk))],
        "submissions:withdraw": [Page("producer", r("submissions:withdraw", o["submitted"].pk))],
        "submissions:materials": [
            Page("producer", r("submissions:materials", o["draft"].pk)),
            Page("producer", r("submissions:materials", o["submitted"].pk)),
        ],
        "submissions:still_upload": [
            Page("producer", r("submissions:still_upload", o["draft"].pk)),
            Page("staff", r("submissions:still_upload", o["submitted"].pk)),
        ],
        "submissions:still_delete": [
            Page("producer", r("submissions:still_delete", o["still"].pk))
        ],
        "submissions:document_upload": [
            Page("producer", r("submissions:document_upload", o["draft"].pk))
        ],
        "submissions:document_delete": [
            Page("producer", r("submissions:document_delete", o["document"].pk))
        ],
        "submissions:director_photo": [
            Page("producer", r("submissions:director_photo", o["director"].pk))
        ],
        "submissions:cut_add": [
            Page("producer", r("submissions:cut_add", o["draft"].pk)),
            Page("producer", r("submissions:cut_add", o["submitted"].pk)),
        ],
        "submissions:cut_edit": [Page("producer", r("submissions:cut_edit", o["cut"].pk))],
        "submissions:staff_list": [Page("staff", r("submissions:staff_list", e.pk))],
        "submissions:staff_invite": [Page("staff", r("submissions:staff_invite", e.pk))],
        "submissions:staff_project": [
            Page("staff", r("submissions:staff_project", o["submitted"].pk)),
            Page("staff", r("submissions:staff_project", o["draft"].pk)),
            Page("staff", r("submissions:staff_project", o["not_selected"].pk)),
        ],
        "juries:home": [Page("juror", r("juries:home"))],
        "juries:invitation": [
            Page("anonymous", r("juries:invitation", INVITATION_TOKEN)),
            Page("other_producer", r("juries:invitation", INVITATION_TOKEN)),
        ],
        "juries:round_projects": [Page("juror", r("juries:round_projects", o["preparation"].pk))],
        "juries:review": [
            Page("juror", r("juries:review", o["assignment"].pk)),
            Page("juror", r("juries:review", o["discussed"].pk)),
        ],
        "juries:staff_jury": [
            Page("staff", r("juries:staff_jury", e.pk)),
            Page("staff", r("juries:staff_jury", b.pk)),
        ],
        "juries:staff_invite": [Page("staff", r("juries:staff_invite", e.pk))],
        "juries:staff_member": [Page("staff", r("juries:staff_member", o["member"].pk))],
        "juries:staff_criterion_create": [Page("staff", r("juries:staff_criterion_create", e.pk))],
        "juries:staff_criterion": [Page("staff", r("juries:staff_criterion", o["criterion"].pk))],
        "juries:staff_round_create": [Page("staff", r("juries:staff_round_create", e.pk))],
        "juries:staff_round": [
            Page("staff", r("juries:staff_round", o[name].pk))
            for name in ("preparation", "scoring", "discussion")
        ],
        "juries:staff_round_edit": [Page("staff", r("juries:staff_round_edit", o["scoring"].pk))],
        "juries:staff_assignments": [Page("staff", r("juries:staff_assignments", o["scoring"].pk))],
        "juries:staff_progress": [Page("staff", r("juries:staff_progress", o["scoring"].pk))],
        "juries:staff_conflicts": [Page("staff", r("juries:staff_conflicts", e.pk))],
        "juries:staff_ranking": [
            Page("staff", r("juries:staff_ranking", o["scoring"].pk)),
            Page("staff", r("juries:staff_ranking", o["discussion"].pk)),
        ],
        "juries:staff_selection": [
            Page("staff", r("juries:staff_selection", e.pk)),
            Page("staff", r("juries:staff_selection", b.pk)),
        ],
        "juries:staff_publication": [Page("staff", r("juries:staff_publication", b.pk))],
        "juries:staff_publication_preview": [
            Page("staff", r("juries:staff_publication_preview", o["toulouse"].pk))
        ],
        "juries:staff_dossiers": [Page("staff", r("juries:staff_dossiers", b.pk))],
        "juries:dossier_guest": [Page("anonymous", r("juries:dossier_guest", DOSSIER_LINK_TOKEN))],
        "juries:staff_results": [Page("staff", r("juries:staff_results", b.pk))],
        "juries:staff_result": [
            Page("staff", r("juries:staff_result", o["draft_notice"].pk)),
            Page("staff", r("juries:staff_result", o["own_notice"].pk)),
        ],
        "juries:staff_exports": [Page("staff", r("juries:staff_exports", b.pk))],
        "juries:staff_dashboard": [Page("staff", r("juries:staff_dashboard", e.pk))],
        "juries:staff_comparison": [Page("staff", r("juries:staff_comparison", p))],
        "selections:edition": [Page("anonymous", r("selections:edition", p, b.slug))],
        "selections:session": [Page("anonymous", r("selections:session", p, b.slug, o["lima"].pk))],
    }
    return table
