"""One edition of the portal with every kind of object and every kind of person, for the
tests that go through all its pages (the permission matrix, the CSRF check, the staff
crawl, the canaries).

The people:
- `owner`: the producer of `project` (submitted, in the jury's round, selected for the
  first session, told, with stills, a document, a director's photo and a screener) and of
  `draft` (a draft of the same call);
- `other_producer`: the producer of `other_project`;
- `assigned_juror`: a juror of the edition assigned to `project`;
- `unassigned_juror`: a juror of the edition assigned to another project only;
- `conflicted_juror`: a juror of the edition assigned to `project` with a confirmed
  conflict of interest on it;
- `staff`: on the team of the edition's programme;
- `other_staff`: on the team of another programme, with an edition of its own;
- `superuser`: the portal's administrator (Django's admin is theirs only).

Canary values are planted where only some may see them (see CANARIES): the screener's
password of `project` (its producer, the programme's staff and its assigned juror), the
budget of `quiet`, an application of the owner's that the assigned juror reviews and that
is not selected (a selected film's budget is in the public catalogue), and the producer's
postal address (the producer and the programme's staff only).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.contrib.auth.models import Group
from django.core import mail as django_mail
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import UserFactory
from editions.models import MailTemplate
from editions.tests.factories import CallFactory, EditionFactory, ProgrammeFactory, SessionFactory
from juries import dossiers, exports, results, services
from juries.models import (
    Assignment,
    Comment,
    Conflict,
    ConflictStatus,
    Criterion,
    Decision,
    DecisionAction,
    Dossier,
    DossierLink,
    Export,
    ExportFormat,
    ExportKind,
    Interest,
    InterestLevel,
    Invitation,
    JuryMember,
    Phase,
    Placement,
    PlacementKind,
    ResultNotice,
    Round,
    Selection,
    SessionPublication,
)
from juries.tests.factories import (
    AssignmentFactory,
    CriterionFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    ScoreFactory,
    submitted_project,
)
from outbox.models import Mail
from submissions.models import (
    Cut,
    Director,
    Document,
    EventKind,
    Project,
    ProjectEvent,
    ProjectStatus,
    Still,
)
from submissions.tests.factories import (
    CutFactory,
    DirectorFactory,
    DocumentFactory,
    PostProductionItemFactory,
    ProducerProfileFactory,
    ProjectCompanyFactory,
    ProjectFactory,
    StillFactory,
    jpeg_bytes,
)

# Values that must reach no one but the producer and their festival's staff.
SCREENER_PASSWORD = "canary-screener-7Q2xW9"
BUDGET = Decimal("987654321")
ADDRESS = "Calle del Canario 4242, Salta"
# Who may see each canary, and how to find it in a page, a mail or a file (a number is
# written with the separators of the page's language).
CANARIES = {
    "screener password": (
        {"owner", "assigned_juror", "staff", "superuser"},
        re.compile(re.escape(SCREENER_PASSWORD)),
    ),
    "budget": (
        {"owner", "assigned_juror", "staff", "superuser"},
        re.compile(r"987[\s,.\u00a0\u202f']?654[\s,.\u00a0\u202f']?321"),
    ),
    "address": ({"owner", "staff", "superuser"}, re.compile(re.escape("Calle del Canario"))),
}
PASSWORD = "correct horse battery staple"

ROLES = (
    "anonymous",
    "owner",
    "other_producer",
    "assigned_juror",
    "unassigned_juror",
    "conflicted_juror",
    "staff",
    "other_staff",
    "superuser",
)


@dataclass
class World:
    people: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        for bag in ("people", "objects"):
            try:
                return self.__dict__[bag][name]
            except KeyError:
                pass
        raise AttributeError(name)


def png_bytes(width=240, height=80) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(buffer, "PNG")
    return buffer.getvalue()


def _user(email, name, **kwargs):
    user = UserFactory(email=email, full_name=name, **kwargs)
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def _film(call, owner, title):
    project = submitted_project(
        call=call, owner=owner, original_title=title, status=ProjectStatus.UNDER_REVIEW
    )
    ProjectCompanyFactory(project=project)
    DirectorFactory(project=project, photo=ContentFile(jpeg_bytes(400, 500), name="photo.jpg"))
    PostProductionItemFactory(project=project)
    CutFactory(project=project, number=1)
    StillFactory(
        project=project,
        thumbnail=ContentFile(jpeg_bytes(320, 180), name="thumb.jpg"),
        web=ContentFile(jpeg_bytes(1600, 900), name="web.jpg"),
        large=ContentFile(jpeg_bytes(2400, 1350), name="large.jpg"),
    )
    return project


def build_world(capture) -> World:
    """`capture` is pytest-django's django_capture_on_commit_callbacks."""
    world = World()
    people = world.people
    programme = ProgrammeFactory(
        name="Films in Progress",
        slug="films-in-progress",
        logo=ContentFile(png_bytes(), name="logo.png"),
    )
    edition = EditionFactory(programme=programme)
    other_programme = ProgrammeFactory(name="Ibermedia", slug="ibermedia")
    other_edition = EditionFactory(programme=other_programme)

    people["owner"] = _user("owner@example.org", "Olga Owner")
    people["other_producer"] = _user("other-producer@example.org", "Pedro Other")
    people["assigned_juror"] = _user("assigned@example.org", "Ana Assigned")
    people["unassigned_juror"] = _user("unassigned@example.org", "Ulises Unassigned")
    people["conflicted_juror"] = _user("conflicted@example.org", "Carla Conflicted")
    people["staff"] = _user("staff@example.org", "Sofía Staff")
    people["other_staff"] = _user("other-staff@example.org", "Otto Other")
    people["superuser"] = _user("admin@example.org", "Ada Admin", is_superuser=True, is_staff=True)
    programme.team.add(people["staff"])
    other_programme.team.add(people["other_staff"])

    toulouse = SessionFactory(
        edition=edition,
        city="Toulouse",
        starts_on=dt.date(edition.year, 3, 20),
        ends_on=dt.date(edition.year, 3, 22),
    )
    lima = SessionFactory(
        edition=edition,
        city="Lima",
        country="PE",
        starts_on=dt.date(edition.year, 8, 10),
        ends_on=dt.date(edition.year, 8, 12),
    )
    call = CallFactory(edition=edition)
    other_call = CallFactory(edition=other_edition)

    ProducerProfileFactory(user=people["owner"], address=ADDRESS)
    ProducerProfileFactory(user=people["other_producer"])
    project = _film(call, people["owner"], "Canción del niño")
    Cut.objects.filter(project=project).update(screener_password=SCREENER_PASSWORD)
    quiet = _film(call, people["owner"], "Película callada")
    Project.objects.filter(pk=quiet.pk).update(total_budget=BUDGET, secured_amount=Decimal("1"))
    DocumentFactory(project=project)
    draft = ProjectFactory(call=call, owner=people["owner"], original_title="Borrador")
    other_project = _film(call, people["other_producer"], "Otra película")
    rival = _film(call, _user("rival@example.org", "Rita Rival"), "Tercera película")
    foreign = _film(other_call, people["other_producer"], "Película de Ibermedia")

    members = {
        role: JuryMemberFactory(edition=edition, user=people[role])
        for role in ("assigned_juror", "unassigned_juror", "conflicted_juror")
    }
    JuryMemberFactory(edition=other_edition, user=people["other_staff"])
    criterion = CriterionFactory(edition=edition, name="Artistic quality")
    round_ = RoundFactory(edition=edition, phase=Phase.SCORING, members=list(members.values()))
    assignment = AssignmentFactory(round=round_, member=members["assigned_juror"], project=project)
    rival_assignment = AssignmentFactory(
        round=round_, member=members["unassigned_juror"], project=rival
    )
    AssignmentFactory(round=round_, member=members["assigned_juror"], project=other_project)
    AssignmentFactory(round=round_, member=members["assigned_juror"], project=quiet)
    conflicted_assignment = AssignmentFactory(
        round=round_, member=members["conflicted_juror"], project=project
    )
    conflict = Conflict.objects.create(
        member=members["conflicted_juror"],
        project=project,
        status=ConflictStatus.CONFIRMED,
        reason="I co-produced the director's previous film.",
    )
    # A conflict declared on another project, left for staff to confirm or dismiss.
    open_conflict = Conflict.objects.create(
        member=members["unassigned_juror"],
        project=other_project,
        status=ConflictStatus.DECLARED,
        reason="The producer is my cousin.",
    )
    with capture(execute=True):
        invitation = services.invite_juror(
            edition=edition,
            email="invitee@example.org",
            full_name="Inés Invitada",
            by=people["staff"],
        )
    invitation_token = re.search(r"/jury/invitation/([^/\s]+)/", django_mail.outbox[-1].body).group(
        1
    )

    # The selection: the owner's film and another in Toulouse, one waiting; locked, the
    # results drafted and the owner's sent; Toulouse published with its dossier built.
    selection = Selection.objects.create(edition=edition)
    Placement.objects.create(
        selection=selection, project=project, session=toulouse, kind=PlacementKind.SELECTED
    )
    Placement.objects.create(
        selection=selection,
        project=other_project,
        session=toulouse,
        kind=PlacementKind.SELECTED,
        position=1,
    )
    Placement.objects.create(
        selection=selection, project=rival, session=toulouse, kind=PlacementKind.WAITLIST
    )
    Project.objects.filter(pk__in=[project.pk, other_project.pk]).update(
        status=ProjectStatus.SELECTED
    )
    Project.objects.filter(pk=rival.pk).update(status=ProjectStatus.WAITLISTED)
    Selection.objects.filter(pk=selection.pk).update(locked_at=timezone.now())
    results.draft_results(edition=edition)
    notice = ResultNotice.objects.get(project=project)
    with capture(execute=True):
        results.send_notice(notice_id=notice.pk, by=people["staff"])
    now = timezone.now()
    SessionPublication.objects.create(session=toulouse, publish_at=now, published_at=now)
    with capture(execute=True):
        dossier = dossiers.start_dossier(edition=edition, session=toulouse, by=people["staff"])
        export = exports.start_export(
            edition=edition,
            kind=ExportKind.APPLICATIONS,
            fmt=ExportFormat.CSV,
            by=people["staff"],
        )
    dossier.refresh_from_db()
    dossiers.make_public(dossier=dossier, by=people["staff"])
    link, link_token = dossiers.create_link(
        edition=edition,
        session=toulouse,
        label="Sales agents",
        expires_at=now + dt.timedelta(days=30),
        by=people["staff"],
    )
    # A row of every other kind, so that each page of the admin shows a real one.
    Group.objects.create(name="Programme assistants")
    MailTemplate.objects.create(
        edition=edition,
        kind="submissions.submitted",
        language="es",
        subject="Recibimos su postulación",
        body="Hola {{ name }}.",
        updated_by=people["staff"],
    )
    ProjectEvent.objects.create(
        project=project,
        kind=EventKind.MESSAGE,
        message="Please send a new cut.",
        by=people["staff"],
    )
    Interest.objects.create(
        member=members["assigned_juror"], project=other_project, level=InterestLevel.INTERESTED
    )
    review = ReviewFactory(
        assignment=Assignment.objects.get(member=members["assigned_juror"], project=other_project)
    )
    ScoreFactory(review=review, criterion=criterion)
    Comment.objects.create(
        round=round_, project=other_project, author=members["assigned_juror"], text="Strong."
    )
    Decision.objects.create(
        selection=selection,
        action=DecisionAction.LOCKED,
        project=project,
        session=toulouse,
        kind=PlacementKind.SELECTED,
        by=people["staff"],
    )
    # The mail telling the owner their result: about the edition, so its staff see it.
    outbox_mail = Mail.objects.filter(to=people["owner"].email).latest("pk")

    world.objects.update(
        programme=programme,
        edition=edition,
        other_programme=other_programme,
        other_edition=other_edition,
        toulouse=toulouse,
        lima=lima,
        call=call,
        project=project,
        draft=draft,
        other_project=other_project,
        rival=rival,
        foreign=foreign,
        quiet=quiet,
        still=Still.objects.get(project=project),
        document=Document.objects.get(project=project),
        director=Director.objects.get(project=project),
        cut=Cut.objects.get(project=project),
        members=members,
        member=members["assigned_juror"],
        criterion=criterion,
        round=round_,
        assignment=assignment,
        rival_assignment=rival_assignment,
        conflicted_assignment=conflicted_assignment,
        conflict=conflict,
        open_conflict=open_conflict,
        invitation=invitation,
        invitation_token=invitation_token,
        selection=selection,
        notice=notice,
        dossier=Dossier.objects.get(pk=dossier.pk),
        export=Export.objects.get(pk=export.pk),
        link=link,
        link_token=link_token,
        mail=Mail.objects.get(pk=outbox_mail.pk),
    )
    assert dossier.status == "ready", dossier.error
    assert world.export.status == "ready", world.export.error
    assert Round.objects.count() == 1 and Criterion.objects.count() == 1
    assert Invitation.objects.count() == 1 and DossierLink.objects.count() == 1
    assert JuryMember.objects.filter(edition=edition).count() == 3
    return world
