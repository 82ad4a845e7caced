"""ui.widgets.table: a styled table that has not changed is sent to the browser exactly as before, so
the browser keeps it instead of drawing it again on every rerun (pandas gives each Styler a random id)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


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
