"""A backup of the PostgreSQL test database restored into a new PostgreSQL database that the
test creates (and drops): the same applications, accounts, rows and files come back, and
new rows go in after the restore (the sequences were reset, many-to-many tables included)."""

import io
import os
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connections

from accounts.models import User
from accounts.tests.factories import PASSWORD
from editions.models import Programme
from outbox.models import Mail
from wip_portal import backups
from wip_portal.tests.test_backups import (
    RESTORE_ALIAS,
    accounts,
    applications,
    build_portal,
    fresh_database,
    media_files,
    row_counts,
    stored_files,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgresql_restore_database():
    """A new, empty PostgreSQL database on the test database's server, as the alias
    "restore"; dropped at the end."""
    name = f"wip_restore_{os.getpid()}"
    default = connections["default"]
    with default.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = {
        **default.settings_dict,
        "NAME": name,
        "CONN_MAX_AGE": 0,
        "TEST": {**default.settings_dict["TEST"], "NAME": name},
    }
    try:
        with fresh_database(RESTORE_ALIAS, settings_dict) as connection:
            yield connection
    finally:
        with default.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_into_a_new_postgresql_database(
    postgresql_restore_database, tmp_path, settings, capsys
):
    build_portal()
    source_media = media_files(Path(settings.MEDIA_ROOT))
    source_files = stored_files("default")
    before = {
        "applications": applications("default"),
        "accounts": accounts("default"),
        "rows": row_counts("default"),
    }
    largest_user = max(pk for pk, *_rest in before["accounts"])
    largest_mail = Mail.objects.order_by("-pk").values_list("pk", flat=True).first()

    started = time.perf_counter()
    backup = backups.create_backup(output=tmp_path / "backups" / "portal.tar.gz")
    backed_up = time.perf_counter() - started
    assert backup.manifest["database"]["vendor"] == "postgresql"
    assert backup.manifest["database"]["snapshot"] == "repeatable read"

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    out = io.StringIO()
    started = time.perf_counter()
    call_command("restore_portal", str(backup.path), "--database", RESTORE_ALIAS, stdout=out)
    restored_in = time.perf_counter() - started

    assert "every row count and SHA-256 matches the manifest" in out.getvalue()
    assert applications(RESTORE_ALIAS) == before["applications"]
    assert accounts(RESTORE_ALIAS) == before["accounts"]
    after = row_counts(RESTORE_ALIAS)
    assert after == before["rows"]
    for user in User.objects.using(RESTORE_ALIAS):
        assert user.check_password(PASSWORD), user.email
    restored_media = media_files(Path(settings.MEDIA_ROOT))
    assert restored_media == source_media
    assert stored_files(RESTORE_ALIAS) == source_files

    # New rows after the restore: ids past the restored ones, in tables with and without a
    # model of their own.
    newcomer = User.objects.db_manager(RESTORE_ALIAS).create_user(
        email="newcomer@example.org", password=PASSWORD, full_name="Nora Newcomer"
    )
    assert newcomer.pk > largest_user
    mail = Mail.objects.using(RESTORE_ALIAS).create(
        to="newcomer@example.org", language="en", kind="test", subject="Hello", body_text="Hi."
    )
    assert mail.pk > largest_mail
    programme = Programme.objects.using(RESTORE_ALIAS).get(slug="films-in-progress")
    programme.team.add(newcomer)
    newcomer.groups.add(Group.objects.using(RESTORE_ALIAS).get(name="Editors"))
    assert set(programme.team.values_list("email", flat=True)) == {
        "staff@example.org",
        "newcomer@example.org",
    }

    lost_rows = sum(abs(before["rows"][label] - after.get(label, 0)) for label in before["rows"])
    lost_files = sum(1 for name, data in source_media.items() if restored_media.get(name) != data)
    with capsys.disabled():
        print(
            f"\nbackup round trip on PostgreSQL: {sum(after.values())} rows, "
            f"{len(restored_media)} files, {sum(map(len, restored_media.values()))} bytes "
            f"restored, items lost: {lost_rows + lost_files} (archive "
            f"{backup.path.stat().st_size} bytes; backup {backed_up:.2f} s, restore "
            f"{restored_in:.2f} s)"
        )
