"""Backups (wip_portal/backups.py, backup_portal, restore_portal): a portal with projects,
stills, documents, director photos, jury reviews and mails is backed up and restored into a
fresh SQLite database of its own, and comes back the same; archives that were changed or
that try to write outside the media folder are refused, and so is a database with data."""

import contextlib
import hashlib
import io
import json
import os
import re
import stat
import tarfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory
from editions import activity
from editions.models import ActivityLog, Programme
from editions.tests.factories import CallFactory, EditionFactory, ProgrammeFactory, SessionFactory
from juries.models import Review, Score
from juries.tests.factories import (
    AssignmentFactory,
    CriterionFactory,
    JuryMemberFactory,
    ReviewFactory,
    RoundFactory,
    ScoreFactory,
)
from outbox.models import Mail
from outbox.tests.factories import MailFactory
from submissions.models import Director, Document, Project, ProjectStatus, Still
from submissions.tests.factories import StillFactory, complete_project, jpeg_bytes
from wip_portal import backups

RESTORE_ALIAS = "restore"


# A portal worth backing up


def build_portal():
    """Three applications (a draft, one under review, one selected) with stills, a budget,
    director photos; a jury whose juror reviewed two of them; mails in the outbox; a staff
    member with permissions through a group and directly; an activity entry."""
    programme = ProgrammeFactory(
        name="Films in Progress",
        slug="films-in-progress",
        logo=ContentFile(jpeg_bytes(240, 120, (10, 20, 30)), name="logo.jpg"),
    )
    staff = UserFactory(email="staff@example.org", full_name="Sofía Staff")
    programme.team.add(staff)
    edition = EditionFactory(programme=programme)
    SessionFactory(edition=edition)
    call = CallFactory(edition=edition)
    projects = []
    for number, status in enumerate(
        [ProjectStatus.DRAFT, ProjectStatus.UNDER_REVIEW, ProjectStatus.SELECTED], start=1
    ):
        project = complete_project(
            call=call,
            status=status,
            submitted_at=None if status == ProjectStatus.DRAFT else timezone.now(),
            original_title=f"Película {number}: ñandú",
            owner=UserFactory(email=f"producer{number}@example.org"),
        )
        StillFactory(
            project=project,
            original=ContentFile(jpeg_bytes(800, 450, (number * 60, 90, 30)), name="frame.jpg"),
        )
        director = project.directors.get()
        director.photo.save(
            "portrait.jpg", ContentFile(jpeg_bytes(300, 400, (number * 70, 40, 90))), save=True
        )
        projects.append(project)
    member = JuryMemberFactory(edition=edition, user=UserFactory(email="juror@example.org"))
    round_ = RoundFactory(edition=edition, members=[member])
    criterion = CriterionFactory(edition=edition, name="Artistic quality")
    for project in projects[1:]:
        assignment = AssignmentFactory(round=round_, member=member, project=project)
        ScoreFactory(review=ReviewFactory(assignment=assignment), criterion=criterion, value=8)
    MailFactory.create_batch(3)
    editors = Group.objects.create(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="view_project"))
    staff.groups.add(editors)
    staff.user_permissions.add(Permission.objects.get(codename="change_project"))
    activity.record(
        edition=edition,
        action="project.status",
        by=staff,
        subject=projects[2],
        project=projects[2],
        changes={"status": ["under_review", "selected"]},
    )
    return projects


# What is compared before and after


def applications(using):
    return list(
        Project.objects.using(using)
        .order_by("pk")
        .values_list("pk", "original_title", "english_title", "status", "call_id", "owner_id")
    )


def accounts(using):
    return list(User.objects.using(using).order_by("pk").values_list("pk", "email", "password"))


def row_counts(using):
    return {label: entry["rows"] for label, entry in backups.count_rows(connections[using]).items()}


def media_files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def stored_files(using) -> dict[str, bytes]:
    """Every file the rows name, read through the storage (the current MEDIA_ROOT)."""
    found = {}
    for model, names in [
        (Programme, ["logo"]),
        (Director, ["photo"]),
        (Still, ["original"]),
        (Document, ["file"]),
    ]:
        for row in model.objects.using(using).order_by("pk"):
            for name in names:
                file = getattr(row, name)
                if file:
                    with file.open("rb") as handle:
                        found[file.name] = handle.read()
    return found


@contextlib.contextmanager
def fresh_database(alias: str, settings_dict: dict):
    """A connection of the test's own under `alias` for the length of the block. It is not
    in settings.DATABASES, so the test case (set up before it existed) counts it among the
    connections made at run time, which it allows; the commands find it by its alias."""
    connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = connection
    try:
        yield connection
    finally:
        connection.close()
        del connections[alias]


@pytest.fixture
def sqlite_restore_database(tmp_path):
    """A new, empty SQLite file (not even migrated) as the alias "restore" (in the
    PostgreSQL profile too: the archive is the same)."""
    name = str(tmp_path / "restored.sqlite3")
    settings_dict = {
        **connections.settings["default"],
        "ENGINE": "django.db.backends.sqlite3",
        "HOST": "",
        "PORT": "",
        "USER": "",
        "PASSWORD": "",
        "OPTIONS": {},
        "NAME": name,
        "TEST": {**connections.settings["default"]["TEST"], "NAME": name},
    }
    with fresh_database(RESTORE_ALIAS, settings_dict) as connection:
        yield connection


# Archives changed after the backup


def rewrite_archive(source: Path, target: Path, *, change=None, extra=(), manifest=None):
    """A copy of an archive; `change(name, data)` returns new bytes for a member (or None to
    keep it), `extra` adds (TarInfo, bytes) members before the manifest, `manifest(dict)`
    edits the manifest."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = old.extractfile(member).read()
            if member.name == backups.MANIFEST_NAME:
                for info, content in extra:
                    new.addfile(info, io.BytesIO(content))
                if manifest is not None:
                    edited = json.loads(data)
                    manifest(edited)
                    data = json.dumps(edited).encode()
            elif change is not None:
                data = change(member.name, data) or data
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


def file_member(name: str, data: bytes) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info


def listing(relative: str, data: bytes) -> dict:
    return {
        "storage": "default",
        "path": relative,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


@pytest.fixture
def archive(db, tmp_path):
    build_portal()
    return backups.create_backup(output=tmp_path / "backups" / "portal.tar.gz").path


# The backup


def test_backup_holds_every_row_and_file_readable_by_its_owner_only(db, tmp_path, settings):
    build_portal()
    out = io.StringIO()

    call_command("backup_portal", "--output", f"{tmp_path / 'backups'}/", stdout=out)

    (path,) = (tmp_path / "backups").iterdir()
    assert path.name.startswith("wip-portal-") and path.name.endswith("Z.tar.gz")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backups").stat().st_mode) == 0o700
    assert f"Backup written to {path}" in out.getvalue()
    with tarfile.open(path) as tar:
        members = tar.getmembers()
        manifest = json.loads(tar.extractfile(backups.MANIFEST_NAME).read())
        archived = {
            member.name: tar.extractfile(member).read() for member in members if member.isfile()
        }
    assert {stat.S_IMODE(member.mode) for member in members} == {0o600}
    assert members[0].name == backups.DATABASE_NAME
    assert members[-1].name == backups.MANIFEST_NAME

    media = media_files(Path(settings.MEDIA_ROOT))
    assert len(media) == 1 + 3 * 4  # a logo; per project two stills, a budget, a photo
    assert {
        name.removeprefix("files/default/"): data
        for name, data in archived.items()
        if name.startswith("files/")
    } == media
    assert manifest["files"] == [
        listing(relative, data) for relative, data in sorted(media.items())
    ]
    assert {label: entry["rows"] for label, entry in manifest["models"].items()} == row_counts(
        "default"
    )
    assert manifest["models"]["submissions.Project"]["rows"] == 3
    assert manifest["models"]["editions.Programme_team"] == {
        "table": "editions_programme_team",
        "rows": 1,
        "through": True,
    }
    assert "contenttypes.ContentType" not in manifest["models"]
    assert manifest["migrations"]["juries"]["latest"] == ["0006_exports"]
    assert "0001_initial" in manifest["migrations"]["juries"]["applied"]
    assert (
        manifest["database"]["sha256"]
        == hashlib.sha256(archived[backups.DATABASE_NAME]).hexdigest()
    )
    assert manifest["referenced_files"] == len(media)
    assert manifest["missing_files"] == []
    assert manifest["portal_version"] == "0.1.0"
    assert manifest["created_at"].endswith("Z")


def test_backup_lists_files_the_rows_refer_to_that_are_gone(db, tmp_path):
    projects = build_portal()
    still = projects[0].stills.order_by("pk").first()
    os.remove(still.original.path)
    err = io.StringIO()

    call_command(
        "backup_portal", "-o", str(tmp_path / "out.tar.gz"), stdout=io.StringIO(), stderr=err
    )

    with tarfile.open(tmp_path / "out.tar.gz") as tar:
        manifest = json.loads(tar.extractfile(backups.MANIFEST_NAME).read())
    assert manifest["missing_files"] == [
        {
            "storage": "default",
            "path": still.original.name,
            "model": "submissions.Still",
            "pk": still.pk,
            "field": "original",
        }
    ]
    assert "1 files the database refers to were not found" in err.getvalue()


def test_backup_refuses_to_write_inside_the_media_folder_or_over_a_file(db, tmp_path, settings):
    with pytest.raises(CommandError, match="inside the folder of the storage 'default'"):
        call_command("backup_portal", "-o", str(Path(settings.MEDIA_ROOT) / "b.tar.gz"))
    existing = tmp_path / "kept.tar.gz"
    existing.write_bytes(b"an earlier backup")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_portal", "-o", str(existing))
    assert existing.read_bytes() == b"an earlier backup"


# The round trip


def test_restore_into_a_fresh_database_brings_back_the_same_portal(
    archive, sqlite_restore_database, tmp_path, settings
):
    source_media = media_files(Path(settings.MEDIA_ROOT))
    source_files = stored_files("default")
    before = {
        "applications": applications("default"),
        "accounts": accounts("default"),
        "rows": row_counts("default"),
    }
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    out = io.StringIO()

    call_command("restore_portal", str(archive), "--database", RESTORE_ALIAS, stdout=out)

    assert applications(RESTORE_ALIAS) == before["applications"]
    assert [status for *_rest, status, _call, _owner in before["applications"]] == [
        "draft",
        "under_review",
        "selected",
    ]
    assert accounts(RESTORE_ALIAS) == before["accounts"]
    assert row_counts(RESTORE_ALIAS) == before["rows"]
    for user in User.objects.using(RESTORE_ALIAS):
        assert user.check_password(PASSWORD), user.email
    staff = User.objects.using(RESTORE_ALIAS).get(email="staff@example.org")
    assert list(staff.user_permissions.values_list("codename", flat=True)) == ["change_project"]
    assert list(
        Group.objects.using(RESTORE_ALIAS)
        .get(name="Editors")
        .permissions.values_list("codename", flat=True)
    ) == ["view_project"]
    log = ActivityLog.objects.using(RESTORE_ALIAS).get()
    assert log.subject_type.natural_key() == ("submissions", "project")
    assert list(
        Score.objects.using(RESTORE_ALIAS).values_list("review__project__original_title", "value")
    ) == [("Película 2: ñandú", 8), ("Película 3: ñandú", 8)]
    assert Mail.objects.using(RESTORE_ALIAS).count() == 3
    assert Review.objects.using(RESTORE_ALIAS).count() == 2

    assert media_files(Path(settings.MEDIA_ROOT)) == source_media
    assert stored_files(RESTORE_ALIAS) == source_files
    restored = Path(settings.MEDIA_ROOT)
    assert {stat.S_IMODE(p.stat().st_mode) for p in restored.rglob("*") if p.is_file()} == {
        settings.FILE_UPLOAD_PERMISSIONS
    }
    assert {stat.S_IMODE(p.stat().st_mode) for p in restored.rglob("*") if p.is_dir()} == {0o700}
    total = sum(len(data) for data in source_media.values())
    assert re.search(r"\n  submissions\.Project +3\n", out.getvalue())
    assert f"{sum(before['rows'].values())} rows, 13 files, {total} bytes" in out.getvalue()

    # Once it holds data, the database is not restored into again without --force.
    with pytest.raises(CommandError, match=r"already holds data .*pass --force"):
        call_command("restore_portal", str(archive), "--database", RESTORE_ALIAS)
    assert row_counts(RESTORE_ALIAS) == before["rows"]

    # --force with an archive made before the last migration of the juries app: the rows are
    # deleted, the database goes back to the archive's state, is loaded, then migrated again.
    def older(manifest):
        manifest["migrations"]["juries"]["latest"] = ["0005_results"]
        manifest["migrations"]["juries"]["applied"].remove("0006_exports")
        assert manifest["models"].pop("juries.Export")["rows"] == 0

    older_archive = rewrite_archive(archive, tmp_path / "older.tar.gz", manifest=older)
    out = io.StringIO()
    call_command(
        "restore_portal", str(older_archive), "--database", RESTORE_ALIAS, "--force", stdout=out
    )
    assert "after deleting its rows" in out.getvalue()
    assert "Then applied 1 migrations newer than the backup: juries.0006_exports" in out.getvalue()
    assert ("juries", "0006_exports") in MigrationRecorder(
        connections[RESTORE_ALIAS]
    ).applied_migrations()
    assert applications(RESTORE_ALIAS) == before["applications"]
    assert row_counts(RESTORE_ALIAS) == before["rows"]
    assert media_files(Path(settings.MEDIA_ROOT)) == source_media


def test_restore_refuses_a_database_that_holds_data(archive, tmp_path, settings):
    before = row_counts("default")
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    with pytest.raises(CommandError) as refused:
        call_command("restore_portal", str(archive))

    assert "Refused: the database" in str(refused.value)
    assert "already holds data (" in str(refused.value)
    assert "pass --force" in str(refused.value)
    assert row_counts("default") == before
    assert not Path(settings.MEDIA_ROOT).exists()


# Archives that are refused


def test_check_passes_a_sound_archive(archive):
    out = io.StringIO()

    call_command("restore_portal", str(archive), "--check", stdout=out)

    assert f"{archive} is sound" in out.getvalue()
    assert "13 files" in out.getvalue()


def test_an_archive_with_a_changed_file_is_refused(archive, tmp_path, settings):
    def change(name, data):
        if name.startswith("files/default/stills/original/"):
            return data[:-1] + bytes([data[-1] ^ 1])
        return None

    tampered = rewrite_archive(archive, tmp_path / "tampered.tar.gz", change=change)
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    for arguments in (["--check"], ["--force"]):
        with pytest.raises(CommandError) as refused:
            call_command("restore_portal", str(tampered), *arguments)
        message = str(refused.value)
        assert "fails its checks, nothing was restored" in message
        assert "stills/original/" in message
        assert "SHA-256 or size differs from the manifest" in message
    assert Project.objects.count() == 3
    assert not Path(settings.MEDIA_ROOT).exists()


def test_an_archive_whose_dump_lost_rows_is_refused(archive, tmp_path):
    def drop_a_project(name, data):
        if name == backups.DATABASE_NAME:
            lines = data.splitlines(keepends=True)
            first = next(i for i, line in enumerate(lines) if b'"submissions.project"' in line)
            return b"".join(lines[:first] + lines[first + 1 :])
        return None

    def rehash(manifest):
        # As a careless edit would: the dump's checksum fixed, its row count not.
        with tarfile.open(broken_dump) as tar:
            data = tar.extractfile(backups.DATABASE_NAME).read()
        manifest["database"].update(size=len(data), sha256=hashlib.sha256(data).hexdigest())

    broken_dump = rewrite_archive(archive, tmp_path / "step.tar.gz", change=drop_a_project)
    broken = rewrite_archive(broken_dump, tmp_path / "broken.tar.gz", manifest=rehash)

    with pytest.raises(CommandError, match=r"submissions.Project: 2 rows in the dump, 3 in"):
        call_command("restore_portal", str(broken), "--check")


def test_a_manifest_naming_a_table_that_is_not_one_is_refused(archive, tmp_path):
    def inject(manifest):
        manifest["models"]["accounts.User"]["table"] = 'accounts_user"; DROP TABLE "outbox_mail'

    tampered = rewrite_archive(archive, tmp_path / "sql.tar.gz", manifest=inject)

    with pytest.raises(CommandError, match=r"accounts.User: .* is not a table name"):
        call_command("restore_portal", str(tampered), "--force")
    assert Mail.objects.count() == 3


ESCAPING = {
    "parent": "files/default/../../escaped.txt",
    "absolute": "/var/escaped.txt",
    "dot": "files/default/./stills/escaped.txt",
}


@pytest.mark.parametrize("kind", sorted(ESCAPING))
def test_a_path_escaping_the_media_folder_is_refused(archive, tmp_path, settings, kind):
    name = ESCAPING[kind]
    payload = b"not a portal file"
    relative = name.removeprefix("files/default/")
    tampered = rewrite_archive(
        archive,
        tmp_path / "escape.tar.gz",
        extra=[(file_member(name, payload), payload)],
        manifest=lambda manifest: manifest["files"].append(listing(relative, payload)),
    )
    settings.MEDIA_ROOT = tmp_path / "deep" / "restored-media"

    for arguments in (["--check"], ["--force"]):
        with pytest.raises(CommandError, match="escapes its folder: refused"):
            call_command("restore_portal", str(tampered), *arguments)
    assert not (tmp_path / "deep" / "escaped.txt").exists()
    assert not Path(settings.MEDIA_ROOT).exists()
    assert Project.objects.count() == 3


@pytest.mark.parametrize("link_type", [tarfile.SYMTYPE, tarfile.LNKTYPE])
def test_a_link_in_the_archive_is_refused(archive, tmp_path, settings, link_type):
    link = tarfile.TarInfo("files/default/stills/passwd")
    link.type = link_type
    link.linkname = "/etc/passwd"
    tampered = rewrite_archive(archive, tmp_path / "link.tar.gz", extra=[(link, b"")])
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    with pytest.raises(CommandError, match="is a link or a special file"):
        call_command("restore_portal", str(tampered), "--force")
    assert not Path(settings.MEDIA_ROOT).exists()


def test_a_file_is_never_written_through_a_link_in_the_media_folder(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "media"
    root.mkdir()
    (root / "stills").symlink_to(outside, target_is_directory=True)
    folder = backups.Folder(alias="default", root=root, file_mode=0o600, directory_mode=0o700)

    with pytest.raises(backups.BackupError, match="is a link"):
        backups.safe_target(folder, "stills/original/a.jpg")
    assert list(outside.iterdir()) == []


def test_something_that_is_not_an_archive_is_refused(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"\x1f\x8b but not really gzip")

    with pytest.raises(CommandError, match=r"not a readable archive|is damaged"):
        call_command("restore_portal", str(junk), "--check")
