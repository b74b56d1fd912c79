"""`manage.py restore_portal ARCHIVE`: restore a backup_portal archive into an empty
database and media folder, or check it (--check). See wip_portal/backups.py.

Its output is for operators and, like Django's own commands, not translated."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from wip_portal.backups import (
    BackupError,
    check_compatible,
    inspect_archive,
    restore_backup,
    storage_folders,
)
from wip_portal.management.commands.backup_portal import size_label


class Command(BaseCommand):
    help = (
        "Restore a backup_portal archive: check every file against its manifest, migrate the "
        "empty database to the backup's state, load the rows, write the files, then apply "
        "newer migrations. Refuses a database or media folder that holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The .tar.gz archive written by backup_portal.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive (checksums, paths, row counts); change nothing.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Restore even if the database or the media folder holds data: every row is "
                "deleted first, and files of the same name are replaced."
            ),
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database to restore into (default: "default").',
        )

    def handle(
        self, *args, archive, check=False, force=False, database=DEFAULT_DB_ALIAS, **options
    ):
        try:
            if check:
                inspection = inspect_archive(archive)
            else:
                restore = restore_backup(path=archive, using=database, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error

        if check:
            manifest = inspection.manifest
            self.stdout.write(
                self.style.SUCCESS(f"{archive} is sound")
                + f": made {manifest['created_at']} by portal {manifest['portal_version']} "
                f"({manifest['database']['vendor']}), {sum(inspection.rows.values())} rows, "
                f"{inspection.files} files ({size_label(inspection.bytes)}), every SHA-256 "
                "matches its manifest."
            )
            self.write_missing(manifest["missing_files"])
            try:
                check_compatible(manifest, storage_folders())
            except BackupError as error:
                self.stderr.write(self.style.WARNING(f"This portal cannot restore it: {error}"))
            return

        manifest = restore.manifest
        self.stdout.write(
            self.style.SUCCESS(f"Restored {archive}")
            + f" (made {manifest['created_at']}) into the database {database!r}"
            + (" after deleting its rows" if restore.flushed else "")
            + ":"
        )
        width = max((len(label) for label in restore.rows), default=0)
        for label, rows in sorted(restore.rows.items()):
            if rows:
                self.stdout.write(f"  {label.ljust(width)}  {rows:>8}")
        self.stdout.write(
            f"  {sum(restore.rows.values())} rows, {restore.files} files, "
            f"{restore.bytes} bytes ({size_label(restore.bytes)}); every row count and "
            "SHA-256 matches the manifest."
        )
        if restore.kept_files:
            self.stdout.write(
                f"  {restore.kept_files} files already in the media folders were kept."
            )
        if restore.newer_migrations:
            self.stdout.write(
                f"  Then applied {len(restore.newer_migrations)} migrations newer than the "
                "backup: " + ", ".join(restore.newer_migrations)
            )
        self.write_missing(restore.missing_files)

    def write_missing(self, missing):
        if missing:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(missing)} files the database refers to were not in the backup "
                    "(see missing_files in its manifest)."
                )
            )
