"""ui.widgets.table: a styled table that has not changed is sent to the browser exactly as before, so
the browser keeps it instead of drawing it again on every rerun (pandas gives each Styler a random id)."""

from __future__ import annotations

import pyarrow as pa
from streamlit.testing.v1 import AppTest

from trygghet.core.formatting import MISSING
from trygghet.present import table_style


def styled_page() -> None:
    import pandas as pd

    from trygghet.ui import widgets

    frame = pd.DataFrame({"Kategori": ["Klotter", "Stöld"], "Antal": [3, 5]})
    styler = frame.style.apply(lambda row: ["font-weight: bold" if row["Antal"] > 4 else "" for _ in row], axis=1)
    widgets.table(frame, "jämförelse-v. 48", styler=styler)


def test_an_unchanged_styled_table_is_sent_the_same_on_every_run() -> None:
    at = AppTest.from_function(styled_page).run()
    first = at.dataframe[0].proto.SerializeToString()
    at.run()
    assert not at.exception
    assert at.dataframe[0].proto.SerializeToString() == first
    assert at.dataframe[0].proto.arrow_data.styler.uuid == "j_mf_relse_v__48"


def filled_page() -> None:
    import numpy as np
    import pandas as pd

    from trygghet.present import table_style
    from trygghet.ui import widgets

    frame = pd.DataFrame({"Kategori": ["Klotter", "Stöld", "Rån"], "± vecka": ["+9", "−1", "+4"],
                          "Per 1 000 inv.": [1.25, np.nan, 0.5]})
    flags = pd.DataFrame({"Kategori": ["", "", ""], "± vecka": ["upp", "", "ned"], "Per 1 000 inv.": ["", "", ""]})
    widgets.table(frame, "flaggor", styler=table_style.flag_styler(frame, flags).format("{:.2f}", subset=["Per 1 000 inv."]))
    widgets.table(frame, "rader", styler=table_style.row_styler(frame, [False, True, False], "font-weight: 700"))


def test_flag_and_row_fills_reach_the_cells_they_mark_and_a_gap_is_a_dash() -> None:
    at = AppTest.from_function(filled_page).run()
    assert not at.exception
    flags, rows = (df.proto.arrow_data.styler for df in at.dataframe)
    up, down = (table_style.FLAG_STYLES[f] for f in ("upp", "ned"))
    rules = {line.split(" { ")[0]: line.split(" { ")[1].rstrip(" }") for line in flags.styles.splitlines()}
    assert rules == {"#T_flaggor_row0_col1": _declarations(up), "#T_flaggor_row2_col1": _declarations(down)}
    assert rows.styles.splitlines() == ["#T_rader_row1_col0, #T_rader_row1_col1, #T_rader_row1_col2 { font-weight: 700 }"]
    # The gap is the dash on the wall, the other cells as the Styler formats them; the column is text.
    shown = pa.ipc.open_stream(flags.display_values).read_pandas()
    assert shown["Per 1 000 inv."].tolist() == ["1.25", MISSING, "0.50"]
    assert pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.data).read_pandas()["Per 1 000 inv."].tolist() == [
        "1.25", MISSING, "0.50"]


def _declarations(css: str) -> str:
    return "; ".join(f"{k.strip()}: {v.strip()}" for k, v in (d.split(":") for d in css.split(";")))


def same_tables_page() -> None:
    import datetime as dt

    import numpy as np
    import pandas as pd
    import streamlit as st

    from trygghet.present import table_style
    from trygghet.ui import widgets

    def tables() -> list[tuple[str, pd.DataFrame, object]]:
        frame = pd.DataFrame({"Kategori": ["Klotter", "Stöld", "Rån"], "± vecka": ["+9", "−1", "+4"],
                              "Per 1 000 inv.": [1.25, np.nan, 0.5], "Antal": [3, 12, 7],
                              "Start": pd.to_datetime([dt.date(2026, 11, 2), None, dt.date(2026, 11, 16)])})
        flags = pd.DataFrame("", index=frame.index, columns=frame.columns)
        flags.loc[0, "± vecka"], flags.loc[2, "Antal"] = "upp", "ned"
        return [
            ("flaggor", frame, table_style.flag_styler(frame, flags).format("{:.2f}", subset=["Per 1 000 inv."])
             .apply(lambda row: ["font-weight: 700" if row["Antal"] > 10 else "" for _ in row], axis=1)),
            ("rader", frame, table_style.row_styler(frame, [False, True, False], "font-weight: 700")),
            ("format", frame, frame.style.format({"Antal": "{:d} st", "Per 1 000 inv.": "{:.1f}"}, na_rep="–")),
            # Table-wide styles: rendered by pandas, cut down afterwards.
            ("hela", frame, table_style.row_styler(frame, [True, False, False], "color: #6b1a00")
             .set_table_styles([{"selector": "td", "props": "text-align: right"}]).format("{:.3f}", subset=["Per 1 000 inv."])),
        ]

    for name, frame, styler in tables():
        widgets.table(frame, name, styler=styler)
    # The same tables as Streamlit sends them when it works out the Styler itself.
    for name, _frame, styler in tables():
        styler.set_uuid(name)
        table_style.missing_as_dash(styler)
        st.dataframe(styler, hide_index=True)


def test_a_styled_table_reaches_the_browser_with_the_same_rules_and_text_as_streamlit_sends_it() -> None:
    at = AppTest.from_function(same_tables_page).run()
    assert not at.exception
    ours, theirs = at.dataframe[:4], at.dataframe[4:]
    for mine, reference in zip(ours, theirs, strict=True):
        a, b = mine.proto.arrow_data, reference.proto.arrow_data
        assert a.styler.uuid == b.styler.uuid
        assert a.styler.styles == b.styler.styles
        assert (pa.ipc.open_stream(a.styler.display_values).read_pandas()
                .equals(pa.ipc.open_stream(b.styler.display_values).read_pandas()))
        assert a.data == b.data
    assert ours[0].proto.arrow_data.styler.styles.count("{") == 3  # two flags and the bold row
    shown = pa.ipc.open_stream(ours[2].proto.arrow_data.styler.display_values).read_pandas()
    assert shown["Antal"].tolist() == ["3 st", "12 st", "7 st"]
