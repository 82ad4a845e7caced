"""Placeholder until the page is built."""

import streamlit as st

st.title("insatser")
st.write("Sidan byggs.")
