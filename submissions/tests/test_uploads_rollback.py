"""The write functions of uploads.py when their transaction does not commit: the database
refuses a statement (as when the connection is cut under the request) or the commit
fails. The files they stored are removed again, so that every stored file has its row;
files of rows that did commit are kept, so that every row has its file."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, connections

from editions.models import Material
from submissions import uploads
from submissions.models import Director, Document, Still
from submissions.tests.factories import (
    PDF_BYTES,
    DirectorFactory,
    DocumentFactory,
    ProjectFactory,
    jpeg_bytes,
)

CUT = "terminating connection due to administrator command"


def stored_files(settings) -> set[str]:
    root = settings.MEDIA_ROOT
    if not root.exists():
        return set()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


class CutAt:
    """Fails the first statement that starts with `prefix`, as PostgreSQL does when the
    connection is terminated while the statement runs (connection.execute_wrapper)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.cut = 0

    def __call__(self, execute, sql, params, many, context):
        if not self.cut and sql.lstrip().upper().startswith(self.prefix.upper()):
            self.cut += 1
            raise OperationalError(CUT)
        return execute(sql, params, many, context)


def still_uploads(count):
    files = [SimpleUploadedFile(f"still{n}.jpg", jpeg_bytes(), "image/jpeg") for n in range(count)]
    return [(file, uploads.check_image(file)) for file in files]


def pdf(name="budget.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


@pytest.mark.django_db
def test_add_stills_cut_at_insert_leaves_no_file(settings):
    project = ProjectFactory()
    cut = CutAt('INSERT INTO "submissions_still"')
    with connection.execute_wrapper(cut), pytest.raises(OperationalError):
        uploads.add_stills(project=project, by=project.owner, uploads=still_uploads(1))
    assert cut.cut == 1
    assert not Still.objects.exists()
    assert stored_files(settings) == set()


@pytest.mark.django_db
def test_add_stills_cut_at_the_second_still_removes_both_files(settings):
    project = ProjectFactory()
    inserts = []

    def second_insert(execute, sql, params, many, context):
        if sql.startswith('INSERT INTO "submissions_still"'):
            inserts.append(sql)
            if len(inserts) == 2:
                raise OperationalError(CUT)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(second_insert), pytest.raises(OperationalError):
        uploads.add_stills(project=project, by=project.owner, uploads=still_uploads(2))
    assert len(inserts) == 2
    assert not Still.objects.exists()
    assert stored_files(settings) == set()


@pytest.mark.django_db
def test_set_director_photo_cut_at_update_keeps_the_old_photo_only(settings):
    director = DirectorFactory(photo=ContentFile(jpeg_bytes(400, 500), name="photo.jpg"))
    old = director.photo.name
    before = stored_files(settings)
    upload = SimpleUploadedFile("new.jpg", jpeg_bytes(800, 1000), "image/jpeg")
    with (
        connection.execute_wrapper(CutAt('UPDATE "submissions_director"')),
        pytest.raises(OperationalError),
    ):
        uploads.set_director_photo(director=director, by=director.project.owner, upload=upload)
    assert Director.objects.get(pk=director.pk).photo.name == old
    assert stored_files(settings) == before
    assert old in before


@pytest.mark.django_db
def test_save_document_cut_at_insert_leaves_no_file(settings):
    project = ProjectFactory()
    with (
        connection.execute_wrapper(CutAt('INSERT INTO "submissions_document"')),
        pytest.raises(OperationalError),
    ):
        uploads.save_document(project=project, by=project.owner, kind=Material.BUDGET, upload=pdf())
    assert not Document.objects.exists()
    assert stored_files(settings) == set()


@pytest.mark.django_db
def test_save_document_again_cut_at_update_keeps_the_old_file_only(settings):
    project = ProjectFactory()
    first = DocumentFactory(project=project, kind=Material.BUDGET)
    before = stored_files(settings)
    with (
        connection.execute_wrapper(CutAt('UPDATE "submissions_document"')),
        pytest.raises(OperationalError),
    ):
        uploads.save_document(
            project=project, by=project.owner, kind=Material.BUDGET, upload=pdf("v2.pdf")
        )
    assert Document.objects.get(pk=first.pk).file.name == first.file.name
    assert stored_files(settings) == before == {first.file.name}


# --- The commit itself fails ------------------------------------------------------------


@pytest.fixture
def commit_fails(monkeypatch):
    """The next commit raises as a cut connection makes it: the server rolled the
    transaction back (`committed=False`), or committed it and the answer was lost
    (`committed=True`)."""
    wrapper = type(connections["default"])
    real_commit = wrapper._commit

    def fail(*, committed: bool):
        failures = []

        def commit(self):
            if failures:
                return real_commit(self)
            failures.append(committed)
            if committed:
                real_commit(self)
            else:
                self._rollback()
            raise OperationalError(CUT)

        monkeypatch.setattr(wrapper, "_commit", commit)
        return failures

    return fail


@pytest.mark.django_db(transaction=True)
def test_add_stills_commit_failed_leaves_no_file(settings, commit_fails):
    project = ProjectFactory()
    commit_fails(committed=False)
    with pytest.raises(OperationalError):
        uploads.add_stills(project=project, by=project.owner, uploads=still_uploads(1))
    assert not Still.objects.exists()
    assert stored_files(settings) == set()


@pytest.mark.django_db(transaction=True)
def test_add_stills_committed_but_answer_lost_keeps_the_file(settings, commit_fails):
    project = ProjectFactory()
    commit_fails(committed=True)
    with pytest.raises(OperationalError):
        uploads.add_stills(project=project, by=project.owner, uploads=still_uploads(1))
    (still,) = Still.objects.all()
    assert stored_files(settings) == {still.original.name}


@pytest.mark.django_db(transaction=True)
def test_save_document_committed_but_answer_lost_keeps_the_file(settings, commit_fails):
    project = ProjectFactory()
    commit_fails(committed=True)
    with pytest.raises(OperationalError):
        uploads.save_document(project=project, by=project.owner, kind=Material.BUDGET, upload=pdf())
    (document,) = Document.objects.all()
    assert stored_files(settings) == {document.file.name}


@pytest.mark.django_db(transaction=True)
def test_set_director_photo_committed_but_answer_lost_removes_the_old_photo(settings, commit_fails):
    director = DirectorFactory(photo=ContentFile(jpeg_bytes(400, 500), name="photo.jpg"))
    old = director.photo.name
    upload = SimpleUploadedFile("new.jpg", jpeg_bytes(800, 1000), "image/jpeg")
    commit_fails(committed=True)
    with pytest.raises(OperationalError):
        uploads.set_director_photo(director=director, by=director.project.owner, upload=upload)
    new = Director.objects.get(pk=director.pk).photo.name
    assert new != old
    assert stored_files(settings) == {new}


@pytest.mark.django_db(transaction=True)
def test_save_document_again_commit_failed_keeps_the_old_file_only(settings, commit_fails):
    project = ProjectFactory()
    first = DocumentFactory(project=project, kind=Material.BUDGET)
    commit_fails(committed=False)
    with pytest.raises(OperationalError):
        uploads.save_document(
            project=project, by=project.owner, kind=Material.BUDGET, upload=pdf("v2.pdf")
        )
    assert Document.objects.get(pk=first.pk).file.name == first.file.name
    assert stored_files(settings) == {first.file.name}


@pytest.mark.django_db(transaction=True)
def test_save_document_again_committed_but_answer_lost_keeps_the_new_file_only(
    settings, commit_fails
):
    project = ProjectFactory()
    first = DocumentFactory(project=project, kind=Material.BUDGET)
    commit_fails(committed=True)
    with pytest.raises(OperationalError):
        uploads.save_document(
            project=project, by=project.owner, kind=Material.BUDGET, upload=pdf("v2.pdf")
        )
    document = Document.objects.get(pk=first.pk)
    assert document.original_name == "v2.pdf"
    assert stored_files(settings) == {document.file.name}
