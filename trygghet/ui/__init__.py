"""Everything that imports Streamlit: the app shell, the query cache, widgets, the sidebar, log-in, the map and the meeting's views and forms."""
