"""The demo municipality, Solvik."""
