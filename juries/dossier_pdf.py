"""The selection dossier's PDF, fit to print on A4: a cover with the programme and the
session, the contents, and a spread of two pages for each film (the still, titles,
logline and synopsis; then the directors, the statement, production, contacts and the
figures). Page numbers are known before drawing: one cover, the contents, two pages a
film.

A pure function from plain data (`Catalogue`) to a PDF, so it can be tested and timed
alone: `render_dossier` returns its bytes, `write_dossier` writes it to a file (a large
catalogue's images can then be given as paths, never all in memory). dossiers.py gathers
the data. The few labels it prints are translated in the language active while it runs.
Text is set in DejaVu when the system has it (wide Unicode coverage) and otherwise in
Bitstream Vera, which ships with ReportLab (Latin-1 and more: every accent of Spanish,
Portuguese and French); both are embedded."""

import hashlib
import io
import math
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape  # escapes text for ReportLab, parses nothing  # nosec B406

import reportlab
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image as PILImage
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
MARGIN_TOP = 16 * mm
MARGIN_BOTTOM = 20 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
STILL_HEIGHT = FRAME_WIDTH * 9 / 16
COVER_MARGIN = 24 * mm
COVER_WIDTH = PAGE_WIDTH - 2 * COVER_MARGIN
COVER_HEIGHT = PAGE_HEIGHT - 2 * COVER_MARGIN
PHOTO_WIDTH = 30 * mm
# Lines of the contents on one page (a film or a session's heading each).
CONTENTS_ROWS = 20

INK = colors.HexColor("#1d1d1b")
MUTED = colors.HexColor("#5f5d58")
ACCENT = colors.HexColor("#9b2c1f")
RULE = colors.HexColor("#c9c4ba")
PLACEHOLDER = colors.HexColor("#e7e3dc")


# --- The data ---------------------------------------------------------------------------

# An image is given as its bytes or as the path of a file (which keeps a large catalogue's
# images out of memory); either may be None, or unreadable, for a placeholder.
ImageSource = bytes | Path | None


@dataclass(frozen=True)
class DirectorEntry:
    name: str
    details: str = ""  # nationality, previous features
    biography: str = ""
    photo: ImageSource = None  # a JPEG or PNG, as bytes or a path


@dataclass(frozen=True)
class FilmEntry:
    title: str
    english_title: str = ""
    section: str = ""  # the session: the page's heading, and the contents' in a catalogue
    details: str = ""  # genre, runtime, countries, languages on one line
    logline: str = ""
    synopsis: str = ""
    still: ImageSource = None  # None draws a placeholder
    still_caption: str = ""
    directors: tuple[DirectorEntry, ...] = ()
    statement: str = ""
    production: tuple[str, ...] = ()  # the companies, a line each
    contacts: tuple[str, ...] = ()  # the producer's contact, a line each
    facts: tuple[tuple[str, str], ...] = ()  # (label, value): runtime, budget, missing…
    post_production: tuple[tuple[str, str], ...] = ()  # (need, amount and details)


@dataclass(frozen=True)
class Catalogue:
    programme: str
    edition: str
    scope: str  # the session's name, or the catalogue of the whole edition
    cover_lines: tuple[str, ...] = ()  # dates, places, venue
    organisers: str = ""
    version_line: str = ""
    logo: ImageSource = None
    films: tuple[FilmEntry, ...] = ()
    grouped: bool = False  # the contents are headed by section (a catalogue of sessions)


@dataclass(frozen=True)
class RenderedDossier:
    pdf: bytes
    pages: int


def contents_pages(catalogue: Catalogue) -> int:
    rows = len(catalogue.films) + (len(_sections(catalogue)) if catalogue.grouped else 0)
    return max(1, math.ceil(rows / CONTENTS_ROWS))


def page_count(catalogue: Catalogue) -> int:
    return 1 + contents_pages(catalogue) + 2 * len(catalogue.films)


def first_page_of(catalogue: Catalogue, index: int) -> int:
    """The page number of the first page of the film at `index` (from 0)."""
    return 1 + contents_pages(catalogue) + 2 * index + 1


def _sections(catalogue: Catalogue) -> list[str]:
    seen = []
    for film in catalogue.films:
        if film.section not in seen:
            seen.append(film.section)
    return seen


# --- Fonts and styles -------------------------------------------------------------------

_SYSTEM_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
)
_DEJAVU = {
    "DossierSans": (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    "DossierSerif": (
        "DejaVuSerif.ttf",
        "DejaVuSerif-Bold.ttf",
        "DejaVuSerif-Italic.ttf",
        "DejaVuSerif-BoldItalic.ttf",
    ),
}
_VERA = ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf")


def _find(directory_files: tuple[str, ...]) -> list[Path] | None:
    for directory in _SYSTEM_FONT_DIRS:
        paths = [directory / name for name in directory_files]
        if all(path.is_file() for path in paths):
            return paths
    return None


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """Register the sans and serif families once per process; returns their names."""
    vera = [Path(reportlab.__file__).parent / "fonts" / name for name in _VERA]
    for family, files in _DEJAVU.items():
        paths = _find(files) or vera
        names = [family, f"{family}-Bold", f"{family}-Italic", f"{family}-BoldItalic"]
        for name, path in zip(names, paths, strict=True):
            pdfmetrics.registerFont(TTFont(name, str(path)))
        pdfmetrics.registerFontFamily(
            family, normal=names[0], bold=names[1], italic=names[2], boldItalic=names[3]
        )
    return "DossierSans", "DossierSerif"


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    sans, serif = fonts()
    body = ParagraphStyle(
        "body", fontName=sans, fontSize=9.2, leading=12.6, textColor=INK, alignment=TA_JUSTIFY
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.2, leading=11, alignment=0),
        "muted": ParagraphStyle(
            "muted", parent=body, fontSize=8.4, leading=11.2, textColor=MUTED, alignment=0
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=body,
            fontName=f"{sans}-Italic",
            fontSize=7.6,
            leading=10,
            textColor=MUTED,
            alignment=0,
            spaceBefore=3,
        ),
        "eyebrow": ParagraphStyle(
            "eyebrow",
            fontName=f"{sans}-Bold",
            fontSize=8,
            leading=10,
            textColor=ACCENT,
            spaceAfter=5,
        ),
        "title": ParagraphStyle(
            "title", fontName=f"{serif}-Bold", fontSize=25, leading=29, textColor=INK
        ),
        "subtitle": ParagraphStyle(
            "subtitle",
            fontName=f"{serif}-Italic",
            fontSize=13.5,
            leading=17,
            textColor=MUTED,
            spaceBefore=2,
        ),
        "logline": ParagraphStyle(
            "logline",
            fontName=f"{serif}-Italic",
            fontSize=12.5,
            leading=16.5,
            textColor=INK,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "heading": ParagraphStyle(
            "heading",
            fontName=f"{sans}-Bold",
            fontSize=9.6,
            leading=12,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "name": ParagraphStyle(
            "name", fontName=f"{serif}-Bold", fontSize=12, leading=15, textColor=INK
        ),
        "cover_programme": ParagraphStyle(
            "cover_programme",
            fontName=f"{sans}-Bold",
            fontSize=13,
            leading=17,
            textColor=ACCENT,
        ),
        "cover_title": ParagraphStyle(
            "cover_title",
            fontName=f"{serif}-Bold",
            fontSize=34,
            leading=40,
            textColor=INK,
            spaceBefore=8,
        ),
        "cover_scope": ParagraphStyle(
            "cover_scope",
            fontName=f"{serif}-Italic",
            fontSize=22,
            leading=28,
            textColor=INK,
            spaceBefore=6,
            spaceAfter=14,
        ),
        "cover_line": ParagraphStyle(
            "cover_line", fontName=sans, fontSize=11.5, leading=16, textColor=INK
        ),
        "contents_title": ParagraphStyle(
            "contents_title",
            fontName=f"{serif}-Bold",
            fontSize=24,
            leading=28,
            textColor=INK,
            spaceAfter=12,
        ),
        "contents_entry": ParagraphStyle(
            "contents_entry", fontName=serif, fontSize=11, leading=14, textColor=INK
        ),
        "contents_page": ParagraphStyle(
            "contents_page",
            fontName=sans,
            fontSize=10,
            leading=14,
            textColor=MUTED,
            alignment=TA_RIGHT,
        ),
    }


def _text(value: str) -> str:
    """Escaped for a Paragraph, its line breaks kept."""
    return "<br/>".join(escape(line) for line in value.strip().splitlines())


def _paragraphs(value: str, style) -> list[Paragraph]:
    """One Paragraph per block of text separated by an empty line."""
    blocks, current = [], []
    for line in value.strip().splitlines():
        if line.strip():
            current.append(line)
        elif current:
            blocks.append("\n".join(current))
            current = []
    if current:
        blocks.append("\n".join(current))
    return [Paragraph(_text(block), style) for block in blocks]


# --- Flowables --------------------------------------------------------------------------


def _open(source: ImageSource):
    return PILImage.open(source if isinstance(source, Path) else io.BytesIO(source))


def _image_kind(source: ImageSource) -> str | None:
    """ ".jpg" or ".png" for an image ReportLab can place, None otherwise."""
    if not source:
        return None
    try:
        with _open(source) as image:
            kind = {"JPEG": ".jpg", "PNG": ".png"}.get(image.format or "")
            width, height = image.size
    except Exception:  # noqa: BLE001 - an unreadable image is drawn as a placeholder
        return None
    return kind if width > 0 and height > 0 else None


class _ImageFiles:
    """The images of one PDF as files, each once: ReportLab embeds a JPEG given by its file
    name as it is (no decoding, no re-encoding), and an image used twice is stored once.
    Bytes are written to a temporary folder; a JPEG in CMYK (or anything but RGB and
    greyscale) is converted, since viewers disagree on how to show them."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.paths: dict[object, str] = {}

    def path_for(self, source: ImageSource) -> str | None:
        kind = _image_kind(source)
        if kind is None:
            return None
        key = source if isinstance(source, Path) else hashlib.sha256(source).hexdigest()
        if key not in self.paths:
            self.paths[key] = self._write(source, kind)
        return self.paths[key]

    def _write(self, source: ImageSource, kind: str) -> str:
        with _open(source) as image:
            converted = kind == ".jpg" and image.mode not in ("RGB", "L")
            if converted:
                path = self.directory / f"{len(self.paths)}.jpg"
                image.convert("RGB").save(path, format="JPEG", quality=92)
                return str(path)
        if isinstance(source, Path):
            if source.suffix.lower() == kind:
                return str(source)
            path = self.directory / f"{len(self.paths)}{kind}"
            shutil.copyfile(source, path)  # ReportLab tells a JPEG by its file's suffix
            return str(path)
        path = self.directory / f"{len(self.paths)}{kind}"
        path.write_bytes(source)
        return str(path)


class Picture(Flowable):
    """An image fitted into a box, centred, its proportions kept; a grey box with a label
    when there is no image or it cannot be read."""

    def __init__(self, data, width, height, *, files: _ImageFiles, placeholder=""):
        super().__init__()
        self.path = files.path_for(data)
        self.width, self.height = width, height
        self.placeholder = placeholder

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        if self.path is not None:
            canvas.drawImage(
                self.path,
                0,
                0,
                self.width,
                self.height,
                preserveAspectRatio=True,
                anchor="c",
            )
            return
        sans, _serif = fonts()
        canvas.saveState()
        canvas.setFillColor(PLACEHOLDER)
        canvas.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.placeholder:
            canvas.setFillColor(MUTED)
            canvas.setFont(f"{sans}-Italic", 11)
            canvas.drawCentredString(self.width / 2, self.height / 2 - 4, self.placeholder)
        canvas.restoreState()


def _page(content: list, *, bookmarks=()) -> KeepInFrame:
    """A page's content, shrunk to fit if it must: one page, whatever the text's length.
    `bookmarks` are (key, title, outline level) placed on this page."""
    page = KeepInFrame(FRAME_WIDTH, FRAME_HEIGHT, content, mode="shrink")
    page.dossier_bookmarks = tuple(bookmarks)
    return page


class _Document(BaseDocTemplate):
    def __init__(self, buffer, *, catalogue: Catalogue, progress, total: int, **kwargs):
        super().__init__(buffer, pagesize=A4, **kwargs)
        self.catalogue = catalogue
        self.progress = progress
        self.total = total
        cover = Frame(
            COVER_MARGIN,
            COVER_MARGIN,
            COVER_WIDTH,
            COVER_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="cover",
        )
        body = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates(
            [
                PageTemplate(id="cover", frames=[cover], onPage=self._cover_band),
                PageTemplate(id="page", frames=[body], onPage=self._footer),
            ]
        )

    def _cover_band(self, canvas, document):
        canvas.saveState()
        canvas.setFillColor(ACCENT)
        canvas.rect(0, PAGE_HEIGHT - 12 * mm, PAGE_WIDTH, 12 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def _footer(self, canvas, document):
        sans, _serif = fonts()
        catalogue = self.catalogue
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, 13 * mm, PAGE_WIDTH - MARGIN_X, 13 * mm)
        canvas.setFont(sans, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(
            MARGIN_X, 9 * mm, f"{catalogue.programme} · {catalogue.edition} · {catalogue.scope}"
        )
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 9 * mm, str(document.page))
        canvas.restoreState()

    def afterFlowable(self, flowable):  # noqa: N802 - ReportLab's hook
        for key, title, level in getattr(flowable, "dossier_bookmarks", ()):
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)

    def afterPage(self):  # noqa: N802 - ReportLab's hook
        if self.progress is not None:
            self.progress(self.page, self.total)


# --- Pages ------------------------------------------------------------------------------


class _Pages:
    """The flowables of each page of one catalogue."""

    def __init__(self, catalogue: Catalogue, files: _ImageFiles):
        self.catalogue = catalogue
        self.files = files
        self.styles = _styles()

    def picture(self, data, width, height, placeholder=""):
        return Picture(data, width, height, files=self.files, placeholder=placeholder)

    def story(self) -> list:
        story: list = [self.cover(), NextPageTemplate("page")]
        for page in self.contents():
            story += [PageBreak(), page]
        section = None
        for index, film in enumerate(self.catalogue.films):
            new_section = film.section != section
            section = film.section
            story += [
                PageBreak(),
                self.first_page(film, index, new_section),
                PageBreak(),
                self.second_page(film),
            ]
        return story

    def cover(self) -> KeepInFrame:
        catalogue, styles = self.catalogue, self.styles
        content: list = []
        if _image_kind(catalogue.logo):
            content += [self.picture(catalogue.logo, 60 * mm, 24 * mm), Spacer(1, 14 * mm)]
        else:
            content.append(Spacer(1, 20 * mm))
        content += [
            Paragraph(_text(catalogue.programme), styles["cover_programme"]),
            Paragraph(_text(catalogue.edition), styles["cover_title"]),
            Paragraph(_text(catalogue.scope), styles["cover_scope"]),
        ]
        content += [Paragraph(_text(line), styles["cover_line"]) for line in catalogue.cover_lines]
        count = len(catalogue.films)
        content += [
            Spacer(1, 8 * mm),
            Paragraph(
                escape(ngettext("%(count)s film", "%(count)s films", count) % {"count": count}),
                styles["cover_line"],
            ),
            Spacer(1, 60 * mm),
        ]
        if catalogue.organisers:
            content.append(Paragraph(_text(catalogue.organisers), styles["muted"]))
        if catalogue.version_line:
            content += [
                Spacer(1, 3 * mm),
                Paragraph(_text(catalogue.version_line), styles["muted"]),
            ]
        frame = KeepInFrame(COVER_WIDTH, COVER_HEIGHT, content, mode="shrink")
        frame.dossier_bookmarks = (("cover", catalogue.scope, 0),)
        return frame

    def contents(self) -> list[KeepInFrame]:
        catalogue, styles = self.catalogue, self.styles
        rows: list[tuple[str, object]] = []
        section = None
        for index, film in enumerate(catalogue.films):
            if catalogue.grouped and film.section != section:
                section = film.section
                rows.append(("section", section))
            rows.append(("film", index))
        if not rows:
            rows.append(("empty", None))
        pages = []
        for start in range(0, len(rows), CONTENTS_ROWS):
            data, style = (
                [],
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ],
            )
            for row, (kind, value) in enumerate(rows[start : start + CONTENTS_ROWS]):
                if kind == "section":
                    data.append([Paragraph(_text(value), styles["eyebrow"]), ""])
                    style += [
                        ("SPAN", (0, row), (1, row)),
                        ("TOPPADDING", (0, row), (-1, row), 10),
                    ]
                elif kind == "film":
                    data.append(self.contents_entry(value))
                    style.append(("LINEBELOW", (0, row), (-1, row), 0.3, RULE))
                else:
                    data.append([Paragraph(escape(_("No film in this dossier.")), styles["body"])])
            table = Table(data, colWidths=[FRAME_WIDTH - 20 * mm, 20 * mm])
            table.setStyle(TableStyle(style))
            heading = _("Contents") if start == 0 else _("Contents (continued)")
            bookmarks = (("contents", _("Contents"), 0),) if start == 0 else ()
            pages.append(
                _page(
                    [Paragraph(escape(heading), styles["contents_title"]), table],
                    bookmarks=bookmarks,
                )
            )
        return pages

    def contents_entry(self, index: int) -> list:
        film, styles = self.catalogue.films[index], self.styles
        entry = f'<a href="#film-{index + 1}">{_text(film.title)}</a>'
        if film.english_title and film.english_title != film.title:
            entry += f" <i>· {_text(film.english_title)}</i>"
        directors = ", ".join(director.name for director in film.directors)
        if directors:
            entry += f'<br/><font size="8.5" color="#5f5d58">{escape(directors)}</font>'
        return [
            Paragraph(entry, styles["contents_entry"]),
            Paragraph(str(first_page_of(self.catalogue, index)), styles["contents_page"]),
        ]

    def first_page(self, film: FilmEntry, index: int, new_section: bool) -> KeepInFrame:
        """The still, the titles, the logline and the synopsis."""
        styles = self.styles
        content: list = []
        if film.section:
            content.append(Paragraph(_text(film.section), styles["eyebrow"]))
        content.append(self.picture(film.still, FRAME_WIDTH, STILL_HEIGHT, _("No still available")))
        if film.still_caption and film.still:
            content.append(Paragraph(_text(film.still_caption), styles["caption"]))
        content += [Spacer(1, 6 * mm), Paragraph(_text(film.title), styles["title"])]
        if film.english_title and film.english_title != film.title:
            content.append(Paragraph(_text(film.english_title), styles["subtitle"]))
        if film.details:
            content += [Spacer(1, 2 * mm), Paragraph(_text(film.details), styles["muted"])]
        if film.logline:
            content.append(Paragraph(_text(film.logline), styles["logline"]))
        if film.synopsis:
            content.append(Paragraph(escape(_("Synopsis")), styles["heading"]))
            content += _paragraphs(film.synopsis, styles["body"])
        bookmarks = []
        if self.catalogue.grouped and new_section:
            bookmarks.append((f"section-{index + 1}", film.section, 0))
        bookmarks.append((f"film-{index + 1}", film.title, 1 if self.catalogue.grouped else 0))
        return _page(content, bookmarks=bookmarks)

    def director(self, director: DirectorEntry) -> list:
        styles = self.styles
        text = [Paragraph(_text(director.name), styles["name"])]
        if director.details:
            text.append(Paragraph(_text(director.details), styles["muted"]))
        if director.biography:
            text += [Spacer(1, 2 * mm), *_paragraphs(director.biography, styles["body"])]
        if not _image_kind(director.photo):
            return [*text, Spacer(1, 3 * mm)]
        table = Table(
            [[self.picture(director.photo, PHOTO_WIDTH, PHOTO_WIDTH * 1.25), text]],
            colWidths=[PHOTO_WIDTH + 5 * mm, FRAME_WIDTH - PHOTO_WIDTH - 5 * mm],
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
                ]
            )
        )
        return [table]

    def second_page(self, film: FilmEntry) -> KeepInFrame:
        """The directors and the statement; production, contacts and figures."""
        styles = self.styles
        content: list = [Paragraph(_text(film.title), styles["eyebrow"])]
        if film.directors:
            heading = ngettext("Director", "Directors", len(film.directors))
            content.append(Paragraph(escape(heading), styles["heading"]))
            for director in film.directors:
                content += self.director(director)
        if film.statement:
            content.append(Paragraph(escape(_("Director's statement")), styles["heading"]))
            content += _paragraphs(film.statement, styles["body"])
        left: list = []
        if film.production:
            left.append(Paragraph(escape(_("Production")), styles["heading"]))
            left += [Paragraph(_text(line), styles["small"]) for line in film.production]
        if film.contacts:
            left.append(Paragraph(escape(_("Contact")), styles["heading"]))
            left += [Paragraph(_text(line), styles["small"]) for line in film.contacts]
        right: list = []
        if film.facts:
            right.append(Paragraph(escape(_("The film in figures")), styles["heading"]))
            right += [_labelled(label, value, styles["small"]) for label, value in film.facts]
        if film.post_production:
            right.append(Paragraph(escape(_("Post-production needs")), styles["heading"]))
            right += [
                _labelled(need, value, styles["small"]) for need, value in film.post_production
            ]
        if left or right:
            half = FRAME_WIDTH / 2
            table = Table([[left, right]], colWidths=[half, half])
            table.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (0, -1), 6 * mm),
                        ("RIGHTPADDING", (1, 0), (1, -1), 0),
                        ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                        ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
                    ]
                )
            )
            content += [Spacer(1, 4 * mm), table]
        return _page(content)


def _labelled(label: str, value: str, style) -> Paragraph:
    return Paragraph(f"<b>{escape(label)}</b>: {_text(value)}", style)


@contextmanager
def _binary_streams():
    """Streams stored as binary, not ASCII85: a quarter smaller and quicker to write."""
    previous = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = previous


def render_dossier(
    catalogue: Catalogue, *, progress: Callable[[int, int], None] | None = None
) -> RenderedDossier:
    """The PDF of a catalogue, as bytes. `progress(page, pages)` is called after each
    page."""
    buffer = io.BytesIO()
    pages = write_dossier(catalogue, buffer, progress=progress)
    return RenderedDossier(pdf=buffer.getvalue(), pages=pages)


def write_dossier(
    catalogue: Catalogue,
    output,
    *,
    progress: Callable[[int, int], None] | None = None,
    work_dir: str | None = None,
) -> int:
    """Write the PDF of a catalogue to a binary file (or a path); returns its number of
    pages. Its images are written in a folder inside `work_dir` (the build's own)."""
    with (
        tempfile.TemporaryDirectory(prefix="pdf-", dir=work_dir) as directory,
        _binary_streams(),
    ):
        story = _Pages(catalogue, _ImageFiles(directory)).story()
        document = _Document(
            output,
            catalogue=catalogue,
            progress=progress,
            total=page_count(catalogue),
            title=f"{catalogue.edition} · {catalogue.scope}",
            author=catalogue.organisers or catalogue.programme,
            subject=catalogue.programme,
            creator="WIP Portal",
        )
        document.build(story)
    return document.page
