"""User text put into Streamlit's Markdown or Plotly's labels shows as typed: text.md_literal and
text.plotly_literal.

The browser test (tests/browser/test_browser_hostile_names.py) checks the same in Streamlit's real
renderer; these tests pin the escaping itself, case by case."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from trygghet import geo_ui
from trygghet.text import WORD_JOINER, md_literal, plotly_literal

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


def test_map_labels_keep_a_district_name_as_text() -> None:
    name = "<a href='http://127.0.0.1:9/x'>Länkby</a>"
    counts = pd.DataFrame({"district": [name], "count": [3]})
    centres = pd.DataFrame({"district": [name], "lat": [57.7], "lon": [11.9], "color": ["#0072B2"]})
    fig = geo_ui.bubble_figure(counts.assign(color="#0072B2"), centres)
    labels = [text for trace in fig.data for text in (trace.text or ())]
    assert labels == ["<b>&lt;a href='http://127.0.0.1:9/x'&gt;Länkby&lt;/a&gt;</b><br>3"]
