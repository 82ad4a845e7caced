"""User and data text made literal for the Markdown that Streamlit renders almost everywhere."""

from __future__ import annotations

import pandas as pd

from trygghet.core.text import md_literal


def plain(text: object) -> str:
    """User or data text inside any Markdown Streamlit renders (st.markdown, captions, headings,
    alerts, toasts, widget labels, pills and radio options, st.table cells): shown as typed."""
    return md_literal(text)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy for st.table, which reads every cell as Markdown (st.dataframe reads none). The
    headers are the app's own and stay as they are, so that a Styler's labels still match."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(lambda v: plain(v) if isinstance(v, str) else v)
    return out
