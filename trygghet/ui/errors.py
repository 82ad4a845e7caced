"""One way to show an error meant for the user."""

from __future__ import annotations

import streamlit as st

from trygghet.ui.safe_text import plain


def show_error(exc: BaseException | str) -> None:
    """The error's Swedish message as plain text in a red box."""
    st.error(plain(exc), icon=":material/error:")
