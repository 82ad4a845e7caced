"""The Möte page's parts: its state (state, session), what it shows (views, display,
presentation) and what it records (forms). pages/mote.py puts them together."""
