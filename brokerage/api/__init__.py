"""The JSON API, version 1, under /api/v1: bearer tokens, no session, no CSRF."""
