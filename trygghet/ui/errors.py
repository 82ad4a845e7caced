"""One way to show an error meant for the user: its Swedish message as plain text, never Markdown.

Pages catch `UserError` (trygghet.core.errors) and hand it here; anything else is a fault in the
product and reaches the page runner's generic message (shell.run_page) instead."""

from __future__ import annotations

import streamlit as st

from trygghet.ui.safe_text import plain


def show_error(exc: BaseException | str) -> None:
    """The error's Swedish message as plain text in a red box."""
    st.error(plain(exc), icon=":material/error:")


def show_warning(exc: BaseException | str) -> None:
    """A passing hindrance (a busy database: try again in a moment) as plain text in a yellow box."""
    st.warning(plain(exc), icon=":material/warning:")
