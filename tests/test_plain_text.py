"""User text put into Streamlit's Markdown or Plotly's labels shows as typed: text.md_literal,
text.plotly_literal and chart_text.plain_figure.

The browser test (tests/browser/test_browser_hostile_names.py) checks the same in Streamlit's real
renderer; these tests pin the escaping itself, case by case."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from trygghet.core.text import WORD_JOINER, md_literal, plotly_literal
from trygghet.present import figures, map_figures
from trygghet.present.chart_text import plain_figure

HOSTILE = [
    "**fet**",
    "__fet__ och _kursiv_ och *kursiv*",
    "~~struken~~",
    "`kod`",
    "[länk](http://127.0.0.1:9/x)",
    "![bild](http://127.0.0.1:9/x.png)",
    "<img src=x onerror=alert(1)>",
    "<http://127.0.0.1:9/y>",
    ":red[röd] :blue-background[bakgrund] :orange-badge[märke] :small[liten]",
    ':color[text]{foreground="red"}',
    ":material/warning: :smile: :streamlit:",
    "$x^2$ och $$y$$",
    "# Rubrik",
    "> citat",
    "- punkt",
    "+ punkt",
    "1. nummer",
    "a | b",
    "&amp; &lt;b&gt; &#60;",
    "[ref]: http://127.0.0.1:9/ref",
]


def unescaped(markdown: str) -> str:
    """What a CommonMark reader shows for text that holds only backslash escapes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("  \n", "\n").replace(WORD_JOINER, "")


@pytest.mark.parametrize("value", HOSTILE)
def test_every_markdown_character_is_escaped(value: str) -> None:
    escaped = md_literal(value)
    # Left alone, each character below starts some Markdown construct; escaped, none is bare.
    assert not re.search(r"(?<!\\)[*_~`\[\]()!<>:$#|&{}+-]", escaped.replace("\\\\", "")), escaped
    assert unescaped(escaped) == value


def test_line_starts_and_numbered_lists_cannot_form_blocks() -> None:
    escaped = md_literal("# Rubrik\n> citat\n- punkt\n1. nummer\n    indraget\nText\n===")
    for line in escaped.split("  \n"):
        assert not re.match(r"(#|>|-|\+|\*|\d+\.|=|\s)", line), line
    assert unescaped(escaped) == "# Rubrik\n> citat\n- punkt\n1. nummer\nindraget\nText\n==="


def test_bare_addresses_shortcodes_and_arrows_are_broken_for_the_renderer() -> None:
    """Streamlit turns these into links, emoji and arrows after parsing, where escapes are gone."""
    plain = md_literal("http://127.0.0.1:9/z www.example.com a@b.se :smile: -> <- -- >= <=").replace("\\", "")
    for pattern in ("://", "www.", "a@", ":smile", "->", "<-", "--", ">=", "<="):
        assert pattern not in plain, pattern
    assert plain.replace(WORD_JOINER, "") == "http://127.0.0.1:9/z www.example.com a@b.se :smile: -> <- -- >= <="


def test_ordinary_text_is_unchanged() -> None:
    assert md_literal("Ångered Centrum") == "Ångered Centrum"
    assert md_literal(" Klotter ") == "Klotter"


def test_control_characters_go_and_line_breaks_stay() -> None:
    assert md_literal("rad ett\r\nrad två\x07") == "rad ett  \nrad två"
    assert md_literal(None) == "None"
    assert md_literal(12) == "12"


def test_plotly_literal_keeps_tags_as_text() -> None:
    assert plotly_literal("<a href='http://127.0.0.1:9/x'>x</a> & <b>") == (
        "&lt;a href='http://127.0.0.1:9/x'&gt;x&lt;/a&gt; &amp; &lt;b&gt;"
    )
    assert plotly_literal("Ångered") == "Ångered"


def test_plotly_literal_escapes_once_and_turns_line_breaks_into_br() -> None:
    once = plotly_literal("<b>fet</b> & <a href='http://127.0.0.1:9/x'>x</a>")
    assert plotly_literal(once) == once
    assert "&amp;lt;" not in plotly_literal(once)
    assert plotly_literal("rad ett\nrad två") == "rad ett<br>rad två"
    assert plotly_literal("R&D &amp; &lt;") == "R&amp;D &amp; &lt;"


LINK = '<a href="http://127.0.0.1:9/x">klick</a>'
BOLD = "<b>fet</b>"
LINK_PLAIN = "&lt;a href=\"http://127.0.0.1:9/x\"&gt;klick&lt;/a&gt;"
BOLD_PLAIN = "&lt;b&gt;fet&lt;/b&gt;"


def _every_text_figure() -> go.Figure:
    day = dt.date(2024, 3, 4)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=[LINK, "Ångered"], y=[3, 4], name=BOLD, text=[BOLD, "4"], hovertext=[LINK, "x"],
        customdata=np.array([[LINK, 3], ["Ångered", 4]], dtype=object), meta=[LINK], ids=[LINK, "b"],
        legendgrouptitle={"text": LINK},
        hovertemplate="<b>%{x}</b><br>%{customdata[0]} <a href='http://127.0.0.1:9/t'>mall</a><extra>%{meta[0]}</extra>",
        texttemplate="<b>%{text}</b>",
    ))
    fig.add_trace(go.Scatter(x=[day, day + dt.timedelta(days=7)], y=[1.5, 2], name="Datum",
                             text=pd.Series([BOLD, "rad\nbrytning"]).to_numpy()))
    fig.add_trace(go.Pie(labels=[LINK, "Klotter"], values=[1, 2], domain={"x": [0.8, 1]}))
    fig.add_trace(go.Heatmap(y=[BOLD, "Måndag"], x=[0, 1], z=[[1, 2], [3, 4]],
                             colorbar={"title": {"text": LINK}}, xaxis="x2", yaxis="y2"))
    fig.update_layout(
        title={"text": LINK}, legend={"title": {"text": BOLD}}, meta=BOLD,
        xaxis={"title": {"text": BOLD}, "categoryorder": "array", "categoryarray": [LINK, "Ångered"]},
        yaxis={"tickvals": [1, 2], "ticktext": [LINK, "två"]},
        annotations=[{"text": BOLD, "x": LINK, "y": 3}, {"text": "Idag", "x": 0, "y": 0}],
        shapes=[{"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 1, "label": {"text": LINK}}],
    )
    return fig


def test_plain_figure_escapes_every_text_of_a_figure_once() -> None:
    fig = plain_figure(plain_figure(_every_text_figure()))
    bar, scatter, pie, heatmap = fig.data
    assert list(bar.x) == [LINK_PLAIN, "Ångered"]
    assert bar.name == BOLD_PLAIN
    assert list(bar.text) == [BOLD_PLAIN, "4"]
    assert list(bar.hovertext) == [LINK_PLAIN, "x"]
    assert bar.customdata.tolist() == [[LINK_PLAIN, 3], ["Ångered", 4]]
    assert list(bar.meta) == [LINK_PLAIN]
    assert list(bar.ids) == [LINK_PLAIN, "b"]
    assert bar.legendgrouptitle.text == LINK_PLAIN
    assert list(bar.y) == [3, 4]
    # The template keeps the app's tags and loses the link.
    assert bar.hovertemplate == ("<b>%{x}</b><br>%{customdata[0]} &lt;a href='http://127.0.0.1:9/t'>mall&lt;/a>"
                                 "<extra>%{meta[0]}</extra>")
    assert bar.texttemplate == "<b>%{text}</b>"
    assert list(scatter.x) == [dt.date(2024, 3, 4), dt.date(2024, 3, 11)]
    assert list(scatter.y) == [1.5, 2]
    assert list(scatter.text) == [BOLD_PLAIN, "rad<br>brytning"]
    assert scatter.name == "Datum"
    assert list(pie.labels) == [LINK_PLAIN, "Klotter"]
    assert list(heatmap.y) == [BOLD_PLAIN, "Måndag"]
    assert heatmap.colorbar.title.text == LINK_PLAIN
    assert [list(row) for row in heatmap.z] == [[1, 2], [3, 4]]
    layout = fig.layout
    assert layout.title.text == LINK_PLAIN
    assert layout.legend.title.text == BOLD_PLAIN
    assert layout.meta == BOLD_PLAIN
    assert layout.xaxis.title.text == BOLD_PLAIN
    # A category keeps matching its bars: the order list is escaped like the values.
    assert list(layout.xaxis.categoryarray) == [LINK_PLAIN, "Ångered"]
    assert list(layout.yaxis.ticktext) == [LINK_PLAIN, "två"]
    assert list(layout.yaxis.tickvals) == [1, 2]
    assert [(a.text, a.x) for a in layout.annotations] == [(BOLD_PLAIN, LINK_PLAIN), ("Idag", 0)]
    assert layout.shapes[0].label.text == LINK_PLAIN
    serialised = fig.to_json()
    assert "&amp;lt;" not in serialised
    assert "<a " not in serialised.replace("<a href='http://127.0.0.1:9/t'", "")


def test_plain_figure_leaves_a_figure_of_plain_names_untouched() -> None:
    fig = go.Figure(go.Bar(x=["Ångered", "Centrum"], y=[1, 2], name="Händelser",
                           hovertemplate="%{x}: %{y}<extra></extra>"))
    fig.update_layout(title={"text": "Per stadsdel"})
    before = fig.to_json()
    assert plain_figure(fig).to_json() == before


def test_map_labels_keep_a_district_name_as_text() -> None:
    name = "<a href='http://127.0.0.1:9/x'>Länkby</a>"
    counts = pd.DataFrame({"district": [name], "count": [3]})
    centres = pd.DataFrame({"district": [name], "lat": [57.7], "lon": [11.9], "color": ["#0072B2"]})
    fig = plain_figure(map_figures.bubble_figure(counts.assign(color="#0072B2"), centres))
    (bubbles,) = fig.data
    assert bubbles.texttemplate == "<b>%{customdata[0]}</b><br>%{text}"
    assert bubbles.customdata.tolist() == [["&lt;a href='http://127.0.0.1:9/x'&gt;Länkby&lt;/a&gt;", 3]]
    assert list(bubbles.text) == ["3"]


def test_tile_map_text_stays_as_typed_and_its_hover_is_plain() -> None:
    # MapLibre draws a Scattermap's text itself, decoding no entities; Plotly draws the hover.
    fig = plain_figure(go.Figure(go.Scattermap(lon=[11.9], lat=[57.7], mode="text", text=[LINK])))
    assert list(fig.data[0].text) == [LINK]
    assert list(fig.data[0].hovertext) == [LINK_PLAIN]


def test_document_charts_are_plain_and_keep_their_line_breaks() -> None:
    areas = pd.DataFrame({"name": [f"Område {BOLD} med ett mycket långt namn som bryts"], "count": [3],
                          "count_last_year": [2], "flag": [""]})
    fig = figures.print_style(figures.areas_figure(areas, "I år", "I fjol"))
    labels = {label for trace in fig.data for label in trace.y}
    assert labels == {"Område &lt;b&gt;fet&lt;/b&gt; med ett<br>mycket långt namn som bryts"}
