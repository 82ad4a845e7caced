"""Plotly figures and display tables shared by the pages and the documents; no Streamlit."""
