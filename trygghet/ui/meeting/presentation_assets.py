"""The presentation mode's two static files, read once. Never user data, so they are injected as
they are. Kept apart from ui.meeting.presentation so that app.py, which injects the CSS on every
page, does not load the meeting's views.

- presentation.css hides the sidebar and Streamlit's own chrome and enlarges the type.
- presentation_keys.js lets the keys a presenter clicker sends (arrows, PageUp/PageDown, space,
  Esc) step through the views by clicking the page's own buttons, so that every step is an
  ordinary Streamlit rerun; typing in a field is left alone. With &timer= it clicks Nästa after
  that many seconds on one view (at least 5); the clock restarts whenever the view changes and
  waits while someone is typing, and on the last view Nästa is off.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
PRESENTATION_CSS = "<style>\n" + (_HERE / "presentation.css").read_text(encoding="utf-8") + "</style>"
PRESENTATION_KEYS_JS = "<script>\n" + (_HERE / "presentation_keys.js").read_text(encoding="utf-8") + "</script>"
