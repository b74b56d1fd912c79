"""The project's translation catalogue, read with polib, for browser tests that check a
page is in the expected language: what a msgid should read as, and which English strings
of the catalogue show on a page where they should not."""

import re
from pathlib import Path

import polib
from django.conf import settings

PLACEHOLDER = re.compile(r"%(\([a-z_]+\))?[sd]|\{\{|\{%")


class Catalogue:
    def __init__(self, language: str):
        path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
        self.language = language
        self.entries = {(entry.msgctxt, entry.msgid): entry for entry in polib.pofile(str(path))}
        # English seen on pages whose translation is still pending (not a failure).
        self.pending_seen: set[str] = set()
        self.missing: set[str] = set()
        self._leak_words = None

    @staticmethod
    def translated(entry) -> bool:
        return bool(entry.msgstr) and "fuzzy" not in entry.flags and not entry.obsolete

    def __call__(self, msgid: str, context: str | None = None) -> str:
        """The translation of msgid, or msgid itself (noted) while it is untranslated."""
        entry = self.entries.get((context, msgid))
        if entry is None:
            self.missing.add(msgid)
            return msgid
        if not self.translated(entry):
            self.pending_seen.add(msgid)
            return msgid
        return entry.msgstr

    def _phrases(self):
        """English phrases of two words or more, without placeholders, that read
        differently once translated (leaks) or have no translation yet (pending)."""
        if self._leak_words is None:
            leaks, pending = [], []
            for entry in self.entries.values():
                msgid = entry.msgid
                if entry.msgid_plural or PLACEHOLDER.search(msgid) or len(msgid.split()) < 2:
                    continue
                if self.translated(entry):
                    if entry.msgstr != msgid:
                        leaks.append(msgid)
                elif not entry.obsolete:
                    pending.append(msgid)
            self._leak_words = (leaks, pending)
        return self._leak_words

    def english_on(self, text: str) -> list[str]:
        """English phrases of the catalogue found in a page's text. Those whose
        translation is pending are noted in `pending_seen` and not returned."""
        leaks, pending = self._phrases()
        self.pending_seen.update(phrase for phrase in pending if phrase in text)
        return sorted(phrase for phrase in leaks if phrase in text)
