"""Tests of the mimecast Python binding (stdlib unittest)."""
