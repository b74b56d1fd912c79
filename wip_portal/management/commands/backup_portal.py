"""`manage.py backup_portal`: the database and every uploaded file in one archive (see
wip_portal/backups.py).

Its output is for operators and, like Django's own commands, not translated."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from wip_portal.backups import BackupError, create_backup


def size_label(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"  # pragma: no cover


class Command(BaseCommand):
    help = (
        "Write a backup of the database and of the uploaded files to one archive "
        "(wip-portal-<UTC time>.tar.gz, readable by its owner only), with a manifest of "
        "row counts and SHA-256 checksums. Restore it with restore_portal."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            help=(
                "The archive to write, or a folder to write it in (default: backups/ in the "
                "project folder). An existing file is never replaced."
            ),
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database to back up (default: "default").',
        )

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        try:
            backup = create_backup(output=output, using=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = backup.manifest
        models = sum(1 for entry in manifest["models"].values() if entry["rows"])
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {backup.path}")
            + f" ({size_label(backup.path.stat().st_size)}): {backup.rows} rows of {models} "
            f"models ({manifest['database']['snapshot']} snapshot), {backup.files} files "
            f"({size_label(backup.bytes)})."
        )
        if backup.missing_files:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(backup.missing_files)} files the database refers to were not found "
                    "(deleted during the backup, or lost before it); listed in the manifest "
                    "under missing_files:"
                )
            )
            for entry in backup.missing_files[:20]:
                self.stderr.write(
                    f"  {entry['model']} {entry['pk']} {entry['field']}: {entry['path']}"
                )
        if backup.skipped:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(backup.skipped)} links or special files in the media folders were "
                    "left out (listed in the manifest under skipped)."
                )
            )
