"""Tools lessons (Hub CLI, Spaces): argument checking and file generation, no Streamlit here."""
