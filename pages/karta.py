"""Placeholder until the page is built."""

import streamlit as st

st.title("karta")
st.write("Sidan byggs.")
