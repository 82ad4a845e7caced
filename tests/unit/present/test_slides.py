"""present.slides' pagination and present.slide_html, worked out by hand: long lists go on to
further slides with every row once and in order, each slide within its height, a heading never
last on a slide and '(forts.)' where a list goes on; user text is escaped, never markup."""

from __future__ import annotations

from trygghet.present import slides
from trygghet.present.slide_html import slide_html
from trygghet.present.slides import Card, Cards, Grid, Heading, Slide


def grid(rows: int, text: str = "Kort text") -> Grid:
    return Grid(("Insats", "Status"), tuple((f"{text} {i}", "Pågående") for i in range(rows)), (3, 1))


def test_lines_wrap_words_and_break_a_word_longer_than_the_line() -> None:
    assert slides.lines("ett två tre", 100) == 1
    assert slides.lines("ord " * 40, 10) > 4
    assert slides.lines("x" * 200, 10) >= 10  # no spaces: broken, never cut
    assert slides.lines("rad ett\nrad två", 100) == 2


def test_a_long_table_goes_on_to_further_slides_with_every_row_once_and_in_order() -> None:
    pages = slides.flow([Heading("Insatser att följa upp"), grid(60)])
    assert len(pages) >= 3
    rows = [r for page in pages for b in page if isinstance(b, Grid) for r in b.rows]
    assert [r[0] for r in rows] == [f"Kort text {i}" for i in range(60)]
    for number, page in enumerate(pages, start=1):
        assert sum(slides.height(b, slides.WIDTH) for b in page) <= slides.HEIGHT + 1e-9, number
        assert not isinstance(page[-1], Heading), number
        heading = page[0]
        assert isinstance(heading, Heading)
        assert heading.text == ("Insatser att följa upp" if number == 1 else "Insatser att följa upp (forts.)")


def test_a_heading_moves_to_the_next_slide_with_what_it_heads() -> None:
    # The first table nearly fills the slide: the second heading does not stay behind alone.
    first = grid(1)
    while slides.height(first, slides.WIDTH) < slides.HEIGHT - 4:
        first = grid(len(first.rows) + 1)
    pages = slides.flow([first, Heading("Fokusplatser"), grid(6)])
    assert len(pages) == 2
    assert pages[0] == [first]
    assert isinstance(pages[1][0], Heading) and pages[1][0].text == "Fokusplatser"


def test_decisions_are_never_split_and_a_very_long_one_gets_a_slide_of_its_own() -> None:
    long = Card("Beslut " + "mycket lång text " * 300, (("Ansvarig", "Polis – Kommunpolis"),), "Öppen")
    short = [Card(f"Beslut {i}", (("Klart senast", "2026-12-15"),), "Öppen") for i in range(3)]
    pages = slides.flow([Heading("Beslut på det här mötet"), Cards((short[0], long, short[1], short[2]))])
    cards = [c for page in pages for b in page if isinstance(b, Cards) for c in b.items]
    assert cards == [short[0], long, short[1], short[2]]
    alone = next(page for page in pages if any(isinstance(b, Cards) and long in b.items for b in page))
    assert [c for b in alone if isinstance(b, Cards) for c in b.items] == [long]


def test_the_slide_html_shows_user_text_as_typed() -> None:
    hostile = '**fet** <script>alert(1)</script> [länk](https://example.org) <img src=x onerror=alert(1)>'
    slide = Slide(4, f"4. Beslut {hostile}", ((Heading(hostile), grid(1, hostile),
                                               Cards((Card(hostile, (("Ansvarig", hostile),), "Öppen", report=hostile),)
                                                     )),), page=2, pages=3)
    html = slide_html(slide)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "**fet**" in html
    assert '<span class="lb-page" aria-label="Sida 2 av 3">2/3</span>' in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 6


def test_many_priority_areas_go_on_to_further_slides_as_well() -> None:
    names = tuple(f"Prioriterat område nummer {i} med ett långt namn om otrygghet i offentlig miljö" for i in range(20))
    bars = slides.PairedBars(names, tuple(range(20)), tuple(range(20)), ("",) * 20, "Hittills 2026", "Samma period 2025",
                             "sammanfattning")
    pages = slides.flow([Heading("Händelser mot året före"), bars])
    assert len(pages) >= 2
    shown = [n for page in pages for b in page if isinstance(b, slides.PairedBars) for n in b.names]
    assert tuple(shown) == names
    assert all(sum(slides.height(b, slides.WIDTH) for b in page) <= slides.HEIGHT for page in pages)
