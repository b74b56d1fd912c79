"""The dossier's PDF layout alone: from plain data to a PDF that opens, read back with
pdfium (its pages, their text, its outline) and drawn to an image."""

import io
from pathlib import Path

import pypdfium2 as pdfium
import reportlab
from PIL import Image

from juries import dossier_pdf
from juries.dossier_pdf import Catalogue, DirectorEntry, FilmEntry
from submissions.models import LIMITS
from submissions.tests.factories import jpeg_bytes

STILL_COLOUR = (30, 90, 200)


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page."""
    document = pdfium.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def render_page(data: bytes, index: int, scale: float = 0.5) -> Image.Image:
    document = pdfium.PdfDocument(data)
    try:
        page = document[index]
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        page.close()
        return image
    finally:
        document.close()


def outline(data: bytes) -> list[tuple[int, str]]:
    document = pdfium.PdfDocument(data)
    try:
        return [(item.level, item.get_title()) for item in document.get_toc()]
    finally:
        document.close()


def film(title, **kwargs):
    kwargs.setdefault("section", "Toulouse")
    kwargs.setdefault("logline", "Una madre cruza los Andes para traer a su hijo.")
    kwargs.setdefault("synopsis", "Primera parte.\n\nSegunda parte, con acción y emoción.")
    kwargs.setdefault(
        "directors",
        (DirectorEntry(name="Lucía Ñáñez", details="Perú · First feature", biography="Nació."),),
    )
    kwargs.setdefault("statement", "Por qué hago esta película.")
    kwargs.setdefault("production", ("Cine Sur (Argentina) · Producing company · 100 %",))
    kwargs.setdefault("contacts", ("Paula Productora", "paula@example.org"))
    kwargs.setdefault(
        "facts", (("Total budget", "USD 450,000"), ("Financing still missing", "USD 70,000"))
    )
    kwargs.setdefault("post_production", (("Colour grading", "USD 25,000"),))
    return FilmEntry(title=title, **kwargs)


def catalogue(films, **kwargs):
    kwargs.setdefault("programme", "Films in Progress")
    kwargs.setdefault("edition", "Films in Progress 2027")
    kwargs.setdefault("scope", "Toulouse")
    kwargs.setdefault("cover_lines", ("20 March 2027 – 22 March 2027", "Cinémathèque de Toulouse"))
    kwargs.setdefault("organisers", "Cinélatino, Rencontres de Toulouse")
    kwargs.setdefault("version_line", "Version 1")
    return Catalogue(films=tuple(films), **kwargs)


def test_pages_are_the_cover_the_contents_and_two_per_film():
    films = [film("La película"), film("Coração"), film("Élodie et l’hiver")]
    rendered = dossier_pdf.render_dossier(catalogue(films))
    pages = pdf_pages(rendered.pdf)
    assert len(pages) == rendered.pages == 1 + 1 + 2 * 3
    assert "Films in Progress 2027" in pages[0]
    assert "3 films" in pages[0]
    assert "Contents" in pages[1]


def test_titles_and_texts_keep_their_accents():
    films = [film("La película de Ñandú", english_title="The Rhea’s Film"), film("Coração")]
    rendered = dossier_pdf.render_dossier(catalogue(films))
    pages = pdf_pages(rendered.pdf)
    first = pages[dossier_pdf.first_page_of(catalogue(films), 0) - 1]
    assert "La película de Ñandú" in first
    assert "The Rhea’s Film" in first
    assert "Segunda parte, con acción y emoción." in first
    second = pages[dossier_pdf.first_page_of(catalogue(films), 0)]
    assert "Lucía Ñáñez" in second
    assert "Por qué hago esta película." in second
    assert "USD 70,000" in second
    assert "Coração" in pages[dossier_pdf.first_page_of(catalogue(films), 1) - 1]


def test_contents_give_each_films_page_and_the_outline_lists_them():
    films = [film("Primera"), film("Segunda")]
    rendered = dossier_pdf.render_dossier(catalogue(films))
    contents = pdf_pages(rendered.pdf)[1]
    assert contents.index("Primera") < contents.index("Segunda")
    assert "Primera\r\nLucía Ñáñez 3" in contents
    assert "Segunda\r\nLucía Ñáñez 5" in contents
    assert outline(rendered.pdf) == [
        (0, "Toulouse"),
        (0, "Contents"),
        (0, "Primera"),
        (0, "Segunda"),
    ]


def test_a_catalogue_is_grouped_by_session_and_its_contents_run_over_pages():
    films = [film(f"Film {number:02d}", section="Toulouse") for number in range(12)]
    films += [film(f"Film {number:02d}", section="Lima") for number in range(12, 21)]
    data = catalogue(films, scope="Catalogue of the selection", grouped=True)
    assert dossier_pdf.contents_pages(data) == 2  # 21 films and 2 headings, 20 a page
    rendered = dossier_pdf.render_dossier(data)
    pages = pdf_pages(rendered.pdf)
    assert len(pages) == rendered.pages == 1 + 2 + 2 * 21
    assert "Contents (continued)" in pages[2]
    assert pages[1].index("Toulouse") < pages[1].index("Film 00")
    assert "Lima" in pages[1] + pages[2]
    for index in (0, 11, 12, 20):
        assert f"Film {index:02d}" in pages[dossier_pdf.first_page_of(data, index) - 1]
    levels = outline(rendered.pdf)
    assert (0, "Lima") in levels
    assert (1, "Film 12") in levels


def test_a_page_renders_to_an_image_with_the_still_or_a_placeholder():
    still = jpeg_bytes(1600, 900, STILL_COLOUR)
    films = [film("Con imagen", still=still), film("Sin imagen")]
    data = catalogue(films)
    rendered = dossier_pdf.render_dossier(data)
    with_still = render_page(rendered.pdf, dossier_pdf.first_page_of(data, 0) - 1)
    assert with_still.size == (298, 421)  # A4 at 36 dots per inch
    red, green, blue = with_still.getpixel((with_still.width // 2, 70))
    assert abs(red - 30) < 12 and abs(green - 90) < 12 and abs(blue - 200) < 12
    without = render_page(rendered.pdf, dossier_pdf.first_page_of(data, 1) - 1)
    assert without.getpixel((without.width // 2, 70)) != with_still.getpixel(
        (with_still.width // 2, 70)
    )
    assert "No still available" in pdf_pages(rendered.pdf)[dossier_pdf.first_page_of(data, 1) - 1]


def test_an_unreadable_image_becomes_a_placeholder():
    films = [
        film("Basura", still=b"not an image at all"),
        film("Cortada", still=jpeg_bytes()[:10]),
        film(
            "Foto rota",
            directors=(DirectorEntry(name="Ana", photo=b"\xff\xd8broken"),),
        ),
    ]
    data = catalogue(films)
    rendered = dossier_pdf.render_dossier(data)
    pages = pdf_pages(rendered.pdf)
    assert rendered.pages == 1 + 1 + 2 * 3
    assert "No still available" in pages[dossier_pdf.first_page_of(data, 0) - 1]
    assert "No still available" in pages[dossier_pdf.first_page_of(data, 1) - 1]
    assert "Ana" in pages[dossier_pdf.first_page_of(data, 2)]


def test_the_longest_texts_the_form_allows_stay_on_two_pages():
    def text(limit):
        return ("Texto largo con acentos: canción, niño. " * 200)[:limit]

    director = DirectorEntry(
        name="Directora con un nombre largo",
        details="Argentina · 3 features before this one",
        biography=text(LIMITS["biography"]),
        photo=jpeg_bytes(800, 1000),
    )
    long_film = film(
        text(LIMITS["original_title"]),
        english_title=text(LIMITS["english_title"]),
        logline=text(LIMITS["logline"]),
        synopsis=text(LIMITS["long_synopsis"]),
        still=jpeg_bytes(),
        directors=(director, director, director),
        statement=text(LIMITS["director_statement"]),
        production=tuple(
            f"Company {n} (Argentina) · Co-producing company · 10 %" for n in range(8)
        ),
        post_production=tuple((f"Need {n}", "USD 25,000 — " + "details " * 20) for n in range(8)),
    )
    rendered = dossier_pdf.render_dossier(catalogue([long_film, film("Corta")]))
    pages = pdf_pages(rendered.pdf)
    assert len(pages) == rendered.pages == 1 + 1 + 2 * 2
    assert "Corta" in pages[4]


def test_progress_is_reported_after_each_page():
    calls = []
    rendered = dossier_pdf.render_dossier(
        catalogue([film("Uno"), film("Dos")]),
        progress=lambda page, pages: calls.append((page, pages)),
    )
    assert calls == [(page, 6) for page in range(1, 7)]
    assert rendered.pages == 6


def test_a_logo_is_printed_on_the_cover_when_it_can_be_read():
    logo = io.BytesIO()
    Image.new("RGB", (600, 240), (200, 20, 20)).save(logo, "PNG")
    rendered = dossier_pdf.render_dossier(catalogue([film("Uno")], logo=logo.getvalue()))
    cover = render_page(rendered.pdf, 0)
    reds = [
        cover.getpixel((x, y))
        for x in range(0, cover.width, 4)
        for y in range(40, cover.height // 3, 4)
    ]
    assert any(red > 180 and green < 60 for red, green, _blue in reds)
    plain = dossier_pdf.render_dossier(catalogue([film("Uno")], logo=b"not a logo"))
    assert plain.pages == rendered.pages == 4


def test_the_fallback_fonts_ship_with_reportlab():
    folder = Path(reportlab.__file__).parent / "fonts"
    assert all((folder / name).is_file() for name in dossier_pdf._VERA)


def test_images_given_as_paths_are_placed_like_bytes(tmp_path):
    path = tmp_path / "still.jpg"
    path.write_bytes(jpeg_bytes(1600, 900, STILL_COLOUR))
    data = catalogue(
        [film("Con imagen", still=path), film("Sin imagen", still=tmp_path / "gone.jpg")]
    )
    rendered = dossier_pdf.render_dossier(data)
    image = render_page(rendered.pdf, dossier_pdf.first_page_of(data, 0) - 1)
    red, green, blue = image.getpixel((image.width // 2, 70))
    assert abs(red - 30) < 12 and abs(green - 90) < 12 and abs(blue - 200) < 12
    assert "No still available" in pdf_pages(rendered.pdf)[dossier_pdf.first_page_of(data, 1) - 1]


def test_write_dossier_writes_the_same_pdf_to_a_file(tmp_path):
    data = catalogue([film("Uno")])
    target = tmp_path / "dossier.pdf"
    assert dossier_pdf.write_dossier(data, str(target)) == 4
    assert len(pdf_pages(target.read_bytes())) == 4
