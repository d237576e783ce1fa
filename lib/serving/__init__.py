"""A loopback HTTP server that answers with Hugging Face's task API shapes, for offline classrooms."""
