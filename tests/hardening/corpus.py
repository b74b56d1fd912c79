"""Bad input a client can send to the portal's forms: hostile text (injections, template
syntax, control characters, bidirectional marks, megabyte strings), numbers, dates and
choices that are not what the field expects, bodies in the wrong encoding, and hostile
files generated here (renamed, truncated, bomb and polyglot images and documents, odd
names). No binary fixture is stored: every file is made when the tests start.

Hypothesis runs under the profiles registered below; HARDENING_PROFILE chooses one
(default "hardening-ci": a bounded run for CI)."""

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from PIL import Image, ImageCms

# --- Hypothesis profiles ------------------------------------------------------------------

settings.register_profile(
    "hardening-ci",
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    # A post takes tens of milliseconds: shrinking a failure would take minutes. The
    # failing example is printed as found; the thorough profile shrinks.
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "hardening-thorough",
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis folder in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = settings.get_profile(os.environ.get("HARDENING_PROFILE", "hardening-ci"))
# Button-only forms have little to vary: fewer examples.
BUTTON_PROFILE = settings(PROFILE, max_examples=max(1, PROFILE.max_examples // 3))

# --- Text --------------------------------------------------------------------------------

# The HTML strings carry this marker: it must never reach a page unescaped.
SCRIPT = '<script>alert("x")</script>'
UNESCAPED_MARKERS = ("<script>alert", "<img src=x onerror", "<svg/onload")

SQL = [
    "'; DROP TABLE submissions_project;--",
    "' OR '1'='1",
    '" OR ""="',
    "admin'--",
    "1; SELECT pg_sleep(5)--",
    "%' AND 1=1 AND '%'='",
    "1 UNION SELECT password FROM accounts_user",
    "\\'; --",
]
HTML = [
    SCRIPT,
    f'"><{SCRIPT[1:]}',
    f"</textarea>{SCRIPT}",
    f"</title>{SCRIPT}",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>click</a>",
    "&lt;b&gt;&amp;&quot;&#x27;",
    "<!-- ]]> <![CDATA[",
]
TEMPLATE = [
    "{{ project_title }}",
    "{{ settings.SECRET_KEY }}",
    "{{ request.user.password }}",
    "{% load static %}{% debug %}",
    "{% if %}",
    "{{",
    "}}",
    "{# #}",
    "%(name)s %s %d %n",
    "{0} {}",
    "${7*7} #{7*7}",
]
CONTROL = [
    "\x00",
    "null\x00byte",
    "\x01\x02\x03\x07\x08\x0b\x0c\x1b[31mred",
    "\r\n\r\n",
    "\t\t",
    "\x7f\x85",
    "\u2028\u2029",
    "line\rreturn",
]
UNICODE = [
    "\u202eevil\u202c.exe",
    "\u200f\u200e\u061c",
    "\u200b\ufeff\u2060",
    "Z\u0338\u0322\u0327\u0349a\u0337\u0322\u0328",
    "\U0001f469\U0001f3fd\u200d\U0001f3a4\U0001f3ac",
    "\ufb01 \u0130 \u00df \u212a",
    "\U0001d573\U0001d58a\U0001d591",
    "\u65e5\u672c\u8a9e\u306e\u30bf\u30a4\u30c8\u30eb",
    "\ufffd\U0010ffff",
    "\u00a0\u3000",
]
WHITESPACE = ["", " ", "   \t\n ", "\u00a0"]
# About a megabyte each, well under DATA_UPLOAD_MAX_MEMORY_SIZE.
LONG = [
    "x" * 1_000_000,
    "\u00e9" * 400_000,
    SCRIPT * 37_000,
    "a" * 256,
    "b" * 5001,
]

TEXTS = SQL + HTML + TEMPLATE + CONTROL + UNICODE + WHITESPACE


def text() -> st.SearchStrategy[str]:
    """A hostile string, sometimes made of several pieces."""
    piece = st.sampled_from(TEXTS)
    return st.one_of(
        piece,
        st.lists(piece, min_size=2, max_size=4).map("".join),
        st.sampled_from(LONG),
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=0, max_size=40),
    )


NUMBERS = [
    "9" * 40,
    "-1",
    "-99999999999999999999",
    "0",
    "-0",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "1e309",
    "1e-309",
    "1e3",
    "0x1F",
    "1_000",
    "\u0661\u0662",  # Arabic-Indic digits
    "\u00b2",  # superscript two: a digit to str.isdigit(), not to int()
    "1.5",
    "1,5",
    "+5",
    " 7 ",
    "007",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "32768",
    "65536",
    "100.001",
    "0.001",
]


def number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


DATES = [
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2024-02-30",
    "2023-02-29",
    "2024-13-01",
    "1899-12-31",
    "1970-01-01",
    "2038-01-19",
    "31/12/2024",
    "2024-1-1",
    "-2024-01-01",
    "yesterday",
]


def dates() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATES), st.dates().map(str))


def date_times(year: int) -> st.SearchStrategy[str]:
    """Moments typed in a date-time picker, among them the ends of the calendar and the
    hour that does not exist, or happens twice, when the clocks change in Europe."""
    gap, overlap = _dst_moments(year)
    fixed = [
        "9999-12-31T23:59",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00",
        "0001-01-01T00:30",
        gap,
        overlap,
        "2024-02-30T10:00",
        "2024-01-01T24:00",
        "2024-01-01T10:61",
        "1900-01-01T00:00",
        "2100-01-01T00:00",
        "today at noon",
    ]
    return st.one_of(
        st.sampled_from(fixed),
        st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
    )


def _dst_moments(year):
    """02:30 on the last Sundays of March and October: skipped, then doubled, in Paris."""
    import datetime as dt

    def last_sunday(month):
        day = dt.date(year, month, 31)
        return day - dt.timedelta(days=(day.weekday() + 1) % 7)

    return f"{last_sunday(3)}T02:30", f"{last_sunday(10)}T02:30"


# Field names a client may add to any form, hoping the view saves them.
EXTRA_FIELDS = [
    "owner",
    "owner_id",
    "user",
    "status",
    "is_superuser",
    "is_staff",
    "is_active",
    "email_confirmed",
    "pk",
    "id",
    "edition",
    "programme",
    "project",
    "locked_at",
    "version",
    "next",
    "action",
    "DELETE",
    "csrfmiddlewaretoken",
]


def extra_fields() -> st.SearchStrategy[dict]:
    return st.dictionaries(
        st.sampled_from(EXTRA_FIELDS),
        st.one_of(text(), number(), st.sampled_from(["1", "on", "true", "http://evil.example/"])),
        max_size=3,
    )


# --- Bodies in other encodings ------------------------------------------------------------

# Bodies Django reads as UTF-8: (charset declared in the Content-Type, how the text is
# encoded; None: UTF-8 with bytes that are not valid in it).
ENCODINGS = [
    ("utf-8", None),
    ("UTF-8", "utf-8"),
    ("x-unknown-charset", "utf-8"),
]
# Declared charsets Django refuses for a form body (a BadRequest): see test_limits.
REFUSED_CHARSETS = [("iso-8859-1", "latin-1"), ("utf-16", "utf-16"), ("shift_jis", "shift_jis")]


def encode_body(data: dict[str, list[str]], charset: str, codec: str | None) -> bytes:
    """An application/x-www-form-urlencoded body in another encoding."""
    from urllib.parse import quote_from_bytes

    parts = []
    for name, values in data.items():
        for value in values:
            if name == "csrfmiddlewaretoken":
                raw = value.encode("ascii")
            elif codec is None:
                raw = value.encode("utf-8", "replace") + b"\xff\xfe\xc3\x28\xa0\xa1"
            else:
                raw = value.encode(codec, "replace")
            key = name.encode(codec or "utf-8", "replace")
            parts.append(f"{quote_from_bytes(key)}={quote_from_bytes(raw)}")
    return "&".join(parts).encode("ascii")


# --- Files -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostileFile:
    label: str
    name: str
    content_type: str
    content: bytes
    # What it really is, for the forms that may accept it ("image", "pdf"): any other
    # form must refuse it. A form may still refuse it (too small, too large…).
    acceptable_as: frozenset = frozenset()

    def upload(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile(self.name, self.content, self.content_type)


def _image(width=1600, height=900, mode="RGB", fmt="JPEG", **options) -> bytes:
    buffer = io.BytesIO()
    colour = {"RGB": (180, 120, 60), "CMYK": (10, 80, 160, 20)}.get(mode, 128)
    Image.new(mode, (width, height), colour).save(buffer, fmt, **options)
    return buffer.getvalue()


def _noise_png(width, height) -> bytes:
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, *, rows: int = 1) -> bytes:
    """A tiny PNG whose header declares `width` × `height` pixels: a decompression bomb
    to anything that believes it (only `rows` rows of data follow)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    raw = b"".join(b"\x00" + b"\x00" * min(width, 4096) for _ in range(rows))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(raw, 9))
        + _png_chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", f"<html>{SCRIPT}</html>")
    return buffer.getvalue()


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (1600, 900)).save(buffer, "GIF")
    return buffer.getvalue()


def _exif_bomb() -> bytes:
    """An EXIF block as large as a JPEG segment allows, whose EXIF pointer and next-IFD
    link both lead back to the first IFD (a loop), with an orientation to apply."""
    description = b"A" * 60_000 + b"\x00"
    count = 3
    description_at = 8 + 2 + count * 12 + 4
    entries = [
        struct.pack("<HHII", 0x010E, 2, len(description), description_at),  # ASCII
        struct.pack("<HHIHH", 0x0112, 3, 1, 6, 0),  # orientation: rotated
        struct.pack("<HHII", 0x8769, 4, 1, 8),  # the EXIF IFD "is" IFD0
    ]
    ifd = struct.pack("<H", count) + b"".join(entries) + struct.pack("<I", 8)
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd + description


def _jpeg_with_exif_bomb() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (20, 40, 60)).save(buffer, "JPEG", exif=_exif_bomb())
    return buffer.getvalue()


def _jpeg_with_huge_icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    junk = profile + os.urandom(2 * 1024 * 1024)
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (90, 10, 10)).save(buffer, "JPEG", icc_profile=junk)
    return buffer.getvalue()


def _zero_size_png() -> bytes:
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 0, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(b""))
        + _png_chunk(b"IEND", b"")
    )


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
IMAGE = frozenset({"image"})
DOCUMENT = frozenset({"pdf"})


def hostile_files() -> list[HostileFile]:
    """Every hostile file, made now (about 6 MB in all)."""
    jpeg = _image()
    png = _noise_png(1600, 900)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900">'
        f"{SCRIPT}<rect width='10' height='10'/></svg>"
    ).encode()
    html = f"<!doctype html><html><body>{SCRIPT}</body></html>".encode()
    return [
        # Checked by content, not by name: a real PDF, a real JPEG.
        HostileFile("pdf renamed .jpg", "still.jpg", "image/jpeg", PDF, DOCUMENT),
        HostileFile("jpeg renamed .pdf", "budget.pdf", "application/pdf", jpeg, IMAGE),
        HostileFile("truncated jpeg", "cut.jpg", "image/jpeg", jpeg[: len(jpeg) // 2]),
        HostileFile("truncated png", "cut.png", "image/png", png[: len(png) // 2]),
        HostileFile(
            "decompression bomb png (100000 x 100000 declared)",
            "bomb.png",
            "image/png",
            png_declaring(100_000, 100_000),
        ),
        HostileFile(
            "decompression bomb png (12000 x 9000 declared)",
            "bomb2.png",
            "image/png",
            png_declaring(12_000, 9_000),
        ),
        HostileFile("gif + zip polyglot", "poly.jpg", "image/jpeg", _gif() + _zip()),
        HostileFile("jpeg + zip polyglot", "poly2.jpg", "image/jpeg", jpeg + _zip(), IMAGE),
        HostileFile(
            "pdf + html polyglot",
            "poly.pdf",
            "application/pdf",
            b"%PDF-1.4\n" + html + b"\n%%EOF\n",
            DOCUMENT,
        ),
        HostileFile("svg with script", "still.svg", "image/svg+xml", svg),
        HostileFile("svg with script renamed .png", "still.png", "image/png", svg),
        HostileFile("html renamed .pdf", "budget.pdf", "application/pdf", html),
        HostileFile("empty file", "empty.jpg", "image/jpeg", b""),
        HostileFile("empty pdf", "empty.pdf", "application/pdf", b""),
        HostileFile("0 x 0 png", "zero.png", "image/png", _zero_size_png()),
        HostileFile("cmyk jpeg", "cmyk.jpg", "image/jpeg", _image(mode="CMYK", fmt="JPEG"), IMAGE),
        HostileFile("16-bit png", "deep.png", "image/png", _image(mode="I;16", fmt="PNG"), IMAGE),
        HostileFile("cmyk tiff", "cmyk.tif", "image/tiff", _image(mode="CMYK", fmt="TIFF"), IMAGE),
        HostileFile("exif bomb jpeg", "exif.jpg", "image/jpeg", _jpeg_with_exif_bomb(), IMAGE),
        HostileFile("huge icc jpeg", "icc.jpg", "image/jpeg", _jpeg_with_huge_icc(), IMAGE),
        HostileFile(
            "20000 x 1 png", "strip.png", "image/png", _image(20_000, 1, "L", "PNG"), IMAGE
        ),
        HostileFile(
            "path traversal name",
            "../../etc/passwd.jpg",
            "image/jpeg",
            jpeg,
            IMAGE,
        ),
        HostileFile(
            "path traversal name (pdf)", "..\\..\\boot.ini.pdf", "application/pdf", PDF, DOCUMENT
        ),
        HostileFile("nul in name", "still\x00.php.jpg", "image/jpeg", jpeg, IMAGE),
        HostileFile("very long name", "n" * 400 + ".jpg", "image/jpeg", jpeg, IMAGE),
        HostileFile("very long name (pdf)", "d" * 400 + ".pdf", "application/pdf", PDF, DOCUMENT),
        HostileFile("right-to-left name", "gpj.exe\u202e.jpg", "image/jpeg", jpeg, IMAGE),
        HostileFile("html name", f"{SCRIPT}.pdf", "application/pdf", PDF, DOCUMENT),
        HostileFile("webp renamed .tif", "x.tif", "image/tiff", _image(fmt="WEBP"), IMAGE),
        HostileFile("tiny jpeg", "tiny.jpg", "image/jpeg", _image(8, 8), IMAGE),
    ]
