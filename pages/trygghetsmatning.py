"""Placeholder until the page is built."""

import streamlit as st

st.title("trygghetsmatning")
st.write("Sidan byggs.")
