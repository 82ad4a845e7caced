"""Placeholder until the page is built."""

import streamlit as st

st.title("trender")
st.write("Sidan byggs.")
