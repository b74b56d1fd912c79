"""Every page and mail exists in English, Spanish, French and Portuguese."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|\{[a-z_]+\}|%[sd]")


def catalogue(language, domain="django"):
    path = ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
    assert path.exists(), f"missing catalogue {path.relative_to(ROOT)}"
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_complete(language):
    po = catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{language}: {len(untranslated)} strings not translated"
    assert fuzzy == [], f"{language}: {len(fuzzy)} fuzzy translations"
    assert len(po.translated_entries()) > 100


@pytest.mark.parametrize("language", TRANSLATED)
def test_catalogue_keeps_placeholders(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        singular = sorted(PLACEHOLDER.findall(entry.msgid))
        if not entry.msgid_plural:
            if sorted(PLACEHOLDER.findall(entry.msgstr)) != singular:
                wrong.append((entry.msgid, entry.msgstr))
            continue
        plural = sorted(PLACEHOLDER.findall(entry.msgid_plural))
        forms = [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
        # The last form is the general plural and keeps every placeholder; the first may
        # spell the number out ("One thing…") as the English singular does.
        if sorted(PLACEHOLDER.findall(forms[-1])) != plural:
            wrong.append((entry.msgid_plural, forms[-1]))
        for form in forms[:-1]:
            if not set(PLACEHOLDER.findall(form)) <= set(singular) | set(plural):
                wrong.append((entry.msgid, form))
    assert wrong == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_catalogues_cover_every_string(tmp_path):
    """Extracting the strings anew finds none that the catalogues lack."""
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "staticfiles", "media", "test-artifacts", "*.sqlite3", "__pycache__"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-location",
            "--no-obsolete",
            *[f"--locale={code}" for code in TRANSLATED],
            "--ignore=bench/*",
            "--ignore=tests/*",
            "--ignore=*/tests/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    for language in TRANSLATED:
        original = {entry.msgid for entry in catalogue(language) if not entry.obsolete}
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        missing = sorted(entry.msgid for entry in fresh if entry.msgid not in original)
        assert missing == [], f"{language}: run `make messages` and translate {missing[:10]}"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "Convocatorias abiertas"), ("fr", "Appels ouverts"), ("pt", "Chamadas abertas")],
)
@pytest.mark.django_db
def test_home_page_in_each_language(client, language, expected):
    response = client.get(f"/{language}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}">' in content
    assert expected in content
    assert "Open calls" not in content


def test_compiled_catalogues_are_used():
    with translation.override("es"):
        assert translation.gettext("Open calls") == "Convocatorias abiertas"
    with translation.override("pt"):
        assert translation.gettext("Open calls") == "Chamadas abertas"


@pytest.mark.django_db
def test_root_redirects_to_browser_language(client):
    response = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/"
