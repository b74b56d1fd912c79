"""Backups: the database and every uploaded file in one archive, and their restore into an
empty database (`manage.py backup_portal`, `manage.py restore_portal`).

An archive, `wip-portal-<UTC time>.tar.gz`, is written with mode 0600 (its folder 0700 when
created here) and every member with mode 0600, since uploads are private. It holds, in this
order:

- `database.jsonl`: every row, as `dumpdata --format jsonl --natural-foreign --all` writes
  it (base managers, so no row is hidden by a custom manager), without the content types
  and permissions: migrations create them again, and the rows that point at them (the
  activity log, user and group permissions, the admin log) do so by natural key (app label
  and model name; codename), which holds on any database. Primary keys are kept.
- `files/<storage>/<path>`: every file of each file-system storage in STORAGES (static
  files aside). Today that is the default storage, MEDIA_ROOT, where every upload lives.
- `manifest.json`: when, the portal and Django versions, the migrations applied per app,
  the rows per model (table), the database dump's and each file's size and SHA-256, and the
  files that rows refer to but that were not found ("missing_files").

Why dumpdata and not pg_dump. pg_dump (custom format) would be faster on a large database
and carry the schema as it was, but its restore needs a pg_restore of the server's major
version or newer, the source's roles and extensions, and it cannot go to SQLite. The dump
restores into SQLite or PostgreSQL alike (a copy of production on a laptop, a move from one
to the other), and the restore goes through the migrations: the empty database is migrated
to the backup's state, loaded, and then migrated to the code's, so an archive also restores
into a newer version of the portal. The portal's data (thousands of rows; the weight is in
the files) dumps and loads in seconds.

Consistency. The rows, the row counts and the list of files the rows refer to are read in
one transaction: REPEATABLE READ, READ ONLY on PostgreSQL (one snapshot for every table, as
pg_dump takes it; writers are not blocked); on SQLite one transaction, whose read lock
makes writers wait (up to SQLite's timeout) until the dump ends, unless in WAL mode. The
files are read afterwards, from the live folder, so that the archive matches the snapshot
as closely as can be without a file-system snapshot: a file uploaded meanwhile may be in
the archive without its row (harmless: an unused file); a file deleted meanwhile (a
replaced logo, an old export) is missing while its row is in the dump; the manifest lists
those under "missing_files" and both commands print them. Reading the files first would
turn the harmless case into the harmful one.

Restoring checks the whole archive first (paths, member types, every SHA-256 and size
against the manifest, the rows per model in the dump), then refuses a database or a media
folder that already holds data unless forced (then every row is deleted and files of the
same path are replaced), migrates, loads, resets the PostgreSQL sequence of every table
(what sqlsequencereset prints, for every model and many-to-many table, not only those
loaddata loaded), counts the rows again, writes the files (never outside their folder, never
through a link, each hashed again) and applies the migrations newer than the backup. A
failure before the load leaves the database empty; loaddata itself runs in one transaction.

The manifest is inside the archive: the checks find damage and changes made by mistake,
not a forgery by someone able to rewrite the archive. Keep archives where only the
portal's operators can read them.

Messages are for the operators running the commands and, like Django's own commands, not
translated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import stat
import tarfile
import tempfile
import tomllib
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

ARCHIVE_FORMAT = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "database.jsonl"
FILES_DIR = "files"
# Created by the migrations of the database restored into; rows point at them by natural key.
EXCLUDED_MODELS = ("contenttypes.ContentType", "auth.Permission")
ARCHIVE_FILE_MODE = 0o600
ARCHIVE_DIRECTORY_MODE = 0o700
MAX_MANIFEST_BYTES = 256 * 1024 * 1024
CHUNK = 1024 * 1024
MAX_PROBLEMS_SHOWN = 20
TABLE_NAME = re.compile(r"[A-Za-z0-9_]{1,128}")


class BackupError(Exception):
    """A backup, check or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class Folder:
    """A storage's folder on disk and the modes its files and folders are written with."""

    alias: str
    root: Path
    file_mode: int
    directory_mode: int


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(entry["rows"] for entry in self.manifest["models"].values())

    @property
    def files(self) -> int:
        return len(self.manifest["files"])

    @property
    def bytes(self) -> int:
        return sum(entry["size"] for entry in self.manifest["files"])

    @property
    def missing_files(self) -> list[dict]:
        return self.manifest["missing_files"]

    @property
    def skipped(self) -> list[dict]:
        return self.manifest["skipped"]


@dataclass(frozen=True)
class Inspection:
    """An archive whose every check passed."""

    path: Path
    manifest: dict
    database_path: Path | None
    files: int
    bytes: int

    @property
    def rows(self) -> dict[str, int]:
        return {label: entry["rows"] for label, entry in self.manifest["models"].items()}


@dataclass(frozen=True)
class Restore:
    manifest: dict
    rows: dict[str, int]
    files: int
    bytes: int
    flushed: bool = False
    kept_files: int = 0
    newer_migrations: list[str] = field(default_factory=list)
    missing_files: list[dict] = field(default_factory=list)


# Where things are


def storage_folders() -> dict[str, Folder]:
    """The folder of every storage in STORAGES but the static files', by alias. A storage
    whose folder is another's (or inside it) is archived once, under the first alias."""
    folders: dict[str, Folder] = {}
    for alias in settings.STORAGES:
        if alias == "staticfiles":
            continue
        storage = storages[alias]
        if not isinstance(storage, FileSystemStorage):
            raise BackupError(
                f"The storage {alias!r} ({type(storage).__name__}) does not keep its files in "
                "a folder: back its files up with the service that holds them."
            )
        root = Path(storage.location).resolve()
        if any(root.is_relative_to(folder.root) for folder in folders.values()):
            continue
        folders[alias] = Folder(
            alias=alias,
            root=root,
            file_mode=storage.file_permissions_mode or ARCHIVE_FILE_MODE,
            directory_mode=storage.directory_permissions_mode or ARCHIVE_DIRECTORY_MODE,
        )
    return folders


def default_archive_name(moment: dt.datetime) -> str:
    return f"wip-portal-{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}.tar.gz"


def archive_path(output: str | Path | None, moment: dt.datetime) -> Path:
    """`output` is a file, or a folder (one that exists, or written with a trailing slash)
    that receives a timestamped name; by default the project's backups/ folder."""
    if output is None:
        return Path(settings.BASE_DIR) / "backups" / default_archive_name(moment)
    text = str(output)
    path = Path(text).expanduser()
    if path.is_dir() or text.endswith(("/", os.sep)):
        return path / default_archive_name(moment)
    return path


def portal_version() -> str:
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def backed_up_models() -> list[type[models.Model]]:
    """Every table the dump holds rows of, many-to-many tables included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label not in EXCLUDED_MODELS
    ]


# Reading the database


def count_table(connection, table: str) -> int:
    # A table of the portal's own models (or of its manifest, checked first), quoted.
    query = f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(query)
        return cursor.fetchone()[0]


def count_rows(connection) -> dict[str, dict]:
    """Rows per model: {label: {"table", "rows", "through"}}; "through" marks the
    many-to-many tables, whose rows the dump holds inside their model's objects."""
    return {
        model._meta.label: {
            "table": model._meta.db_table,
            "rows": count_table(connection, model._meta.db_table),
            "through": bool(model._meta.auto_created),
        }
        for model in backed_up_models()
    }


def applied_migrations(connection) -> dict[str, dict]:
    """Per app, every migration applied and the latest ones (those no other applied
    migration of the app follows): the targets a restore migrates to."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    result = {}
    for app_label in sorted({app for app, _name in applied}):
        keys = {key for key in applied if key[0] == app_label}
        in_graph = {key for key in keys if key in loader.graph.nodes}
        followed = {
            parent.key
            for key in in_graph
            for parent in loader.graph.node_map[key].parents
            if parent.key[0] == app_label
        }
        result[app_label] = {
            "applied": sorted(name for _app, name in keys),
            "latest": sorted(name for _app, name in in_graph - followed),
        }
    return result


def referenced_files(using: str, folders: dict[str, Folder]) -> list[dict]:
    """Every file a row names, with the storage (alias) it is in."""
    alias_by_root = {folder.root: folder.alias for folder in folders.values()}
    found = []
    for model in apps.get_models():
        fields = [
            file_field
            for file_field in model._meta.concrete_fields
            if isinstance(file_field, models.FileField)
            and isinstance(file_field.storage, FileSystemStorage)
        ]
        if not fields:
            continue
        aliases = [
            next(
                (
                    alias
                    for root, alias in alias_by_root.items()
                    if Path(file_field.storage.location).resolve().is_relative_to(root)
                ),
                None,
            )
            for file_field in fields
        ]
        rows = model._base_manager.using(using).values_list("pk", *(f.attname for f in fields))
        for pk, *names in rows.iterator():
            for file_field, alias, name in zip(fields, aliases, names, strict=True):
                if name:
                    found.append(
                        {
                            "storage": alias,
                            "path": name,
                            "model": model._meta.label,
                            "pk": pk,
                            "field": file_field.name,
                        }
                    )
    return found


def unapplied_migrations(connection) -> list[str]:
    """The code's migrations the database lacks, in the order they would be applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def snapshot_level(connection, *, outermost: bool) -> str:
    """Start the snapshot the dump is read in; the isolation level it got."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if outermost:
                # The first statement of the transaction; pg_dump reads the same way.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SHOW transaction_isolation")
            return cursor.fetchone()[0]
    if connection.vendor == "sqlite":
        return "serializable"  # SQLite has no other level
    return "transaction"


def dump_database(*, using: str, path: Path, folders: dict[str, Folder]) -> dict:
    """Write every row to `path` (JSON lines) and read, in the same snapshot, the row counts,
    the migrations and the files the rows refer to."""
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using), path.open("w", encoding="utf-8") as stream:
        level = snapshot_level(connection, outermost=outermost)
        call_command(
            "dumpdata",
            format="jsonl",
            database=using,
            exclude=list(EXCLUDED_MODELS),
            use_natural_foreign_keys=True,
            use_base_manager=True,
            verbosity=0,
            stdout=stream,
        )
        return {
            "snapshot": level,
            "models": count_rows(connection),
            "migrations": applied_migrations(connection),
            "referenced": referenced_files(using, folders),
        }


# Writing the archive


class HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes it hands over."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def private_member(name: str, *, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = int(mtime)
    info.mode = ARCHIVE_FILE_MODE
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict | None:
    """Add one regular file (never through a link); its size and SHA-256 as archived, or
    None when it vanished or is not a regular file any more."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # gone since the folder was listed, or a link put in its place
        return None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            return None
        reader = HashingReader(handle)
        tar.addfile(private_member(name, size=status.st_size, mtime=status.st_mtime), reader)
    return {"size": reader.size, "sha256": reader.sha256.hexdigest()}


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    tar.addfile(private_member(name, size=len(data), mtime=mtime), io.BytesIO(data))


def folder_files(folder: Folder, *, skip: set[Path]):
    """(relative POSIX path, absolute path) of every regular file under the folder, sorted;
    links and special files go to `skipped` instead (yielded with path None)."""
    if not folder.root.is_dir():
        return
    for directory, dirnames, filenames in os.walk(folder.root):
        current = Path(directory)
        kept = []
        for name in sorted(dirnames):
            path = current / name
            if path in skip:
                continue
            if path.is_symlink():
                yield path.relative_to(folder.root).as_posix(), None
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            path = current / name
            relative = path.relative_to(folder.root).as_posix()
            try:
                relative.encode("utf-8")
                regular = stat.S_ISREG(path.lstat().st_mode)
            except (UnicodeEncodeError, FileNotFoundError):
                regular = False
            yield relative, (path if regular else None)


def add_folders(
    tar: tarfile.TarFile, folders: dict[str, Folder], *, skip: set[Path]
) -> tuple[list[dict], list[dict]]:
    """Add every regular file of the storages' folders: the files archived (path, size,
    SHA-256) and those left out (links, special files, files gone meanwhile)."""
    files, skipped = [], []
    for folder in folders.values():
        for relative, source in folder_files(folder, skip=skip):
            entry = {"storage": folder.alias, "path": relative}
            archived = None
            if source is not None:
                archived = add_file(tar, f"{FILES_DIR}/{folder.alias}/{relative}", source)
            if archived is None:
                skipped.append(entry)
            else:
                files.append({**entry, **archived})
    return files, skipped


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def create_backup(*, output: str | Path | None = None, using: str = DEFAULT_DB_ALIAS) -> Backup:
    """Write an archive of the database and of every storage's files; see the module."""
    folders = storage_folders()
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)
    path = archive_path(output, started).absolute()
    for folder in folders.values():
        if path.resolve().is_relative_to(folder.root):
            raise BackupError(
                f"{path} is inside the folder of the storage {folder.alias!r} "
                f"({folder.root}): write archives elsewhere, or each would hold the last."
            )
    if path.exists():
        raise BackupError(f"{path} exists already; name another file.")
    if pending := unapplied_migrations(connections[using]):
        raise BackupError(
            f"The database lacks {len(pending)} migrations of this code ({', '.join(pending[:5])}"
            f"{', …' if len(pending) > 5 else ''}): run migrate first, or back up with the "
            "version of the portal that matches the database."
        )
    path.parent.mkdir(mode=ARCHIVE_DIRECTORY_MODE, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".wip-backup-") as work_name:
        work = Path(work_name).resolve()
        dump = work / DATABASE_NAME
        database = dump_database(using=using, path=dump, folders=folders)
        partial = work / path.name
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, ARCHIVE_FILE_MODE)
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(
                fileobj=raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
            ) as tar:
                dumped = add_file(tar, DATABASE_NAME, dump)
                files, skipped = add_folders(tar, folders, skip={work})
                archived = {(entry["storage"], entry["path"]) for entry in files}
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "created_at": utc_text(started),
                    "finished_at": utc_text(dt.datetime.now(dt.UTC)),
                    "portal_version": portal_version(),
                    "django_version": django.get_version(),
                    "database": {
                        "vendor": connections[using].vendor,
                        "snapshot": database["snapshot"],
                        "file": DATABASE_NAME,
                        "format": "jsonl",
                        "excluded": list(EXCLUDED_MODELS),
                        **dumped,
                    },
                    "migrations": database["migrations"],
                    "models": database["models"],
                    "storages": {alias: str(folder.root) for alias, folder in folders.items()},
                    "files": files,
                    "referenced_files": len(database["referenced"]),
                    "missing_files": [
                        entry
                        for entry in database["referenced"]
                        if (entry["storage"], entry["path"]) not in archived
                    ],
                    "skipped": skipped,
                }
                data = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
                add_bytes(tar, MANIFEST_NAME, data, started.timestamp())
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    return Backup(path=path, manifest=manifest)


# Reading an archive


def member_kind(member: tarfile.TarInfo) -> tuple[str, str | None, str | None]:
    """("manifest" | "database" | "file" | "folder", storage, relative path), or BackupError
    for any member that could write outside its folder or is not a plain file."""
    name = member.name
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or "\x00" in name
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise BackupError(f"The archive member {name!r} escapes its folder: refused.")
    if member.isdir():
        if parts[0] == FILES_DIR and len(parts) <= 64:
            return "folder", None, None
        raise BackupError(f"Unexpected folder {name!r} in the archive: refused.")
    if not member.isreg():
        raise BackupError(
            f"The archive member {name!r} is a link or a special file, which a portal "
            "backup never holds: refused."
        )
    if name == MANIFEST_NAME:
        return "manifest", None, None
    if name == DATABASE_NAME:
        return "database", None, None
    if parts[0] == FILES_DIR and len(parts) >= 3:
        return "file", parts[1], "/".join(parts[2:])
    raise BackupError(f"Unexpected member {name!r} in the archive: refused.")


def copy_hashed(source, target=None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return size, digest.hexdigest()


def dumped_objects(path: Path) -> Counter:
    """Objects per model (lower-case label) in a JSON lines dump."""
    counts = Counter()
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                counts[json.loads(line)["model"]] += 1
    return counts


def fail(path: Path, problems: list[str]) -> None:
    if problems:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = "\n".join(f"  - {problem}" for problem in shown)
        tail = f"\n  … and {more} more" if more else ""
        raise BackupError(
            f"The archive {path} fails its checks, nothing was restored:\n{lines}{tail}"
        )


def open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:*")
    except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(f"{path} is not a readable archive: {error}") from error


def read_members(path: Path, database_to: Path | None):
    """Hash every member of the archive once; the manifest, the database's digest and the
    files' digests. The dump is copied to `database_to` when given."""
    seen: set[str] = set()
    manifest = None
    database = None
    files: dict[tuple[str, str], dict] = {}
    with open_archive(path) as tar:
        try:
            for member in tar:
                kind, storage, relative = member_kind(member)
                if member.name in seen:
                    raise BackupError(f"The archive member {member.name!r} appears twice: refused.")
                seen.add(member.name)
                if kind == "folder":
                    continue
                handle = tar.extractfile(member)
                if kind == "manifest":
                    if member.size > MAX_MANIFEST_BYTES:
                        raise BackupError(f"{path}: the manifest is too large to be one.")
                    try:
                        manifest = json.loads(handle.read().decode("utf-8"))
                    except (UnicodeDecodeError, json.JSONDecodeError) as error:
                        raise BackupError(f"{path}: the manifest is not JSON ({error}).") from error
                elif kind == "database":
                    if database_to is None:
                        size, sha256 = copy_hashed(handle)
                    else:
                        with database_to.open("xb") as target:
                            size, sha256 = copy_hashed(handle, target)
                    database = {"size": size, "sha256": sha256}
                else:
                    size, sha256 = copy_hashed(handle)
                    files[(storage, relative)] = {"size": size, "sha256": sha256}
        except (OSError, tarfile.TarError, EOFError, zlib.error) as error:
            raise BackupError(f"{path} is damaged: {error}") from error
    return manifest, database, files


def inspect_archive(path: str | Path, *, work: Path | None = None) -> Inspection:
    """Check an archive without restoring it: its members are plain files inside their
    folders, each matches the manifest (SHA-256 and size, none missing, none added), and the
    dump holds the rows the manifest counts. With `work` (a private folder), the dump is left
    there for the restore."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="wip-check-") as scratch:
        database_path = (work or Path(scratch)) / DATABASE_NAME
        manifest, database, files = read_members(path, database_path)
        if not isinstance(manifest, dict):
            raise BackupError(f"{path} has no {MANIFEST_NAME}: it is not a portal backup.")
        if manifest.get("format") != ARCHIVE_FORMAT:
            raise BackupError(
                f"{path} is a backup of format {manifest.get('format')!r}; this version of "
                f"the portal restores format {ARCHIVE_FORMAT}."
            )
        problems = []
        try:
            expected_database = manifest["database"]
            listed = {(entry["storage"], entry["path"]): entry for entry in manifest["files"]}
            model_rows = {
                label: (entry["rows"], entry["through"])
                for label, entry in manifest["models"].items()
            }
            migrations_ok = all(
                isinstance(entry["latest"], list) for entry in manifest["migrations"].values()
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{path}: the manifest is malformed ({error!r}).") from error
        if not migrations_ok:
            problems.append("the manifest's migrations are malformed")
        problems += [
            f"{label}: {entry.get('table')!r} is not a table name"
            for label, entry in manifest["models"].items()
            if not isinstance(entry.get("table"), str) or not TABLE_NAME.fullmatch(entry["table"])
        ]
        if database is None:
            problems.append(f"{DATABASE_NAME} is missing")
        elif (database["size"], database["sha256"]) != (
            expected_database.get("size"),
            expected_database.get("sha256"),
        ):
            problems.append(f"{DATABASE_NAME}: its SHA-256 or size differs from the manifest")
        for key in sorted(listed.keys() - files.keys()):
            problems.append(f"{FILES_DIR}/{key[0]}/{key[1]}: in the manifest, not in the archive")
        for key in sorted(files.keys() - listed.keys()):
            problems.append(f"{FILES_DIR}/{key[0]}/{key[1]}: in the archive, not in the manifest")
        for key in sorted(files.keys() & listed.keys()):
            entry = listed[key]
            if (files[key]["size"], files[key]["sha256"]) != (
                entry.get("size"),
                entry.get("sha256"),
            ):
                problems.append(
                    f"{FILES_DIR}/{key[0]}/{key[1]}: its SHA-256 or size differs from the manifest"
                )
        if database is not None and not problems:
            try:
                dumped = dumped_objects(database_path)
            except (json.JSONDecodeError, KeyError, TypeError) as error:
                problems.append(f"{DATABASE_NAME} is not a dump of JSON lines ({error!r})")
            else:
                labels = {label.lower(): label for label in model_rows}
                for lower, label in labels.items():
                    rows, through = model_rows[label]
                    if not through and dumped.get(lower, 0) != rows:
                        problems.append(
                            f"{label}: {dumped.get(lower, 0)} rows in the dump, "
                            f"{rows} in the manifest"
                        )
                for lower in sorted(dumped.keys() - labels.keys()):
                    problems.append(
                        f"{lower}: {dumped[lower]} rows in the dump, not in the manifest"
                    )
        fail(path, problems)
        return Inspection(
            path=path,
            manifest=manifest,
            database_path=database_path if work is not None else None,
            files=len(files),
            bytes=sum(entry["size"] for entry in files.values()),
        )


# Restoring


def database_rows(connection) -> dict[str, int]:
    """Rows in the tables the portal's models have (content types and permissions aside)."""
    existing = set(connection.introspection.table_names())
    rows = {}
    for model in backed_up_models():
        if model._meta.db_table in existing:
            count = count_table(connection, model._meta.db_table)
            if count:
                rows[model._meta.label] = count
    return rows


def count_files(folder: Folder) -> int:
    return sum(1 for _relative, path in folder_files(folder, skip=set()) if path is not None)


def check_compatible(manifest: dict, folders: dict[str, Folder]) -> dict[str, list[str]]:
    """The migration targets of the restore; BackupError when the archive comes from a newer
    portal (a migration or an app this code does not have) or names an unknown storage."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    installed = {config.label for config in apps.get_app_configs()}
    problems = []
    targets = {}
    for app_label, entry in manifest["migrations"].items():
        if app_label not in installed:
            problems.append(f"the app {app_label!r} is not installed here")
            continue
        for name in entry["latest"]:
            if (app_label, name) not in loader.graph.nodes:
                problems.append(f"the migration {app_label}.{name} is unknown here")
        targets[app_label] = list(entry["latest"])
    for storage in sorted({entry["storage"] for entry in manifest["files"]} - folders.keys()):
        problems.append(f"the storage {storage!r} is not configured here (STORAGES)")
    if problems:
        raise BackupError(
            "This archive comes from another version or setup of the portal: "
            + "; ".join(problems)
            + ". Restore it with the version it was made with (portal "
            + f"{manifest.get('portal_version', 'unknown')}), then upgrade."
        )
    return targets


def migrate(using: str, *args: str) -> None:
    call_command("migrate", *args, database=using, interactive=False, verbosity=0)


def migrate_to(using: str, targets: dict[str, list[str]]) -> None:
    """Bring the database to the backup's migration state: for each app, exactly the
    migrations up to its latest applied in the backup."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    leaves: dict[str, set[str]] = {}
    for app_label, name in graph.leaf_nodes():
        leaves.setdefault(app_label, set()).add(name)
    wanted = {app_label: set(names) for app_label, names in targets.items() if names}
    if wanted == leaves:
        migrate(using)  # the usual case: the backup is of this version
        return
    expected = {
        app_label: {
            key
            for name in names
            for key in graph.forwards_plan((app_label, name))
            if key[0] == app_label
        }
        for app_label, names in wanted.items()
    }
    for app_label in leaves.keys() - wanted.keys():
        expected[app_label] = set()

    def state() -> dict[str, set]:
        recorder = MigrationRecorder(connections[using])
        applied = set(recorder.applied_migrations()) if recorder.has_table() else set()
        return {
            app_label: {key for key in applied if key[0] == app_label and key in graph.nodes}
            for app_label in expected
        }

    # Moves back first (unapplying takes later migrations of other apps with it), then
    # forwards; each call can bring other apps to their state, so look again before each.
    have = state()
    backwards = sorted(app for app in expected if have[app] - expected[app])
    forwards = sorted(app for app in expected if app not in backwards)
    for app_label in backwards + forwards:
        have = state()
        if have[app_label] == expected[app_label]:
            continue
        for name in sorted(wanted.get(app_label, ["zero"])):
            migrate(using, app_label, name)
    have = state()
    wrong = sorted(app for app in expected if have[app] != expected[app])
    if wrong:
        raise BackupError(
            "The database could not be migrated to the backup's state (apps "
            f"{', '.join(wrong)}): restore with the version of the portal the backup was made with."
        )


def reset_sequences(connection) -> int:
    """Set every table's id sequence past its largest id (PostgreSQL; nothing elsewhere)."""
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return len(statements)


def safe_target(folder: Folder, relative: str) -> Path:
    """The path a file of the archive goes to: inside the folder, and reached through no
    link (a link planted in the folder could send it elsewhere). Creates the folders."""
    parts = PurePosixPath(relative).parts
    current = folder.root
    folder.root.mkdir(mode=folder.directory_mode, parents=True, exist_ok=True)
    for part in parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise BackupError(f"{current} is a link: refused to write {relative!r} through it.")
        if not current.exists():
            current.mkdir(mode=folder.directory_mode)
            os.chmod(current, folder.directory_mode)
        elif not current.is_dir():
            raise BackupError(f"{current} is not a folder: cannot restore {relative!r}.")
    target = current / parts[-1]
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise BackupError(f"{target} is a link or a folder: refused to replace it.")
    if not Path(os.path.realpath(target)).is_relative_to(folder.root):
        raise BackupError(f"{relative!r} escapes {folder.root}: refused.")
    return target


def extract_files(path: Path, manifest: dict, folders: dict[str, Folder]) -> tuple[int, int]:
    """Write every file of the archive into its storage's folder, each hashed again."""
    expected = {(entry["storage"], entry["path"]): entry for entry in manifest["files"]}
    count = total = 0
    with open_archive(path) as tar:
        for member in tar:
            kind, storage, relative = member_kind(member)
            if kind != "file":
                continue
            folder = folders[storage]
            target = safe_target(folder, relative)
            partial = target.with_name(f".{target.name}.restoring-{os.getpid()}")
            descriptor = os.open(
                partial,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                folder.file_mode,
            )
            try:
                with os.fdopen(descriptor, "wb") as handle:
                    size, sha256 = copy_hashed(tar.extractfile(member), handle)
                entry = expected.get((storage, relative), {})
                if (size, sha256) != (entry.get("size"), entry.get("sha256")):
                    raise BackupError(f"{member.name}: its SHA-256 differs from the manifest.")
                os.chmod(partial, folder.file_mode)
                os.utime(partial, (member.mtime, member.mtime))
                os.replace(partial, target)
            finally:
                if partial.exists():
                    partial.unlink()
            count += 1
            total += size
    return count, total


def restore_backup(
    *, path: str | Path, using: str = DEFAULT_DB_ALIAS, force: bool = False
) -> Restore:
    """Restore an archive into the database `using` and the storages' folders; see the
    module. Refuses a database or folder holding data unless `force`."""
    path = Path(path)
    folders = storage_folders()
    connection = connections[using]
    with tempfile.TemporaryDirectory(prefix="wip-restore-") as work:
        inspection = inspect_archive(path, work=Path(work))
        manifest = inspection.manifest
        targets = check_compatible(manifest, folders)

        rows_here = database_rows(connection)
        files_here = {alias: count_files(folder) for alias, folder in folders.items()}
        if not force:
            refusals = []
            if rows_here:
                biggest = sorted(rows_here.items(), key=lambda item: -item[1])[:3]
                shown = ", ".join(f"{label}: {rows}" for label, rows in biggest)
                refusals.append(
                    f"the database {connection.settings_dict['NAME']!s} already holds data "
                    f"({sum(rows_here.values())} rows; {shown})"
                )
            for alias, count in files_here.items():
                if count:
                    refusals.append(
                        f"the folder of the storage {alias!r} ({folders[alias].root}) already "
                        f"holds {count} files"
                    )
            if refusals:
                raise BackupError(
                    "Refused: "
                    + "; ".join(refusals)
                    + ". Restore into an empty database and folder, or pass --force to "
                    "delete every row first and replace files of the same name."
                )
        flushed = bool(rows_here)
        if flushed:
            call_command(
                "flush", database=using, interactive=False, inhibit_post_migrate=True, verbosity=0
            )

        migrate_to(using, targets)
        call_command("loaddata", str(inspection.database_path), database=using, verbosity=0)
        reset_sequences(connection)

        tables = set(connection.introspection.table_names())
        restored = {
            label: count_table(connection, entry["table"]) if entry["table"] in tables else None
            for label, entry in manifest["models"].items()
        }
        differ = [
            f"{label}: {restored[label]} rows restored, {entry['rows']} in the backup"
            if restored[label] is not None
            else f"{label}: no table {entry['table']} after the migrations"
            for label, entry in manifest["models"].items()
            if restored[label] != entry["rows"]
        ]
        if differ:
            raise BackupError(
                "The rows restored differ from the backup's (run again with --force once the "
                "cause is fixed):\n" + "\n".join(f"  - {line}" for line in differ)
            )
        files, size = extract_files(path, manifest, folders)
        kept = sum(count_files(folder) for folder in folders.values()) - files

    newer = unapplied_migrations(connection)
    if newer:
        migrate(using)
    return Restore(
        manifest=manifest,
        rows=restored,
        files=files,
        bytes=size,
        flushed=flushed,
        kept_files=kept,
        newer_migrations=newer,
        missing_files=manifest["missing_files"],
    )
