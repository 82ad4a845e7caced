"""Placeholder until the page is built."""

import streamlit as st

st.title("prioriterade")
st.write("Sidan byggs.")
